import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import type { ProjectionRunner } from '@ferry/read-models';
import { DATA_SOURCE, EVENT_STORE } from '@ferry/service-runtime';
import { Requires } from '../auth/permission';
import { API_PROJECTIONS } from '../tokens';

/** A check's answer within this long, or it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;
/** Events the projections may trail the log by and still count as caught up (the log moves while we look). */
const MAX_BEHIND = 1_000;

async function check(what: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
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
 * `/healthz`: the process answers. `/readyz`: it can serve, checking NATS (the log's head),
 * Postgres, and the API's projections (caught up with the log, and stuck on no event). Public, as
 * probes are; they say which dependency is down, never a secret.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  @Get('healthz')
  @Requires(requires.public())
  healthz() {
    return { status: 'alive' };
  }

  @Get('readyz')
  @Requires(requires.public())
  async readyz(@Res({ passthrough: true }) res: Response) {
    let head = 0;
    const [nats, postgres] = await Promise.all([check(async () => (head = await this.store.headPosition())), check(() => this.dataSource.query('SELECT 1'))]);
    const { applied, failing } = this.projections.health();
    const projections = {
      ok: failing === null && (!nats.ok || head - applied <= MAX_BEHIND),
      applied,
      head: nats.ok ? head : null,
      ...(failing ? { failing: { position: failing.position, type: failing.type, error: failing.error, since: failing.since, attempts: failing.attempts } } : {}),
    };
    const ready = nats.ok && postgres.ok && projections.ok;
    res.status(ready ? 200 : 503);
    if (!ready) res.setHeader('Retry-After', '5');
    return { status: ready ? 'ready' : 'unready', checks: { nats, postgres, projections } };
  }
}
