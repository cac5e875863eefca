/** Manifest list media types: Quay's `is_manifest_list`. */
const MANIFEST_LISTS = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** Quay clamps a page to 1 to 100 tags (default 50) and pages from 1. */
export const TAG_PAGE_MAX = 100;

/** A tag the target holds now (the `tags` read model). */
export interface ActiveTag {
  tag: string;
  digest: string;
  mediaType: string;
  updatedAt: Date;
}

/** One change of a tag (the `tag_history` read model), oldest first by `position`. */
export interface TagChangeRecord {
  tag: string;
  position: number;
  change: 'created' | 'moved' | 'deleted' | 'rolled_back';
  /** What the tag holds after the change; null once removed. */
  digest: string | null;
  occurredAt: Date;
}

/** What Ferry knows of a manifest it wrote: its media type, and the bytes it copied for it. */
export interface ManifestFacts {
  mediaType: string | null;
  size: number | null;
}

/** One lifetime of a tag: a digest it held from `start` until `end` (null while it still does). */
export interface TagLifetime {
  name: string;
  digest: string;
  start: Date;
  end: Date | null;
  /** A rollback put the digest back (Quay's reversion). */
  reversion: boolean;
}

/** `filter_tag_name`: Quay's `<op>:<name>`, `like` (contains, any case) or `eq`. */
export type TagNameFilter = { op: 'like' | 'eq'; name: string };

/** A `filter_tag_name` read, or the problem with it. */
export function parseTagNameFilter(raw: string): TagNameFilter | string {
  const colon = raw.indexOf(':');
  const op = colon < 0 ? '' : raw.slice(0, colon);
  const name = colon < 0 ? '' : raw.slice(colon + 1);
  if ((op !== 'like' && op !== 'eq') || name === '') return 'must be <op>:<name>, <op> being like or eq';
  return { op, name };
}

/**
 * Every lifetime of every tag, Quay's tag history: each change that gives a tag a digest ends the
 * lifetime before it and starts one; a removal ends one. The `tags` read model is the truth of what
 * is active: a tag it holds whose history does not end on that digest (written before the history
 * was kept, or found unchanged on the target) gets a lifetime from when Ferry last wrote it, and a
 * lifetime left open for a tag the target no longer holds is not shown as active.
 */
export function tagLifetimes(active: readonly ActiveTag[], changes: readonly TagChangeRecord[]): TagLifetime[] {
  const lifetimes: TagLifetime[] = [];
  const open = new Map<string, TagLifetime>();
  for (const change of [...changes].sort((a, b) => a.position - b.position)) {
    const current = open.get(change.tag);
    if (current) {
      current.end = change.occurredAt;
      open.delete(change.tag);
    }
    if (change.digest !== null) {
      const lifetime: TagLifetime = { name: change.tag, digest: change.digest, start: change.occurredAt, end: null, reversion: change.change === 'rolled_back' };
      lifetimes.push(lifetime);
      open.set(change.tag, lifetime);
    }
  }
  const activeByName = new Map(active.map((t) => [t.tag, t]));
  for (const [name, lifetime] of open) {
    const now = activeByName.get(name);
    if (!now || now.digest !== lifetime.digest) lifetime.end = now ? now.updatedAt : lifetime.start;
  }
  for (const tag of active) {
    const lifetime = open.get(tag.tag);
    if (!lifetime || lifetime.digest !== tag.digest) lifetimes.push({ name: tag.tag, digest: tag.digest, start: tag.updatedAt, end: null, reversion: false });
  }
  return lifetimes;
}

export interface TagListOptions {
  onlyActiveTags: boolean;
  specificTag: string | null;
  filter: TagNameFilter | null;
  page: number;
  limit: number;
}

/** Quay's tag in a listing. */
export interface QuayTag {
  name: string;
  reversion: boolean;
  start_ts?: number;
  end_ts?: number;
  manifest_digest: string;
  is_manifest_list: boolean;
  size: number | null;
  last_modified?: string;
  expiration?: string;
}

/** Quay's dates: RFC 2822 in UTC. */
const quayDate = (date: Date) => date.toUTCString().replace('GMT', '-0000');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * One page of Quay's ListRepositoryTags: the lifetimes chosen by the options, newest start first
 * (then by name), as Quay writes them.
 */
export function listTags(
  lifetimes: readonly TagLifetime[],
  facts: ReadonlyMap<string, ManifestFacts>,
  options: TagListOptions,
): { tags: QuayTag[]; page: number; has_additional: boolean } {
  const { filter } = options;
  const chosen = lifetimes
    .filter((l) => !options.onlyActiveTags || l.end === null)
    .filter((l) => options.specificTag === null || l.name === options.specificTag)
    .filter((l) => !filter || (filter.op === 'eq' ? l.name === filter.name : l.name.toLowerCase().includes(filter.name.toLowerCase())))
    .sort((a, b) => b.start.getTime() - a.start.getTime() || a.name.localeCompare(b.name) || (a.end === null ? -1 : b.end === null ? 1 : b.end.getTime() - a.end.getTime()));
  const from = (options.page - 1) * options.limit;
  const page = chosen.slice(from, from + options.limit);
  return {
    tags: page.map((l) => {
      const known = facts.get(l.digest);
      return {
        name: l.name,
        reversion: l.reversion,
        start_ts: seconds(l.start),
        ...(l.end ? { end_ts: seconds(l.end) } : {}),
        manifest_digest: l.digest,
        is_manifest_list: known?.mediaType ? MANIFEST_LISTS.has(known.mediaType) : false,
        size: known?.size ?? null,
        last_modified: quayDate(l.start),
        ...(l.end ? { expiration: quayDate(l.end) } : {}),
      };
    }),
    page: options.page,
    has_additional: chosen.length > from + options.limit,
  };
}
