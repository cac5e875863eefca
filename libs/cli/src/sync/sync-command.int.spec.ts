import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gluedColumns, manifestDigest, pushImage, startRegistry, tagDigests, type RunningRegistry } from '@ferry/testing';
import type { SyncReport } from '@ferry/sync-engine';

const CLI = join(__dirname, '..', 'ferry.js');

/** Runs `ferry sync ...`; resolves with its exit code, the JSON report (with --json) and stderr. */
function ferrySync(args: string[]): Promise<{ code: number; report: SyncReport | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'sync', ...args], (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, report: stdout.trim() ? (JSON.parse(stdout) as SyncReport) : null, stderr });
    });
  });
}

describe('ferry sync, the standalone command', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let work: string;
  const common = () => ['--tags', 'v*', '--src-tls-verify=false', '--dest-tls-verify=false', '--json', '--quiet'];

  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry({ countRequests: true })]);
    for (const tag of ['v1', 'v2', 'latest']) await pushImage(upstream, 'cli/app', tag, { mediaType: 'oci', layers: [{ seed: `cli-${tag}`, size: 512 }] });
    work = mkdtempSync(join(tmpdir(), 'ferry-cli-'));
  });

  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await Promise.all([upstream?.stop(), target?.stop()]);
  });

  it('copies the selected tags and exits 0', async () => {
    const { code, report, stderr } = await ferrySync([`${upstream.host}/cli/app`, `${target.host}/mirror/app`, ...common(), '--state-file', join(work, 'state.json')]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(report!.tagsMatched.sort(), ['v1', 'v2']);
    const upstreamTags = await tagDigests(upstream, 'cli/app');
    assert.deepEqual(await tagDigests(target, 'mirror/app'), { v1: upstreamTags.v1, v2: upstreamTags.v2 });
    assert.match(stderr, /2 tags matched: 2 copied, 0 unchanged, 0 failed/);
  });

  it('asks the target for nothing but its tag list on a re-run with the state file', async () => {
    await target.resetRequestCount();
    const { code, report } = await ferrySync([`${upstream.host}/cli/app`, `${target.host}/mirror/app`, ...common(), '--state-file', join(work, 'state.json')]);
    assert.equal(code, 0);
    assert.equal(report!.tagsTrustedFromLedger, 2);
    assert.equal(await target.settleRequestCount(), 1);
  });

  it('checks the target again once --drift-check has passed, repairing a tag changed behind its back', async () => {
    const tampered = await pushImage(target, 'mirror/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'cli-tampered', size: 64 }] });
    const trusting = await ferrySync([`${upstream.host}/cli/app`, `${target.host}/mirror/app`, ...common(), '--state-file', join(work, 'state.json')]);
    assert.equal(trusting.code, 0);
    assert.equal(await manifestDigest(target, 'mirror/app', 'v1'), tampered.digest);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { code, report } = await ferrySync([`${upstream.host}/cli/app`, `${target.host}/mirror/app`, ...common(), '--state-file', join(work, 'state.json'), '--drift-check', '1']);
    assert.equal(code, 0);
    assert.equal(report!.tagsTrustedFromLedger, 0);
    assert.equal(await manifestDigest(target, 'mirror/app', 'v1'), await manifestDigest(upstream, 'cli/app', 'v1'));
  });

  it('exits 1 with the error code when the upstream repository does not exist, and 2 on bad usage', async () => {
    const missing = await ferrySync([`${upstream.host}/cli/nothing-here`, `${target.host}/mirror/none`, ...common()]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /sync failed: (NAME_UNKNOWN|NOT_FOUND)/);
    const usage = await ferrySync([`${upstream.host}/cli/app`]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: ferry sync/);
  });
});

const VERSIONS = 6;

/** Runs `ferry sync ...` and resolves with its exit code and everything it printed. */
function ferrySyncText(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'sync', ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('ferry sync and the target tags it no longer selects', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    for (const [i, tag] of ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v2.0.0', 'v2.1.0-rc.1', 'latest'].entries()) {
      await pushImage(upstream, 'app', tag, { mediaType: 'oci', layers: [{ seed: `kept-${tag}`, size: 700 + i }] });
    }
  });
  after(() => Promise.all([upstream?.stop(), target?.stop()]));

  it('ferry sync keeps target tags that are no longer selected unless given --delete, as skopeo sync does', async () => {
    const repo = 'mirror/kept';
    await ferrySyncText([`${upstream.host}/app`, `${target.host}/${repo}`, '--tags', '*', '--src-tls-verify=false', '--dest-tls-verify=false', '--quiet']);
    const args = [`${upstream.host}/app`, `${target.host}/${repo}`, '--tags', 'v1.*', '--src-tls-verify=false', '--dest-tls-verify=false', '--quiet'];
    const kept = await ferrySyncText(args);
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(Object.keys(await tagDigests(target, repo)).length, VERSIONS);
    const dry = await ferrySyncText([...args, '--delete', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^unchanged {2}v1\.0\.0 +sha256:/m);
    assert.match(dry.stdout, /^delete {5}latest +\(no longer selected\)/m);
    assert.deepEqual(gluedColumns(dry.stdout, ['copy', 'unchanged', 'fail', 'delete', 'keep']), []);
    assert.match(dry.stderr, /3 to delete; nothing was written/);
    assert.equal(Object.keys(await tagDigests(target, repo)).length, VERSIONS);
    const capped = await ferrySyncText([...args, '--delete', '--max-delete', '2']);
    assert.equal(capped.code, 1);
    assert.match(capped.stderr, /DELETE_CAP_EXCEEDED: 3 tags would have been deleted/);
    assert.equal(Object.keys(await tagDigests(target, repo)).length, VERSIONS);
    const deleting = await ferrySyncText([...args, '--delete']);
    assert.equal(deleting.code, 0, deleting.stderr);
    assert.deepEqual(Object.keys(await tagDigests(target, repo)).sort(), ['v1.0.0', 'v1.1.0', 'v1.2.0']);
  });
});
