/** One repository's part of a delivery: the tags pushed to it, or (`other`) something that runs nothing. */
export interface PushNotice {
  /** The repository's path on the sender's registry, without the host (`library/app`, `octo-org/hello-world`). */
  repository: string;
  tags: string[];
  kind: 'push' | 'other';
}

/** Header lookup by lower-case name, as Node gives them. */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** One sender's documented payload: how to tell it from the others, and what it says was pushed. */
export interface PushSender {
  name: string;
  recognises(body: Record<string, unknown>, headers: Headers): boolean;
  notices(body: Record<string, unknown>, headers: Headers): PushNotice[];
}

/** The distribution spec's tag grammar: anything else in a payload is not a tag Ferry would ask for. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** The distribution spec's repository name grammar (lower-case path components), bounded. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export const isTag = (value: unknown): value is string => typeof value === 'string' && TAG.test(value);
export const isRepository = (value: unknown): value is string => typeof value === 'string' && value.length <= 255 && REPOSITORY.test(value);

export const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
/** A request header's (first) value; Node gives repeated headers as an array. */
export const header = (headers: Headers, name: string): string | undefined => [headers[name]].flat()[0];
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** One notice per repository: the tags pushed to it, or `other` when nothing was. */
export function noticesByRepository(entries: readonly { repository: string; tag: string | null }[]): PushNotice[] {
  const byRepository = new Map<string, Set<string>>();
  for (const { repository, tag } of entries) {
    const tags = byRepository.get(repository) ?? new Set<string>();
    if (tag !== null) tags.add(tag);
    byRepository.set(repository, tags);
  }
  return [...byRepository].map(([repository, tags]) => ({ repository, tags: [...tags].sort(), kind: tags.size ? 'push' : 'other' }));
}
