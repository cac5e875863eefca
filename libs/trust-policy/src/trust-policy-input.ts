import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm, TrustPolicy, TrustedIdentity, TrustedKey } from '@ferry/contracts';
import { loadTrustRoot } from './sigstore-material';

/** A trust policy as the API takes it (Quay-style snake_case). */
export interface TrustPolicyInput {
  keys?: Array<{ name?: string; pem: string }>;
  identities?: Array<{ issuer?: string; issuer_regexp?: string; subject?: string; subject_regexp?: string }>;
  trusted_root?: string | Record<string, unknown> | null;
  min_signatures?: number;
  require_platform_signatures?: boolean;
  quarantine?: boolean;
  unpublish_failing?: boolean;
}

/** One thing wrong with a policy: the field (a path under `trust_policy`, e.g. `keys[0].pem`) and why. */
export interface PolicyProblem {
  field: string;
  message: string;
}

export type ParsedTrustPolicy = { ok: true; policy: TrustPolicy } | { ok: false; problems: PolicyProblem[] };

/** The algorithm of a public key, or null when cosign does not sign with it. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | null {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'rsa') return 'rsa';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  return null;
}

/** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo: how results name a key. */
export function keyFingerprint(key: KeyObject): string {
  return `sha256:${createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

function compiles(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Checks a trust policy and gives its stored form: every key parsed (PEM, and an algorithm cosign
 * signs with), every regular expression compiled, the trusted root read, and at least one signer;
 * or every problem, each naming its field.
 */
export function parseTrustPolicy(input: TrustPolicyInput): ParsedTrustPolicy {
  const problems: PolicyProblem[] = [];
  const keys: TrustedKey[] = [];
  (input.keys ?? []).forEach((k, i) => {
    if (typeof k?.pem !== 'string' || !k.pem.includes('-----BEGIN')) {
      problems.push({ field: `keys[${i}].pem`, message: 'must be a PEM public key' });
      return;
    }
    let key: KeyObject;
    try {
      key = createPublicKey(k.pem);
    } catch (error) {
      problems.push({ field: `keys[${i}].pem`, message: `is not a public key: ${(error as Error).message}` });
      return;
    }
    const algorithm = keyAlgorithmOf(key);
    if (!algorithm) {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      problems.push({ field: `keys[${i}].pem`, message: `unknown algorithm ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''}: must be ECDSA P-256, Ed25519 or RSA` });
      return;
    }
    const fingerprint = keyFingerprint(key);
    keys.push({ name: k.name?.trim() || fingerprint, pem: key.export({ type: 'spki', format: 'pem' }).toString(), algorithm, fingerprint });
  });
  const identities: TrustedIdentity[] = [];
  (input.identities ?? []).forEach((id, i) => {
    const identity: TrustedIdentity = {};
    for (const [field, name] of [
      ['issuer', 'issuer'],
      ['subject', 'subject'],
    ] as const) {
      const exact = id?.[field];
      const pattern = id?.[`${field}_regexp`];
      if (exact !== undefined && pattern !== undefined) problems.push({ field: `identities[${i}].${field}_regexp`, message: `give ${field} or ${field}_regexp, not both` });
      else if (pattern !== undefined) {
        const error = typeof pattern === 'string' ? compiles(pattern) : 'must be a string';
        if (error) problems.push({ field: `identities[${i}].${field}_regexp`, message: `is not a regular expression: ${error}` });
        else identity[`${name}RegExp`] = pattern;
      } else if (typeof exact === 'string' && exact.length > 0) identity[name] = exact;
      else problems.push({ field: `identities[${i}].${field}`, message: `${field} or ${field}_regexp is required` });
    }
    identities.push(identity);
  });
  let trustedRoot: string | null = null;
  if (input.trusted_root !== undefined && input.trusted_root !== null) {
    const text = typeof input.trusted_root === 'string' ? input.trusted_root : JSON.stringify(input.trusted_root);
    const problem = trustedRootProblem(text);
    if (problem) problems.push({ field: 'trusted_root', message: problem });
    else trustedRoot = text;
  }
  if (identities.length > 0 && trustedRoot === null && !problems.some((p) => p.field === 'trusted_root')) {
    problems.push({ field: 'trusted_root', message: 'is required with identities (a Sigstore trusted_root.json)' });
  }
  if (keys.length === 0 && identities.length === 0 && problems.length === 0) problems.push({ field: 'keys', message: 'a verify policy needs at least one key or identity' });
  const minSignatures = input.min_signatures ?? 1;
  if (!Number.isInteger(minSignatures) || minSignatures < 1) problems.push({ field: 'min_signatures', message: 'must be a whole number of at least 1' });
  else if (minSignatures > keys.length + identities.length && problems.length === 0) {
    problems.push({ field: 'min_signatures', message: `asks for ${minSignatures} signers but the policy trusts ${keys.length + identities.length}` });
  }
  for (const flag of ['require_platform_signatures', 'quarantine', 'unpublish_failing'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') problems.push({ field: flag, message: 'must be true or false' });
  }
  if (problems.length > 0) return { ok: false, problems };
  const content = {
    keys: keys.map((k) => k.fingerprint),
    identities,
    trustedRoot: trustedRoot === null ? null : createHash('sha256').update(trustedRoot).digest('hex'),
    minSignatures,
    requirePlatformSignatures: input.require_platform_signatures ?? false,
  };
  return {
    ok: true,
    policy: {
      version: createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12),
      keys,
      identities,
      trustedRoot,
      minSignatures,
      requirePlatformSignatures: input.require_platform_signatures ?? false,
      quarantine: input.quarantine ?? false,
      unpublishFailing: input.unpublish_failing ?? false,
    },
  };
}

/** The API's view of a stored policy (the input's shape, keys as PEM with their fingerprints). */
export function trustPolicyView(policy: TrustPolicy) {
  return {
    version: policy.version,
    keys: policy.keys.map((k) => ({ name: k.name, pem: k.pem, algorithm: k.algorithm, fingerprint: k.fingerprint })),
    identities: policy.identities.map((id) => ({
      ...(id.issuer !== undefined ? { issuer: id.issuer } : {}),
      ...(id.issuerRegExp !== undefined ? { issuer_regexp: id.issuerRegExp } : {}),
      ...(id.subject !== undefined ? { subject: id.subject } : {}),
      ...(id.subjectRegExp !== undefined ? { subject_regexp: id.subjectRegExp } : {}),
    })),
    trusted_root: policy.trustedRoot,
    min_signatures: policy.minSignatures,
    require_platform_signatures: policy.requirePlatformSignatures,
    quarantine: policy.quarantine,
    unpublish_failing: policy.unpublishFailing,
  };
}

/** Why a `trusted_root.json` cannot be used, or null. Checked here so that a bad one is a 400, not a failed run. */
function trustedRootProblem(text: string): string | null {
  let root: { certificateAuthorities?: Array<{ certChain?: { certificates?: Array<{ rawBytes?: string }> } }> };
  try {
    root = JSON.parse(text) as typeof root;
  } catch (error) {
    return `is not JSON: ${(error as Error).message}`;
  }
  const cas = root.certificateAuthorities;
  if (!Array.isArray(cas) || cas.length === 0) return 'holds no certificateAuthorities';
  for (const [i, ca] of cas.entries()) {
    const certs = ca?.certChain?.certificates;
    if (!Array.isArray(certs) || certs.length === 0 || certs.some((c) => typeof c?.rawBytes !== 'string')) return `certificateAuthorities[${i}] holds no certificate chain`;
  }
  try {
    loadTrustRoot(text);
  } catch (error) {
    return `cannot be read: ${(error as Error).message}`;
  }
  return null;
}
