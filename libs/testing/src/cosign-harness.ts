import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushBlob, putManifest, sha256Digest, getManifest, type RegistryTarget } from './registry-api';

/**
 * Writes image signatures the way cosign does, for tests: Debian's skopeo cannot make them (its
 * containers/image is built with sigstore disabled). The cosign tag scheme: a `sha256-<hex>.sig`
 * manifest whose layers are simple-signing payloads with the signature (and, keyless, the
 * certificate and chain) in layer annotations; and Sigstore bundles (DSSE, in-toto) attached as
 * OCI 1.1 referrers. The payload's bytes are checked against cosign's own in the unit spec.
 */

export type TestKeyAlgorithm = 'ecdsa-p256' | 'ed25519' | 'rsa';

export interface TestSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as PEM (what a trust policy is given). */
  publicPem: string;
  /** Set for keyless signers: the leaf certificate (PEM) and the chain above it (PEM, leaf's issuer first). */
  certificate?: string;
  chain?: string;
}

export function generateSigningKey(algorithm: TestKeyAlgorithm = 'ecdsa-p256'): TestSigningKey {
  const pair =
    algorithm === 'ed25519' ? generateKeyPairSync('ed25519') : algorithm === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { ...pair, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** cosign's simple-signing payload (`payload.Cosign` marshalled): the same bytes cosign writes. */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    }),
  );
}

/** cosign's signature: ECDSA (ASN.1 DER) and RSA (PKCS#1 v1.5) over SHA-256 of the payload; Ed25519 over the payload. */
export function cosignSign(key: KeyObject, payload: Buffer): Buffer {
  return cryptoSign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, key);
}

export interface SignatureLayerOptions {
  /** Sign this payload instead of the image's own (a signature of another digest copied over). */
  payload?: Buffer;
  /** Change the payload after signing (a tampered signature). */
  tamper?: boolean;
}

/**
 * Signs `digest` in `repo` and writes the `sha256-<hex>.sig` manifest with one layer per signer
 * (cosign appends a layer for each further signature). Returns the `.sig` manifest's digest.
 */
export async function writeCosignSignatures(target: RegistryTarget, repo: string, digest: string, signers: Array<TestSigningKey & SignatureLayerOptions>, dockerReference = `example.test/${repo}`): Promise<string> {
  const layers = [];
  for (const signer of signers) {
    const signed = signer.payload ?? simpleSigningPayload(dockerReference, digest);
    const signature = cosignSign(signer.privateKey, signed).toString('base64');
    const payload = signer.tamper ? Buffer.from(signed.toString('utf8').replace('"optional":null', '"optional":{"tampered":"yes"}')) : signed;
    await pushBlob(target, repo, payload);
    layers.push({
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      size: payload.length,
      digest: sha256Digest(payload),
      annotations: {
        'dev.cosignproject.cosign/signature': signature,
        ...(signer.certificate ? { 'dev.sigstore.cosign/certificate': signer.certificate, 'dev.sigstore.cosign/chain': signer.chain ?? '' } : {}),
      },
    });
  }
  const config = Buffer.from(JSON.stringify({ architecture: '', created: '0001-01-01T00:00:00Z', history: [{ created: '0001-01-01T00:00:00Z' }], os: '', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }, config: {} }));
  await pushBlob(target, repo, config);
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha256Digest(config) }, layers }),
  );
  return putManifest(target, repo, `${digest.replace(':', '-')}.sig`, manifest, 'application/vnd.oci.image.manifest.v1+json');
}

/** DSSE's pre-authentication encoding: what a DSSE signature signs. */
export function dssePae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

/** A Sigstore bundle (v0.3) of a DSSE-signed in-toto statement about `digest`, as `cosign sign --new-bundle-format` attaches. */
export function sigstoreBundle(digest: string, signer: TestSigningKey, opts: { name?: string; timestamper?: (signature: Buffer) => Buffer; subjectDigest?: string } = {}): Record<string, unknown> {
  const [, hex] = (opts.subjectDigest ?? digest).split(':');
  const statement = Buffer.from(
    JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: opts.name ?? 'image', digest: { sha256: hex } }], predicateType: 'https://sigstore.dev/cosign/sign/v1', predicate: {} }),
  );
  const payloadType = 'application/vnd.in-toto+json';
  const sig = cosignSign(signer.privateKey, dssePae(payloadType, statement));
  const material = signer.certificate
    ? { certificate: { rawBytes: new X509Certificate(signer.certificate).raw.toString('base64') } }
    : { publicKey: { hint: createHash('sha256').update(signer.publicKey.export({ type: 'spki', format: 'der' })).digest('base64') } };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      ...material,
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: opts.timestamper ? [{ signedTimestamp: opts.timestamper(sig).toString('base64') }] : [] },
    },
    dsseEnvelope: { payload: statement.toString('base64'), payloadType, signatures: [{ sig: sig.toString('base64'), keyid: '' }] },
  };
}

/**
 * Attaches a bundle to the image `digest` as an OCI 1.1 referrer: the artifact manifest (its
 * `subject` the image) and, for a registry without a referrers API, the `sha256-<hex>` index that
 * lists the image's referrers (OCI distribution's tag schema). Returns the referrer's digest.
 */
export async function attachBundle(target: RegistryTarget, repo: string, digest: string, bundle: Record<string, unknown>): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(bundle));
  const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  await pushBlob(target, repo, bytes);
  const empty = Buffer.from('{}');
  await pushBlob(target, repo, empty);
  const subject = await getManifest(target, repo, digest);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: bundleType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(empty), size: 2 },
      layers: [{ mediaType: bundleType, digest: sha256Digest(bytes), size: bytes.length }],
      subject: { mediaType: subject!.mediaType, digest, size: subject!.bytes.length },
    }),
  );
  const referrer = await putManifest(target, repo, sha256Digest(manifest), manifest, 'application/vnd.oci.image.manifest.v1+json');
  const fallbackTag = digest.replace(':', '-');
  const existing = await getManifest(target, repo, fallbackTag);
  const manifests = existing ? ((JSON.parse(existing.bytes.toString('utf8')) as { manifests: unknown[] }).manifests ?? []) : [];
  manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: referrer, size: manifest.length, artifactType: bundleType });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  await putManifest(target, repo, fallbackTag, index, 'application/vnd.oci.image.index.v1+json');
  return referrer;
}

/**
 * A test Sigstore: a certificate authority and a timestamp authority made with openssl, their
 * `trusted_root.json`, and keyless signers whose certificates carry an identity (email) and the
 * Fulcio issuer extension (OID 1.3.6.1.4.1.57264.1.8), as Fulcio issues them.
 */
export class TestSigstore {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ferry-sigstore-'));
  readonly trustedRoot: string;

  constructor() {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    writeFileSync(join(this.dir, 'ca.cnf'), '[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n[v3_tsa]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    openssl('req', '-new', '-x509', '-key', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/O=ferry-test/CN=ferry-test-fulcio', '-extensions', 'v3_ca', '-config', 'ca.cnf');
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'tsa.key');
    openssl('req', '-new', '-key', 'tsa.key', '-out', 'tsa.csr', '-subj', '/O=ferry-test/CN=ferry-test-tsa');
    openssl('x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.pem', '-days', '30', '-extfile', 'ca.cnf', '-extensions', 'v3_tsa');
    writeFileSync(join(this.dir, 'tsa.cnf'), `[tsa]\ndefault_tsa=tsa_config\n[tsa_config]\nserial=${join(this.dir, 'tsa.serial')}\nsigner_cert=tsa.pem\nsigner_key=tsa.key\nsigner_digest=sha256\ndefault_policy=1.2.3.4.1\ndigests=sha256\naccuracy=secs:1\ness_cert_id_chain=no\ness_cert_id_alg=sha256\n`);
    writeFileSync(join(this.dir, 'tsa.serial'), '01\n');
    const der = (file: string) => new X509Certificate(readFileSync(join(this.dir, file))).raw.toString('base64');
    const start = new Date(Date.now() - 3600_000).toISOString();
    this.trustedRoot = JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      certificateAuthorities: [{ subject: { organization: 'ferry-test', commonName: 'ferry-test-fulcio' }, uri: 'https://fulcio.test', certChain: { certificates: [{ rawBytes: der('ca.pem') }] }, validFor: { start } }],
      ctlogs: [],
      timestampAuthorities: [{ subject: { organization: 'ferry-test', commonName: 'ferry-test-tsa' }, uri: 'https://tsa.test', certChain: { certificates: [{ rawBytes: der('tsa.pem') }, { rawBytes: der('ca.pem') }] }, validFor: { start } }],
    });
  }

  /** A keyless signer: a fresh key and a certificate for `email` from `issuer` (signed by this CA, or by `otherCa` to make an untrusted one). */
  signer(email: string, issuer: string, otherCa?: TestSigstore): TestSigningKey {
    const ca = otherCa ?? this;
    const key = generateSigningKey('ecdsa-p256');
    const name = `leaf-${createHash('sha256').update(email + issuer + Math.random()).digest('hex').slice(0, 8)}`;
    writeFileSync(join(ca.dir, `${name}.key`), key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(
      join(ca.dir, `${name}.cnf`),
      `[v3_leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectAltName=critical,email:${email}\n1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${issuer}\n1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(issuer).toString('hex')}\n`,
    );
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: ca.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    run('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', '/');
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.cnf`, '-extensions', 'v3_leaf');
    return { ...key, certificate: readFileSync(join(ca.dir, `${name}.pem`), 'utf8'), chain: readFileSync(join(ca.dir, 'ca.pem'), 'utf8') };
  }

  /** An RFC 3161 timestamp of `signature` from this TSA (what a keyless bundle carries to be checked offline). */
  timestamp(signature: Buffer): Buffer {
    const name = `ts-${createHash('sha256').update(signature).digest('hex').slice(0, 12)}`;
    writeFileSync(join(this.dir, `${name}.bin`), signature);
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    run('ts', '-query', '-data', `${name}.bin`, '-sha256', '-cert', '-out', `${name}.tsq`);
    run('ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `${name}.tsq`, '-out', `${name}.tsr`);
    return readFileSync(join(this.dir, `${name}.tsr`));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
