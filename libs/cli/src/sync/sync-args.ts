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

/** What the flags have said so far, read in the order given. */
interface SyncFlags {
  positional: string[];
  rule: TagRuleValues;
  arch: string[];
  indexMode: IndexMode;
  srcTls: boolean;
  destTls: boolean;
  srcCreds?: { username: string; password: string };
  destCreds?: { username: string; password: string };
  timeout: number;
  stateFile: string | null;
  driftCheckSeconds: number;
  request: Partial<SyncRequest>;
  limits: { maxManifestBytes?: number; maxIndexEntries?: number };
  json: boolean;
  quiet: boolean;
  dryRun: boolean;
  deleteUnselected: boolean;
  maxDelete: DeleteCap | null;
}

/** One flag as given: its name as typed, its value (refused when missing), and the `=value` typed with it. */
interface Given {
  name: string;
  value(): string;
  inline: string | undefined;
}

/** A repeatable tag-rule flag: each value kept, in order. */
const addTo = (option: 'tags' | 'tags-regex' | 'tags-semver' | 'exclude' | 'exclude-regex') => (f: SyncFlags, g: Given) => void (f.rule[option] ??= []).push(g.value());

/** What each flag does; a flag of `SYNC_OPTIONS` without its line here does not compile. */
const READ_FLAG: { [O in SyncOption]: (f: SyncFlags, given: Given) => void } = {
  tags: addTo('tags'),
  'tags-regex': addTo('tags-regex'),
  'tags-semver': addTo('tags-semver'),
  exclude: addTo('exclude'),
  'exclude-regex': addTo('exclude-regex'),
  'include-prerelease': (f) => void (f.rule['include-prerelease'] = true),
  // Checked where given as well as when the rule is built, so that the first bad flag is the one named.
  'keep-newest': (f, g) => {
    SYNC_READING.count(g.value());
    f.rule['keep-newest'] = g.value();
  },
  'keep-newest-by': (f, g) => void (f.rule['keep-newest-by'] = SYNC_READING.order(g.value())),
  'all-platforms': (f) => void (f.arch = []),
  arch: (f, g) => void (f.arch = list(g.value())),
  'index-mode': (f, g) => {
    const m = g.value();
    if (m !== 'rewrite' && m !== 'sparse') throw new Error('--index-mode takes rewrite or sparse');
    f.indexMode = m;
  },
  'src-tls-verify': (f, g) => void (f.srcTls = bool(g.inline, g.name)),
  'dest-tls-verify': (f, g) => void (f.destTls = bool(g.inline, g.name)),
  'src-creds': (f, g) => void (f.srcCreds = creds(g.value(), g.name)),
  'dest-creds': (f, g) => void (f.destCreds = creds(g.value(), g.name)),
  timeout: (f, g) => void (f.timeout = int(g.value(), g.name)),
  'state-file': (f, g) => void (f.stateFile = g.value()),
  'verify-target': (f) => void (f.request.verifyTarget = true),
  'drift-check': (f, g) => void (f.driftCheckSeconds = int(g.value(), g.name)),
  delete: (f) => void (f.deleteUnselected = true),
  'no-delete': (f) => void (f.deleteUnselected = false),
  'max-delete': (f, g) => void (f.maxDelete = deleteCap(g.value(), g.name)),
  'dry-run': (f) => void (f.dryRun = true),
  rollback: (f) => void (f.request.rollback = true),
  'unsigned-images': (f, g) => void (f.request.unsignedImages = bool(g.inline, g.name)),
  'no-signatures': (f) => void (f.request.copySignatures = false),
  'no-referrers': (f) => void (f.request.copyReferrers = false),
  'mount-from': (f, g) => void (f.request.mountFrom = list(g.value())),
  'tag-concurrency': (f, g) => void (f.request.tagConcurrency = int(g.value(), g.name)),
  'blob-concurrency': (f, g) => void (f.request.blobConcurrency = int(g.value(), g.name)),
  connections: (f, g) => void (f.request.connectionsPerHost = int(g.value(), g.name)),
  'chunk-size': (f, g) => void (f.request.chunkSizeBytes = int(g.value(), g.name) * MiB),
  'chunked-threshold': (f, g) => void (f.request.chunkedUploadThresholdBytes = int(g.value(), g.name) * MiB),
  'max-manifest-bytes': (f, g) => void (f.limits.maxManifestBytes = int(g.value(), g.name)),
  'max-index-entries': (f, g) => void (f.limits.maxIndexEntries = int(g.value(), g.name)),
  json: (f) => void (f.json = true),
  quiet: (f) => void (f.quiet = true),
};

/**
 * The flags and positionals of `argv`, in the order given. Not strict: a BOOL flag takes
 * `=false`, and an unknown option is refused here, by name, where it stands. So the last of
 * `--arch` and `--all-platforms` (or `--delete` and `--no-delete`) wins, and the first bad value
 * is the one named.
 */
function readFlags(argv: readonly string[]): SyncFlags {
  const f: SyncFlags = {
    positional: [],
    rule: {},
    arch: [],
    indexMode: 'rewrite',
    srcTls: true,
    destTls: true,
    timeout: 300,
    stateFile: null,
    driftCheckSeconds: 86400,
    request: {},
    limits: {},
    json: false,
    quiet: false,
    dryRun: false,
    deleteUnselected: false,
    maxDelete: null,
  };
  const { tokens } = parseArgs({ args: [...argv], options: SYNC_OPTIONS, allowPositionals: true, strict: false, tokens: true });
  /** A short option (`-x`, or each of `-abc`) is no flag of ferry sync's: it stays the word it was, a positional. */
  const shortWords = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'positional') f.positional.push(token.value);
    else if (token.kind === 'option-terminator') throw new Error('unknown option --');
    else if (!token.rawName.startsWith('--')) {
      if (!shortWords.has(token.index)) f.positional.push(argv[token.index]!);
      shortWords.add(token.index);
    } else {
      const name = token.rawName;
      if (!Object.hasOwn(SYNC_OPTIONS, token.name)) throw new Error(`unknown option ${name}`);
      const value = () => {
        if (token.value === undefined) throw new Error(`${name} needs a value`);
        return token.value;
      };
      READ_FLAG[token.name as SyncOption](f, { name, value, inline: token.inlineValue ? token.value : undefined });
    }
  }
  return f;
}

/** Parses `sync ...` arguments; throws an Error with a readable message on bad input. */
export function parseFerrySyncArgs(argv: readonly string[]): FerrySyncArgs {
  const f = readFlags(argv);
  const rule = tagRuleFlags(f.rule, SYNC_READING);
  if (f.positional.length !== 2) throw new Error('sync needs <upstream-repo> and <target-repo>');
  if (f.maxDelete !== null && !f.deleteUnselected) throw new Error('--max-delete needs --delete');
  if (rule.tags.length + rule.regex.length + rule.semver.length === 0) throw new Error('--tags is required (or --tags-regex, --tags-semver)');
  const tagRule = tagRuleFromFlags(rule);
  if ('problems' in tagRule) throw new Error(tagRule.problems.join('; '));
  const [upstreamRef, targetRaw] = f.positional as [string, string];
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
    targetUrl = `${f.destTls ? 'https' : 'http'}://${targetRaw.slice(0, slash)}`;
    targetRepo = targetRaw.slice(slash + 1);
  }
  return {
    request: {
      upstream: { reference: upstreamRef, verifyTls: f.srcTls, ...(f.srcCreds ?? {}) },
      target: { registryUrl: targetUrl, repository: targetRepo, verifyTls: f.destTls, ...(f.destCreds ?? {}) },
      tagRule: tagRule.rule,
      architectureFilter: f.arch,
      indexMode: f.indexMode,
      timeoutSeconds: f.timeout,
      // The command's user names the upstream themselves: the SSRF guard protects services that take remote input.
      ssrfAllowedHosts: [upstream.host, upstream.hostname],
      limits: f.limits,
      tagDeletion: { enabled: f.deleteUnselected, maxDelete: f.maxDelete },
      ...f.request,
    },
    dryRun: f.dryRun,
    stateFile: f.stateFile,
    driftCheckSeconds: f.driftCheckSeconds,
    json: f.json,
    quiet: f.quiet,
  };
}
