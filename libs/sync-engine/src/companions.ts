import type { SyncRequest } from './sync-request';

/** cosign's tag suffixes: signatures, attestations, SBOMs. */
export const SIGNATURE_SUFFIXES = ['.sig', '.att', '.sbom'] as const;

/** cosign's tag for an artifact about `digest`: `sha256-<hex><suffix>`; the OCI referrers fallback tag when suffix is ''. */
export function digestTag(digest: string, suffix: string): string {
  return `${digest.replace(':', '-')}${suffix}`;
}

/** The tags that travel with the image `digest` (signatures, attestations, SBOMs, referrers fallback), as the request asks. */
export function companionTags(digest: string, req: Pick<SyncRequest, 'copySignatures' | 'copyReferrers'>): string[] {
  const tags: string[] = [];
  if (req.copySignatures !== false) tags.push(...SIGNATURE_SUFFIXES.map((s) => digestTag(digest, s)));
  if (req.copyReferrers !== false) tags.push(digestTag(digest, ''));
  return tags;
}

/** Every tag that may accompany the image `digest`: kept on the target as long as the image is. */
export function allCompanionTags(digest: string): string[] {
  return ['', ...SIGNATURE_SUFFIXES].map((s) => digestTag(digest, s));
}

/** Whether a tag is one of cosign's `sha256-<hex>[.sig|.att|.sbom]` tags or the referrers fallback tag. */
export function isCompanionTag(tag: string): boolean {
  return /^sha256-[0-9a-f]{64}(\.sig|\.att|\.sbom)?$/.test(tag);
}
