import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { observeProjection } from '@ferry/metrics';
import type { ProjectionFailure, ProjectionRunner } from '@ferry/read-models';

/** A check's answer within this long, or it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;
/** Events a projection may trail the log by and still count as caught up (the log moves while we look). */
const MAX_BEHIND = 1_000;

export interface CheckResult {
  ok: boolean;
  error?: string;
}

export interface ProjectionCheck extends CheckResult {
  /** The log position this process has projected up to. */
  applied: number;
  /** The log's head, when NATS answered. */
  head: number | null;
  /** The event the projection keeps failing on. */
  failing?: Pick<ProjectionFailure, 'position' | 'type' | 'error' | 'since' | 'attempts'>;
}

/** What `/readyz` answers: each dependency the service needs, and whether all are fine. */
export interface ReadinessReport {
  status: 'ready' | 'unready';
  checks: {
    nats: CheckResult;
    postgres?: CheckResult;
    /** Per projection group the service runs. */
    projections?: Record<string, ProjectionCheck>;
    /** The registry mirrors are written to (the sync-worker's). */
    target_registry?: CheckResult;
  };
}

/** The registry a service writes to, probed with `GET /v2/` (any HTTP answer, 401 included, means it is there). */
export interface TargetRegistryProbe {
  registryUrl: string;
  verifyTls: boolean;
}

async function check(what: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([what(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)))]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Node's own http client, not fetch: the sync-worker counts every undici request as registry
 * traffic, and a probe is not that.
 */
function registryAnswers(target: TargetRegistryProbe): Promise<void> {
  const url = new URL('/v2/', target.registryUrl);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', rejectUnauthorized: target.verifyTls, timeout: CHECK_TIMEOUT_MS }, (res) => {
      res.resume();
      if (res.statusCode !== undefined && res.statusCode < 500) resolve();
      else reject(new Error(`GET /v2/ answered ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Whether a service can do its work, for `/readyz` on every service: NATS answers (the log's
 * head), Postgres answers (where the service keeps tables), each projection it runs has caught up
 * with the log and is stuck on no event, and the target registry answers (where it writes there).
 * Each service's composition root says what it has; a projection joins with {@link follow}.
 */
export class Readiness {
  private readonly projections: ProjectionRunner[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource | null,
    private readonly targetRegistry: TargetRegistryProbe | null,
  ) {}

  /** A projection group this service runs: unready while it trails the log or is stuck, and in the projection metrics. */
  follow(runner: ProjectionRunner): void {
    this.projections.push(runner);
    observeProjection(runner.name, async () => {
      const { applied, failing } = runner.health();
      const head = this.store.connected ? await this.store.headPosition({ patient: false }).catch(() => null) : null;
      return { behind: head === null ? null : Math.max(0, head - applied), stuck: failing !== null };
    });
  }

  async check(): Promise<ReadinessReport> {
    let head = 0;
    const [nats, postgres, targetRegistry] = await Promise.all([
      check(async () => {
        // A client between a disconnect and its reconnect may still answer from a buffer: not ready.
        if (!this.store.connected) throw new Error('disconnected; reconnecting');
        head = await this.store.headPosition({ patient: false });
      }),
      this.dataSource ? check(() => this.dataSource!.query('SELECT 1')) : undefined,
      this.targetRegistry ? check(() => registryAnswers(this.targetRegistry!)) : undefined,
    ]);
    const projections = this.projections.length
      ? Object.fromEntries(
          this.projections.map((runner): [string, ProjectionCheck] => {
            const { applied, failing } = runner.health();
            return [
              runner.name,
              {
                ok: failing === null && (!nats.ok || head - applied <= MAX_BEHIND),
                applied,
                head: nats.ok ? head : null,
                ...(failing ? { failing: { position: failing.position, type: failing.type, error: failing.error, since: failing.since, attempts: failing.attempts } } : {}),
              },
            ];
          }),
        )
      : undefined;
    const ready = nats.ok && (postgres?.ok ?? true) && (targetRegistry?.ok ?? true) && Object.values(projections ?? {}).every((p) => p.ok);
    return {
      status: ready ? 'ready' : 'unready',
      checks: { nats, ...(postgres ? { postgres } : {}), ...(projections ? { projections } : {}), ...(targetRegistry ? { target_registry: targetRegistry } : {}) },
    };
  }
}
