import type { RunSummary } from '@ferry/contracts';

/** Tag → when Ferry first saw it in the upstream's listing (ISO-8601). */
export type TagsFirstSeen = Readonly<Record<string, string>>;

type TagsSeen = NonNullable<RunSummary['tagsSeen']>;

/**
 * What a complete upstream listing adds to the record: the tags it shows for the first time (seen
 * `at`), and the recorded tags it no longer shows. A tag that leaves and comes back is a new tag,
 * first seen on its return.
 */
export function tagsSeenIn(listing: readonly string[], known: TagsFirstSeen, at: string): TagsSeen {
  const listed = new Set(listing);
  const first: Record<string, string> = {};
  for (const tag of listed) if (!Object.hasOwn(known, tag)) first[tag] = at;
  const gone = Object.keys(known).filter((tag) => !listed.has(tag));
  return { first, gone };
}

/** The record after a run's listing (runs recorded before it kept none: then nothing changes). */
export function foldTagsSeen(known: TagsFirstSeen, seen: TagsSeen | undefined): TagsFirstSeen {
  if (!seen || (seen.gone.length === 0 && Object.keys(seen.first).length === 0)) return known;
  const next: Record<string, string> = { ...known };
  for (const tag of seen.gone) delete next[tag];
  for (const [tag, at] of Object.entries(seen.first)) next[tag] ??= at;
  return next;
}
