import { QuotaLimitType } from '@ferry/contracts';

/** One of a quota's limits: a share of its bytes at which Quay warns (`Warning`) or refuses (`Reject`). */
export interface QuotaLimit {
  limitId: number;
  limitType: QuotaLimitType;
  /** 1 to 100. */
  thresholdPercent: number;
}

/** A namespace's quota (Quay keeps one per namespace) and its limits, in the order they were made. */
export interface NamespaceQuota {
  quotaId: number;
  limitBytes: number;
  limits: readonly QuotaLimit[];
}

/** The bytes a limit allows: its share of the quota, rounded down as Quay does (`int(limit_bytes * percent / 100)`). */
export function limitBytesOf(quota: Pick<NamespaceQuota, 'limitBytes'>, limit: Pick<QuotaLimit, 'thresholdPercent'>): number {
  return Math.floor((quota.limitBytes * limit.thresholdPercent) / 100);
}

/** The bytes the namespace's hard limit allows: the lowest `Reject` limit's, or null when it has none (nothing is refused). */
export function hardLimitBytes(quota: NamespaceQuota | null): number | null {
  const hard = (quota?.limits ?? []).filter((l) => l.limitType === QuotaLimitType.Reject).map((l) => limitBytesOf(quota!, l));
  return hard.length === 0 ? null : Math.min(...hard);
}

/** Whether a run that adds `addBytes` to a namespace holding `heldBytes` (written and reserved) stays within its hard limit. */
export type Admission =
  | { admitted: true }
  | { admitted: false; limitBytes: number; heldBytes: number; addBytes: number; overBy: number };

/**
 * Quay refuses a push that takes the namespace to its `Reject` limit or past it (its `check_limits`:
 * `size >= bytes_allowed`). A run is refused when what it would add takes the namespace past the
 * limit; a run that adds nothing is always let run (it writes no blob), even over a limit
 * lowered since.
 */
export function admitRun(quota: NamespaceQuota | null, heldBytes: number, addBytes: number): Admission {
  const limit = hardLimitBytes(quota);
  if (limit === null || addBytes <= 0 || heldBytes + addBytes <= limit) return { admitted: true };
  return { admitted: false, limitBytes: limit, heldBytes, addBytes, overBy: heldBytes + addBytes - limit };
}

/** The `Warning` limits usage passed on its way from `before` to `after` bytes (Quay's soft limits: reached at `size >= bytes_allowed`). */
export function warningsCrossed(quota: NamespaceQuota | null, before: number, after: number): QuotaLimit[] {
  if (!quota) return [];
  return quota.limits.filter((l) => {
    if (l.limitType !== QuotaLimitType.Warning) return false;
    const at = limitBytesOf(quota, l);
    return before < at && after >= at;
  });
}

const BINARY_UNITS = ['Byte', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** Quay's human-readable size (bitmath's `best_prefix` in binary units, one decimal): `1.0 GiB`, `512.0 MiB`, `100.0 Byte`. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${BINARY_UNITS[unit]}`;
}

const UNIT_FACTORS: Record<string, number> = { '': 1, B: 1 };
for (const [i, prefix] of ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'].entries()) {
  UNIT_FACTORS[`${prefix}iB`] = UNIT_FACTORS[`${prefix}i`] = 1024 ** (i + 1);
  UNIT_FACTORS[`${prefix}B`] = UNIT_FACTORS[prefix] = 1000 ** (i + 1);
}

/** Quay's `limit` pattern: a number, an optional space, an optional unit. */
export const QUOTA_SIZE_PATTERN = /^(\d+)\s?(B|KiB|MiB|GiB|TiB|PiB|EiB|ZiB|YiB|Ki|Mi|Gi|Ti|Pi|Ei|Zi|Yi|KB|MB|GB|TB|PB|EB|ZB|YB|K|M|G|T|P|E|Z|Y)?$/;

/**
 * The bytes of a size Quay's `limit` field takes (`"1GiB"`, `"10 MB"`, `"500"`): the `i` units are
 * binary, the others decimal, as bitmath reads them. Null when it is not such a size.
 */
export function parseQuotaSize(text: string): number | null {
  const match = QUOTA_SIZE_PATTERN.exec(text);
  if (!match) return null;
  const bytes = Number(match[1]) * UNIT_FACTORS[match[2] ?? '']!;
  return Number.isSafeInteger(bytes) ? bytes : null;
}
