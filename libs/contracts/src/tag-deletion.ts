/**
 * Whether a mirror deletes target tags that stop matching its rule, and how many one run may
 * delete. Quay deletes them and has no cap; a cap exists because a mirror that once removed 600
 * of a repository's 612 tags was working as configured.
 */
export interface TagDeletion {
  enabled: boolean;
  /** The most one run may delete: a count, or a percentage of the target's tags before the run. Null: no cap. */
  maxDelete: DeleteCap | null;
}

export type DeleteCap = { count: number } | { percent: number };

/** Quay's behaviour: tags that stop matching are deleted, with no cap. */
export const QUAY_TAG_DELETION: TagDeletion = { enabled: true, maxDelete: null };

/** A config's deletion settings; configs stored before they existed behave as Quay's. */
export function tagDeletionOf(config: { tagDeletion?: TagDeletion }): TagDeletion {
  return config.tagDeletion ?? QUAY_TAG_DELETION;
}

/**
 * How many tags a run may delete from a target holding `targetTags` tags (the cap in whole tags,
 * rounded down: 10 % of 15 tags allows 1). Infinity without a cap.
 */
export function deleteAllowance(cap: DeleteCap | null, targetTags: number): number {
  if (cap === null) return Infinity;
  if ('count' in cap) return cap.count;
  return Math.floor((cap.percent * targetTags) / 100);
}

/** The cap as the API writes it: `10` or `"25%"`. */
export function deleteCapView(cap: DeleteCap | null): number | string | null {
  if (cap === null) return null;
  return 'count' in cap ? cap.count : `${cap.percent}%`;
}
