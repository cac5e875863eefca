import { Logger } from '@nestjs/common';
import { aggregateSubject, AggregateKind, type Event, type OrgDiscoveryScheduled, type StoredEvent } from '@ferry/contracts';
import { eventTraceContext, handleCommand, type Causation, type CommandResult, type EventStore } from '@ferry/event-store';
import { recordDiscoveryPage, recordDiscoveryStarted } from '@ferry/metrics';
import { discoveryVerdict, DomainError, DomainErrorCode, orgMirrorDecider, type DiscoveryFacts, type ListedPage, type OrgMirrorCommand, type OrgMirrorState, type RunFailure } from '@ferry/mirror';
import type { SecretBox } from '@ferry/secrets';
import { withSpan } from '@ferry/telemetry';
import { WORKER_ACTOR } from '../run/mirror-run.executor';
import { runErrorOf } from '../run/run-report';
import type { TargetSettings } from '../run/target-writer';
import { ChildRepositories } from './child-repositories';
import { completeDiscovery } from './discovery-completion';
import { holdDiscoveryLease } from './discovery-lease';
import { watchDiscoveryStop } from './discovery-stop';
import { LeaseLostError, listAndSetUp, type HeldDiscovery } from './discovery-pages';
import type { OpenPageLister } from './page-lister';
import { imagesDeleter } from './target-images';
import { settleVanished } from './vanished-repositories';

const log = new Logger('sync-worker');

export interface DiscoverySettings extends TargetSettings {
  leaseSeconds: number;
  /** `host/pid`, recorded on the discovery. */
  workerId: string;
  /** Repositories asked for per page of the upstream listing. */
  discoveryPageSize: number;
}

export type ScheduledDiscovery = StoredEvent & Event<'OrgDiscoveryScheduled', OrgDiscoveryScheduled['data']>;

/**
 * How a discovery ended for this worker: `stale` (another assignment holds it, or it was started
 * already), `lease-lost` (fencing refused this worker mid-way), `stopping` (not claimed: offer it
 * to another worker), `handed-back` (the worker stopped mid-way and gave the lease back).
 */
export type DiscoveryEnd = 'completed' | 'stale' | 'lease-lost' | 'stopping' | 'handed-back';

/** What ended the work of one claimed discovery, before its terminal event. */
interface DiscoveryWork {
  facts: DiscoveryFacts;
  leaseLost: boolean;
}

/** This worker may record no more: another assignment holds the discovery, or the organization mirror is gone. */
const isStale = (error: unknown) =>
  error instanceof LeaseLostError || (error instanceof DomainError && (error.code === DomainErrorCode.StaleRun || error.code === DomainErrorCode.OrgMirrorNotFound));

/**
 * Carries out one scheduled discovery: claims it with its fencing token, holds its lease, watches
 * for a cancel, lists the upstream from its checkpoint page by page setting up what is new, then
 * deals with what vanished and ends it with exactly one terminal event. A worker that dies leaves
 * the checkpoint behind; the scheduler reassigns the discovery when the lease ends, and the next
 * worker resumes there.
 */
export class DiscoveryExecutor {
  constructor(
    private readonly store: EventStore,
    private readonly secrets: SecretBox,
    private readonly settings: DiscoverySettings,
    private readonly openLister: OpenPageLister,
  ) {}

  async execute(scheduled: ScheduledDiscovery, heartbeat: () => void, stopping: AbortSignal): Promise<DiscoveryEnd> {
    if (stopping.aborted) return 'stopping';
    const { organization, runId, fencingToken } = scheduled.data;
    const subject = aggregateSubject(this.store.prefix, AggregateKind.OrgMirror, organization);
    const causation: Causation = { correlationId: scheduled.correlationId, causationId: scheduled.id, actor: WORKER_ACTOR };
    const held: HeldDiscovery = { runId, fencingToken, command: (c: OrgMirrorCommand) => handleCommand(this.store, subject, organization, orgMirrorDecider, c, causation) };
    return withSpan(
      'org_mirror.discovery',
      async (span) => {
        span.setAttributes({ 'ferry.organization': organization, 'ferry.run_id': runId, 'ferry.fencing_token': fencingToken });
        const started = await this.claim(held);
        if (!started) return 'stale';
        const startedAt = Date.now();
        const resumed = (started.events[0]!.data as { resumed: boolean }).resumed;
        log.log(`discovery ${runId} of organization mirror ${organization} ${resumed ? `resumed after page ${started.state.run!.pages}` : 'started'}`);
        recordDiscoveryStarted(organization);
        const work = await this.work(held, started, subject, causation, heartbeat, stopping);
        const end = await this.end(held, organization, work, stopping, startedAt);
        span.setAttribute('ferry.outcome', end);
        return end;
      },
      { parent: eventTraceContext(scheduled) },
    );
  }

  /** Starts (or resumes) the discovery under this assignment; null when it is stale or was started already. */
  private async claim(held: HeldDiscovery): Promise<CommandResult<OrgMirrorState> | null> {
    try {
      const started = await held.command({ kind: 'start-discovery', runId: held.runId, fencingToken: held.fencingToken, worker: this.settings.workerId, now: new Date(), leaseSeconds: this.settings.leaseSeconds });
      // The same assignment delivered again: whoever started it runs it (or its lease ends and it is reassigned).
      return started.events.length ? started : null;
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
  }

  /** The discovery's pages, then its vanished repositories, under its lease and cancel watch. */
  private async work(held: HeldDiscovery, started: CommandResult<OrgMirrorState>, subject: string, causation: Causation, heartbeat: () => void, stopping: AbortSignal): Promise<DiscoveryWork> {
    const config = started.state.config!;
    const { leaseSeconds } = this.settings;
    const lease = holdDiscoveryLease(() => held.command({ kind: 'renew-discovery-lease', runId: held.runId, fencingToken: held.fencingToken, now: new Date(), leaseSeconds }), { leaseSeconds, heartbeat });
    const watch = { subject, from: started.events.at(-1)!.position + 1, runId: held.runId, cancelRequested: started.state.run!.cancelRequested };
    const stop = watchDiscoveryStop(this.store, watch, stopping, lease.lost);
    const lister = this.openLister(config, config.externalRegistryPassword ? this.secrets.open(config.externalRegistryPassword) : null, stop.signal);
    const children = new ChildRepositories(this.store, causation, imagesDeleter(this.store, this.secrets, this.settings));
    const onPage = (page: ListedPage) => recordDiscoveryPage(config.organization, { listed: page.listed, added: page.added.length });
    let failure: RunFailure | null = null;
    let vanished: DiscoveryFacts['vanished'] = null;
    let stale = false;
    try {
      const listed = await listAndSetUp(held, started.state, { lister, children, pageSize: this.settings.discoveryPageSize, leaseSeconds, stop: stop.signal, leaseLost: lease.lost, onPage });
      if (listed.run!.complete && !stop.signal.aborted) vanished = await settleVanished(listed, children, lease.lost);
    } catch (error) {
      stale = isStale(error);
      // A request cut short by the cancel (or the worker stopping, or the lease lost) is no failure of the discovery.
      if (!stale && !stop.signal.aborted) failure = runErrorOf(error);
    } finally {
      lease.stop();
      await stop.close();
      await lister.close().catch(() => undefined);
    }
    return { facts: { cancelled: stop.cancelled(), failure, vanished }, leaseLost: stale || lease.lost.aborted };
  }

  /** Gives the discovery back (a stopping worker) or ends it with its terminal event. */
  private async end(held: HeldDiscovery, organization: string, work: DiscoveryWork, stopping: AbortSignal, startedAt: number): Promise<DiscoveryEnd> {
    if (work.leaseLost) return 'lease-lost';
    const { facts } = work;
    try {
      if (stopping.aborted && !facts.cancelled && facts.failure === null && facts.vanished === null) {
        await held.command({ kind: 'release-discovery-lease', runId: held.runId, fencingToken: held.fencingToken, now: new Date() });
        log.log(`discovery ${held.runId} of organization mirror ${organization} handed back: the worker is stopping`);
        return 'handed-back';
      }
      await completeDiscovery(held, organization, discoveryVerdict(facts), startedAt);
      return 'completed';
    } catch (error) {
      if (error instanceof DomainError) return 'lease-lost';
      throw error;
    }
  }
}
