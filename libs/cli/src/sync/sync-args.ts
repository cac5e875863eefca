import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';
import type { DeleteCap } from '@ferry/contracts';
import { TAG_RULE_FLAGS_USAGE, TAG_RULE_OPTIONS, tagRuleFlags, tagRuleFromFlags, type TagRuleReading, type TagRuleValues } from '../tag-rule-options';
import { parseRepositoryReference } from '@ferry/registry-client';
import {
  DEFAULT_BLOB_CONCURRENCY,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_CHUNKED_THRESHOLD_BYTES,
  DEFAULT_CONNECTIONS_PER_HOST,
  DEFAULT_TAG_CONCURRENCY,
  type IndexMode,
  type SyncRequest,
} from '@ferry/sync-engine';

const MiB = 1024 * 1024;

/** What `ferry sync` was asked, parsed from argv. */
export interface FerrySyncArgs {
  request: Omit<SyncRequest, 'signal' | 'onTagResult' | 'ledger' | 'onProgress'>;
  stateFile: string | null;
  /** With a state file: a run checks the target for every tag once the last such check is this old. */
  driftCheckSeconds: number;
  json: boolean;
  quiet: boolean;
  /** Print what a run would copy and delete, and write nothing. */
  dryRun: boolean;
}

export const USAGE = `usage: ferry sync <upstream-repo> <target-repo> --tags 'v3.*,latest' [options]
       ferry sync <upstream-repo> <target-repo> --tags-semver '>=1.27 <1.30' --exclude '*-rc*' --keep-newest 3

  <upstream-repo>            host[:port]/path (docker.io/nginx works)
  <target-repo>              host[:port]/ns/repo, or http(s)://host[:port]/ns/repo
${TAG_RULE_FLAGS_USAGE}
  --all-platforms            copy every platform of an index (the default)
  --arch LIST                copy only these platforms: amd64,arm64,arm/v7,linux/arm64/v8
  --index-mode MODE          with --arch: rewrite (default) or sparse
  --src-tls-verify=BOOL      false: accept any certificate and allow plain http upstream
  --dest-tls-verify=BOOL     false: plain http to the target (when no scheme is given)
  --src-creds USER:PASS      upstream credentials
  --dest-creds USER:PASS     target credentials
  --timeout SECONDS          per registry operation (default 300)
  --state-file PATH          remember what was written, so an unchanged tag costs one request
  --verify-target            check the target even where the state file vouches for it
  --drift-check SECONDS      with --state-file: check the target for every tag once the last such
                             check is this old (default 86400), repairing tags changed behind its back
  --delete                   delete target tags that are not selected (as skopeo sync, ferry
                             sync keeps them unless asked)
  --max-delete N|N%          with --delete: delete nothing (and fail) when more than N tags, or
                             N % of the target's tags, would go
  --dry-run                  print what a run would copy, leave and delete; write nothing
  --rollback                 on failure, put the target's tags back as they were
  --unsigned-images=BOOL     false: refuse images without a signature
  --no-signatures            do not copy cosign .sig/.att/.sbom tags
  --no-referrers             do not copy OCI referrers
  --mount-from REPOS         target repositories to mount shared blobs from
  --tag-concurrency N        tags at once (default ${DEFAULT_TAG_CONCURRENCY})
  --blob-concurrency N       blobs at once, biggest first (default ${DEFAULT_BLOB_CONCURRENCY})
  --connections N            connections per registry host (default ${DEFAULT_CONNECTIONS_PER_HOST})
  --chunked-threshold MIB    blobs bigger than this go up in chunks (default ${DEFAULT_CHUNKED_THRESHOLD_BYTES / MiB})
  --chunk-size MIB           size of each chunk, streamed (default ${DEFAULT_CHUNK_SIZE_BYTES / MiB})
  --max-manifest-bytes N     default 10 MiB
  --max-index-entries N      default 1000
  --json                     print the report as JSON on stdout
  --quiet                    no progress line
`;

function bool(v: string | undefined, name: string): boolean {
  if (v === undefined || v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`${name} takes true or false`);
}

function creds(v: string, name: string): { username: string; password: string } {
  const i = v.indexOf(':');
  if (i <= 0) throw new Error(`${name} takes USER:PASS`);
  return { username: v.slice(0, i), password: v.slice(i + 1) };
}

function int(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a positive integer`);
  return n;
}

function deleteCap(v: string, name: string): DeleteCap {
  const m = /^(\d{1,9})(%?)$/.exec(v.trim());
  if (!m || (m[2] === '%' && Number(m[1]) > 100)) throw new Error(`${name} takes a count (10) or a percentage (25%)`);
  return m[2] === '%' ? { percent: Number(m[1]) } : { count: Number(m[1]) };
}

/** `ferry sync`'s flags, as `node:util` `parseArgs` options: the tag rule's, then the engine's. */
const SYNC_OPTIONS = {
  ...TAG_RULE_OPTIONS,
  'all-platforms': { type: 'boolean' },
  arch: { type: 'string' },
  'index-mode': { type: 'string' },
  // BOOL flags take their value only as `--flag=false`: `--flag false` leaves `false` a positional.
  'src-tls-verify': { type: 'boolean' },
  'dest-tls-verify': { type: 'boolean' },
  'src-creds': { type: 'string' },
  'dest-creds': { type: 'string' },
  timeout: { type: 'string' },
  'state-file': { type: 'string' },
  'verify-target': { type: 'boolean' },
  'drift-check': { type: 'string' },
  delete: { type: 'boolean' },
  'no-delete': { type: 'boolean' },
  'max-delete': { type: 'string' },
  'dry-run': { type: 'boolean' },
  rollback: { type: 'boolean' },
  'unsigned-images': { type: 'boolean' },
  'no-signatures': { type: 'boolean' },
  'no-referrers': { type: 'boolean' },
  'mount-from': { type: 'string' },
  'tag-concurrency': { type: 'string' },
  'blob-concurrency': { type: 'string' },
  connections: { type: 'string' },
  'chunk-size': { type: 'string' },
  'chunked-threshold': { type: 'string' },
  'max-manifest-bytes': { type: 'string' },
  'max-index-entries': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const satisfies Record<string, ParseArgsOptionDescriptor>;

type SyncOption = keyof typeof SYNC_OPTIONS;

/** `ferry sync` checks the tag-rule flags itself: it has no API to judge them. */
const SYNC_READING: TagRuleReading = {
  patterns: (given) => given,
  count: (raw) => int(raw, '--keep-newest'),
  order(raw) {
    if (raw === 'first-seen') throw new Error('--keep-newest-by first-seen needs the record of when Ferry first saw each tag, which only a mirror keeps; ferry sync orders by semver');
    if (raw !== 'semver') throw new Error('--keep-newest-by takes semver (or first-seen, for a mirror)');
    return raw;
  },
};

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Parses `sync ...` arguments; throws an Error with a readable message on bad input. */
export function parseFerrySyncArgs(argv: readonly string[]): FerrySyncArgs {
  // Not strict: a BOOL flag takes `=false`, and an unknown option is refused below, by name, in
  // the order given. The flags are read in that order too, so the last of `--arch` and
  // `--all-platforms` (or `--delete` and `--no-delete`) wins, and the first bad value is named.
  const { tokens } = parseArgs({ args: [...argv], options: SYNC_OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const positional: string[] = [];
  const ruleValues: TagRuleValues = {};
  let arch: string[] = [];
  let indexMode: IndexMode = 'rewrite';
  let srcTls = true;
  let destTls = true;
  let srcCreds: { username: string; password: string } | undefined;
  let destCreds: { username: string; password: string } | undefined;
  let timeout = 300;
  let stateFile: string | null = null;
  let driftCheckSeconds = 86400;
  const flags: Partial<SyncRequest> = {};
  const limits: { maxManifestBytes?: number; maxIndexEntries?: number } = {};
  let json = false;
  let quiet = false;
  let dryRun = false;
  let deleteUnselected = false;
  let maxDelete: DeleteCap | null = null;
  /** A short option (`-x`) is no flag of ferry sync's: it stays the word it was, as a positional. */
  const shortSeen = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positional.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') throw new Error('unknown option --');
    if (!token.rawName.startsWith('--')) {
      if (!shortSeen.has(token.index)) positional.push(argv[token.index]!);
      shortSeen.add(token.index);
      continue;
    }
    const name = token.rawName;
    const inline = token.inlineValue ? token.value : undefined;
    const option = Object.hasOwn(SYNC_OPTIONS, token.name) ? (token.name as SyncOption) : undefined;
    if (option === undefined) throw new Error(`unknown option ${name}`);
    const value = (): string => {
      if (token.value === undefined) throw new Error(`${name} needs a value`);
      return token.value;
    };
    switch (option) {
      case 'tags':
      case 'tags-regex':
      case 'tags-semver':
      case 'exclude':
      case 'exclude-regex': (ruleValues[option] ??= []).push(value()); break;
      case 'include-prerelease': ruleValues[option] = true; break;
      case 'keep-newest': SYNC_READING.count((ruleValues[option] = value())); break;
      case 'keep-newest-by': SYNC_READING.order((ruleValues[option] = value())); break;
      case 'all-platforms': arch = []; break;
      case 'arch': arch = list(value()); break;
      case 'index-mode': {
        const m = value();
        if (m !== 'rewrite' && m !== 'sparse') throw new Error('--index-mode takes rewrite or sparse');
        indexMode = m;
        break;
      }
      case 'src-tls-verify': srcTls = bool(inline, name); break;
      case 'dest-tls-verify': destTls = bool(inline, name); break;
      case 'src-creds': srcCreds = creds(value(), name); break;
      case 'dest-creds': destCreds = creds(value(), name); break;
      case 'timeout': timeout = int(value(), name); break;
      case 'state-file': stateFile = value(); break;
      case 'verify-target': flags.verifyTarget = true; break;
      case 'drift-check': driftCheckSeconds = int(value(), name); break;
      case 'delete': deleteUnselected = true; break;
      case 'no-delete': deleteUnselected = false; break;
      case 'max-delete': maxDelete = deleteCap(value(), name); break;
      case 'dry-run': dryRun = true; break;
      case 'rollback': flags.rollback = true; break;
      case 'unsigned-images': flags.unsignedImages = bool(inline, name); break;
      case 'no-signatures': flags.copySignatures = false; break;
      case 'no-referrers': flags.copyReferrers = false; break;
      case 'mount-from': flags.mountFrom = list(value()); break;
      case 'tag-concurrency': flags.tagConcurrency = int(value(), name); break;
      case 'blob-concurrency': flags.blobConcurrency = int(value(), name); break;
      case 'connections': flags.connectionsPerHost = int(value(), name); break;
      case 'chunk-size': flags.chunkSizeBytes = int(value(), name) * MiB; break;
      case 'chunked-threshold': flags.chunkedUploadThresholdBytes = int(value(), name) * MiB; break;
      case 'max-manifest-bytes': limits.maxManifestBytes = int(value(), name); break;
      case 'max-index-entries': limits.maxIndexEntries = int(value(), name); break;
      case 'json': json = true; break;
      case 'quiet': quiet = true; break;
      default: {
        const never: never = option;
        throw new Error(`unknown option --${String(never)}`);
      }
    }
  }
  const rule = tagRuleFlags(ruleValues, SYNC_READING);
  if (positional.length !== 2) throw new Error('sync needs <upstream-repo> and <target-repo>');
  if (maxDelete !== null && !deleteUnselected) throw new Error('--max-delete needs --delete');
  if (rule.tags.length + rule.regex.length + rule.semver.length === 0) throw new Error('--tags is required (or --tags-regex, --tags-semver)');
  const tagRule = tagRuleFromFlags(rule);
  if ('problems' in tagRule) throw new Error(tagRule.problems.join('; '));
  const [upstreamRef, targetRaw] = positional as [string, string];
  const upstream = parseRepositoryReference(upstreamRef);
  let targetUrl: string;
  let targetRepo: string;
  const m = /^(https?):\/\/([^/]+)\/(.+)$/.exec(targetRaw);
  if (m) {
    targetUrl = `${m[1]}://${m[2]}`;
    targetRepo = m[3]!;
  } else {
    const slash = targetRaw.indexOf('/');
    if (slash <= 0) throw new Error('<target-repo> must be host[:port]/ns/repo');
    targetUrl = `${destTls ? 'https' : 'http'}://${targetRaw.slice(0, slash)}`;
    targetRepo = targetRaw.slice(slash + 1);
  }
  return {
    request: {
      upstream: { reference: upstreamRef, verifyTls: srcTls, ...(srcCreds ?? {}) },
      target: { registryUrl: targetUrl, repository: targetRepo, verifyTls: destTls, ...(destCreds ?? {}) },
      tagRule: tagRule.rule,
      architectureFilter: arch,
      indexMode,
      timeoutSeconds: timeout,
      // The command's user names the upstream themselves: the SSRF guard protects services that take remote input.
      ssrfAllowedHosts: [upstream.host, upstream.hostname],
      limits,
      tagDeletion: { enabled: deleteUnselected, maxDelete },
      ...flags,
    },
    dryRun,
    stateFile,
    driftCheckSeconds,
    json,
    quiet,
  };
}
