import type { Descriptor } from '@ferry/registry-client';

const OPERATING_SYSTEMS = new Set(['linux', 'windows', 'darwin', 'freebsd', 'netbsd', 'openbsd', 'solaris', 'illumos', 'aix', 'plan9', 'js', 'wasip1']);

interface PlatformSpec {
  os?: string;
  architecture: string;
  variant?: string;
}

/** Reads `arch`, `arch/variant`, `os/arch` or `os/arch/variant`. */
export function parsePlatformSpec(entry: string): PlatformSpec {
  const parts = entry.trim().split('/').filter(Boolean);
  if (parts.length >= 3) return { os: parts[0], architecture: parts[1]!, variant: parts[2] };
  if (parts.length === 2) return OPERATING_SYSTEMS.has(parts[0]!) ? { os: parts[0], architecture: parts[1]! } : { architecture: parts[0]!, variant: parts[1] };
  return { architecture: parts[0] ?? '' };
}

/**
 * A predicate over index entries for an architecture filter (os, architecture and variant, unlike
 * Quay which looks at the architecture only); null when the filter is empty (everything passes).
 * Entries without a platform (attestations) do not pass a non-empty filter.
 */
export function compilePlatformFilter(filter: readonly string[] | undefined): ((d: Descriptor) => boolean) | null {
  const specs = (filter ?? []).map(parsePlatformSpec).filter((s) => s.architecture);
  if (specs.length === 0) return null;
  return (d) => {
    const p = d.platform;
    if (!p?.architecture) return false;
    return specs.some((s) => s.architecture === p.architecture && (!s.os || s.os === p.os) && (!s.variant || s.variant === p.variant));
  };
}
