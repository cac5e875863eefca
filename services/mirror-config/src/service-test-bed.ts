import type { DataSource } from 'typeorm';
import { SCOPES, serviceActor, type DomainErrorCode } from '@ferry/contracts';
import { EventStore, type Causation } from '@ferry/event-store';
import type { Caller } from '@ferry/identity';
import type { MirrorCommand, MirrorState } from '@ferry/mirror';
import { apiReadModels, openDatabase, ProjectionRunner } from '@ferry/read-models';
import { Commands } from './commands';
import { InvalidRequestError } from './http/problem';

/** Where a service test keeps its state: its own database and event log (see `createTestDatabase`, `testEventLogNames`). */
export interface TestBedPlace {
  databaseUrl: string;
  natsUrl: string;
  stream: string;
  subjectPrefix: string;
}

/** What the API's services stand on, for real: Postgres with the API's read models, the event log, and their projections running. */
export interface ServiceTestBed {
  dataSource: DataSource;
  store: EventStore;
  projections: ProjectionRunner;
  commands: Commands;
  causation: Causation;
  close(): Promise<void>;
}

/**
 * The int specs' deployment of one: the services under test are built by hand on it (no Nest),
 * and their commands wait for the read models as they do in the service.
 */
export async function openServiceTestBed(place: TestBedPlace): Promise<ServiceTestBed> {
  const dataSource = await openDatabase(place.databaseUrl);
  const store = await EventStore.connect({ natsUrl: place.natsUrl, stream: place.stream, subjectPrefix: place.subjectPrefix });
  const projections = new ProjectionRunner(dataSource, store, apiReadModels);
  const stop = new AbortController();
  const following = projections.run(stop.signal);
  return {
    dataSource,
    store,
    projections,
    commands: new Commands(store, projections),
    causation: { correlationId: 'int-spec', causationId: 'int-spec', actor: serviceActor('int-spec') },
    async close() {
      stop.abort();
      await following;
      await store.destroyStream();
      await store.close();
      await dataSource.destroy();
    },
  };
}

/** A user signed in with a password: every scope. */
export function userCaller(username: string, superuser = false): Caller {
  return { kind: 'user', username, superuser, scopes: [...SCOPES], tokenId: null };
}

/** For `assert.rejects`: a 400 naming `field` (with a message matching `message`, when given). */
export function refusedField(field: string, message?: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof InvalidRequestError && error.problems.some((p) => p.field === field && (!message || message.test(p.message)));
}

/** For `assert.rejects`: a decider's refusal with this code. */
export function refusedWith(code: DomainErrorCode): (error: unknown) => boolean {
  return (error) => (error as { code?: unknown }).code === code;
}

/** How far `runMirror` takes a run: scheduled, started, or ended one way or the other. */
export type RunStage = 'scheduled' | 'started' | 'succeeded' | 'failed';

const NOTHING_COPIED = { startedAt: null, tagsMatched: [], tagsCopied: 0, tagsUnchanged: 0, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 0 };

/**
 * A mirror's run through its decider, as the scheduler and a worker take it, up to `stage`; a
 * failed run says the upstream refused the credentials. `mirror` sends one command to the mirror.
 */
export async function runMirror(
  mirror: (command: MirrorCommand) => Promise<{ state: MirrorState }>,
  runId: string,
  now: Date,
  stage: RunStage,
  summary: Extract<MirrorCommand, { kind: 'complete-run' }>['summary'] = NOTHING_COPIED,
): Promise<void> {
  const token = (await mirror({ kind: 'schedule-run', runId, now, leaseSeconds: 600 })).state.run!.fencingToken;
  if (stage === 'scheduled') return;
  await mirror({ kind: 'start-run', runId, fencingToken: token, worker: 'w/1' });
  if (stage === 'started') return;
  await mirror({
    kind: 'complete-run',
    runId,
    fencingToken: token,
    outcome: stage,
    summary,
    ...(stage === 'failed' ? { error: { code: 'UNAUTHORIZED', message: 'the upstream refused the credentials' } } : {}),
    now,
    jitter: 0,
  });
}
