/**
 * `npm run bench` (part of it): what verifying signatures costs. A 500-tag corpus of tiny OCI
 * images, each signed with cosign's tag scheme (`sha256-<hex>.sig`, an ECDSA P-256 key), copied by
 * the sync engine into a fresh target repository with `signature_policy: verify` and without
 * (the signatures travel in both), rounds interleaved; and the same for a run that finds every tag
 * already there without a ledger (each tag then checked again). Medians, and their ratio.
 * Writes its section of docs/benchmarks.md.
 *
 *   node e2e/dist/bench/verification.bench.js [--rounds N] [--no-write]
 */
import { cpus } from 'node:os';
import { globTagRule, type TrustPolicy } from '@ferry/contracts';
import { generateSigningKey, pushImage, startRegistry, writeCosignSignatures } from '@ferry/testing';
import { ConcurrencyLimit, syncRepository, type SyncRequest } from '@ferry/sync-engine';
import { parseTrustPolicy } from '@ferry/trust-policy';
import { writeSection } from './bench-kit';

const argv = process.argv.slice(2);
const ROUNDS = Number(argv[argv.indexOf('--rounds') + 1]) > 0 && argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 3;
const WRITE = !argv.includes('--no-write');
const TAGS = 500;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
  try {
    const key = generateSigningKey('ecdsa-p256');
    const limit = new ConcurrencyLimit(16);
    await Promise.all(
      Array.from({ length: TAGS }, (_, i) =>
        limit.run(async () => {
          const image = await pushImage(upstream.url, 'bench/signed', `t${String(i).padStart(3, '0')}`, {
            mediaType: 'oci',
            layers: [{ seed: 'bench/signed-base', size: 2048 }, { seed: `bench/signed-${i}`, size: 256 }],
          });
          await writeCosignSignatures(upstream.url, 'bench/signed', image.digest, [key]);
        }),
      ),
    );
    const parsed = parseTrustPolicy({ keys: [{ name: 'bench', pem: key.publicPem }] });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const policy: TrustPolicy = parsed.policy;
    const request = (repository: string, trustPolicy: TrustPolicy | null): SyncRequest => ({
      upstream: { reference: `${upstream.host}/bench/signed`, verifyTls: false },
      target: { registryUrl: target.url, repository },
      tagRule: globTagRule(['t*']),
      timeoutSeconds: 60,
      ssrfAllowedHosts: ['127.0.0.1'],
      trustPolicy,
    });
    const timed = async (req: SyncRequest) => {
      const started = process.hrtime.bigint();
      const report = await syncRepository(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const failed = report.results.filter((r) => r.kind === 'failed');
      if (failed.length > 0) throw new Error(`${failed.length} tags failed: ${JSON.stringify(failed[0])}`);
      return seconds;
    };
    const times = { full: { plain: [] as number[], verify: [] as number[] }, noop: { plain: [] as number[], verify: [] as number[] } };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so that neither always meets a warmer registry.
      const order = round % 2 === 0 ? (['plain', 'verify'] as const) : (['verify', 'plain'] as const);
      for (const mode of order) {
        const repo = `bench/${mode}-${round}`;
        times.full[mode].push(await timed(request(repo, mode === 'verify' ? policy : null)));
        times.noop[mode].push(await timed(request(repo, mode === 'verify' ? policy : null)));
      }
      console.log(`round ${round + 1}/${ROUNDS}: full ${times.full.plain.at(-1)!.toFixed(2)}s plain, ${times.full.verify.at(-1)!.toFixed(2)}s verify; no-op ${times.noop.plain.at(-1)!.toFixed(2)}s plain, ${times.noop.verify.at(-1)!.toFixed(2)}s verify`);
    }
    const row = (name: string, t: { plain: number[]; verify: number[] }) => `| ${name} | ${median(t.plain).toFixed(2)} s | ${median(t.verify).toFixed(2)} s | ${(median(t.verify) / median(t.plain)).toFixed(2)}x |`;
    const section = `## Verification (signature_policy verify)

${TAGS} tags of tiny OCI images, each signed with cosign's tag scheme (one ECDSA P-256 signature
per image), copied by the sync engine into a fresh target repository; the same run without a trust
policy copies the same images and signatures. "No-op" is a second run that finds every tag on the
target without a ledger, so every tag is verified again. Medians of ${ROUNDS} interleaved rounds on
${cpus().length} cores (\`node e2e/dist/bench/verification.bench.js\`, part of \`npm run bench\`).

| run | without verification | with verification | ratio |
| --- | --- | --- | --- |
${row('500-tag full', times.full)}
${row('500-tag no-op, no ledger', times.noop)}

Verifying reads each image's \`.sig\` manifest and its payload blob from the upstream (two requests
per tag) and checks one signature; a run whose ledger vouches for a tag under the same policy
version does not verify it again.
`;
    console.log(section);
    if (WRITE) writeSection('verification', 'e2e/src/bench/verification.bench.ts', section);
  } finally {
    await Promise.all([upstream.stop(), target.stop()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
