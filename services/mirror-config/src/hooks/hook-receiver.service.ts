import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AggregateKind, DomainError, DomainErrorCode, HookVerification, serviceActor, type HookDeliveryOutcome } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { tokenHash } from '@ferry/identity';
import {
  hookDecider,
  mirrorDecider,
  orgMirrorDecider,
  pathUnderNamespace,
  pushHeader as header,
  readPushDelivery,
  routeMirrorPush,
  routeOrgMirrorPush,
  type HookDeliveryResult,
  type PushHeaders,
  type PushNotice,
  type PushRoute,
} from '@ferry/mirror';
import { verifyWebhookSignature } from '@ferry/notifications';
import type { HookRow } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { Commands } from '../commands';
import type { MirrorConfigServiceConfig } from '../config';
import { HookRateLimitedError, InvalidRequestError, UnauthenticatedError } from '../http/problem';
import { UUID } from '../http/uuid';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import { HookQueries } from './hook-queries';
import { HookRateLimit } from './hook-rate-limit';

const log = new Logger('hooks');

/** What a delivery's request brings: its headers, its body as sent (an HMAC is over the bytes), and `?secret=`. */
export interface HookDelivery {
  hookId: string;
  headers: PushHeaders;
  body: Buffer;
  querySecret: string | undefined;
  address: string;
}

/** Constant-time equality of two hex digests (unequal lengths are unequal, without a timing tell on the content). */
function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A delivery is one push (a registry's envelope, a webhook): more than this is no sender's notification. */
const MAX_REPOSITORIES_PER_DELIVERY = 100;
const MAX_TAGS_PER_DELIVERY = 1_000;

/**
 * Receives upstream push deliveries: checks the hook's rate and secret before reading anything,
 * reads the sender's payload, hands each pushed repository's tags to its mirror (or a new
 * repository to the organization mirror's discovery), and records what the delivery did.
 */
@Injectable()
export class HookReceiverService {
  private readonly rate: HookRateLimit;
  /** Each hook's deliveries in this process, one after another (see `receive`). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(SERVICE_CONFIG) config: MirrorConfigServiceConfig,
    private readonly commands: Commands,
    private readonly queries: HookQueries,
  ) {
    this.rate = new HookRateLimit(config.hookRate.burst, config.hookRate.perSecond);
  }

  async receive(delivery: HookDelivery) {
    // No such hook: refused before it costs a bucket of the rate limit or a query.
    if (!UUID.test(delivery.hookId)) this.refuse(delivery, 'no such hook');
    // Limited before the secret is checked, so guessing secrets is held to the rate too.
    const wait = this.rate.take(delivery.hookId);
    if (wait > 0) throw new HookRateLimitedError(wait);
    const hook = await this.authenticate(delivery);
    // One hook's deliveries append to the same subjects (the hook's, its mirror's): taken one at a
    // time they never race each other's expected versions, which a burst of 60 at once would
    // exhaust. The rate limit bounds the queue.
    const previous = this.inFlight.get(hook.hookId) ?? Promise.resolve();
    const turn = previous.then(() => this.handle(hook, delivery), () => this.handle(hook, delivery));
    this.inFlight.set(hook.hookId, turn);
    try {
      return await turn;
    } finally {
      if (this.inFlight.get(hook.hookId) === turn) this.inFlight.delete(hook.hookId);
    }
  }

  private async handle(hook: HookRow, delivery: HookDelivery) {
    const receivedAt = new Date();
    const deliveryId = randomUUID();
    const causation: Causation = { correlationId: deliveryId, causationId: deliveryId, actor: serviceActor(`hook ${hook.hookId}`) };
    const read = readPushDelivery(this.json(delivery.body), delivery.headers);
    if (read && (read.notices.length > MAX_REPOSITORIES_PER_DELIVERY || read.notices.reduce((n, r) => n + r.tags.length, 0) > MAX_TAGS_PER_DELIVERY)) {
      throw new InvalidRequestError([{ field: '(body)', message: `must name at most ${MAX_REPOSITORIES_PER_DELIVERY} repositories and ${MAX_TAGS_PER_DELIVERY} tags` }]);
    }
    const results: HookDeliveryResult[] = [];
    for (const notice of read?.notices ?? []) {
      const route = await this.route(hook, notice);
      const outcome = await this.apply(hook.hookId, route, receivedAt, causation);
      results.push({ repository: notice.repository, tags: notice.tags, ...outcome });
    }
    const sender = read?.sender ?? 'unknown';
    await this.commands.append(AggregateKind.Hook, hook.hookId, hookDecider, { kind: 'record-delivery', deliveryId, sender, receivedAt, results }, causation);
    return { delivery: deliveryId, sender, results: results.map(({ mirrorId: _, ...r }) => r) };
  }

  /** The hook whose secret the delivery proves it holds; anything else is one 401, whatever went wrong. */
  private async authenticate(delivery: HookDelivery): Promise<HookRow> {
    const hook = await this.queries.hook(delivery.hookId);
    if (hook && this.proves(hook, delivery)) return hook;
    this.refuse(delivery, hook ? 'no valid secret or signature' : 'no such hook');
  }

  private refuse(delivery: HookDelivery, why: string): never {
    // Logged without what was sent: a wrong secret may be a near miss of the right one.
    log.warn(`hook ${delivery.hookId.slice(0, 36)}: refused a delivery from ${delivery.address}: ${why}`);
    throw new UnauthenticatedError('this hook needs its secret: Authorization: Bearer <secret>, ?secret=<secret>, or (an hmac-sha256 hook) X-Hub-Signature-256', true);
  }

  private proves(hook: HookRow, delivery: HookDelivery): boolean {
    const authorization = header(delivery.headers, 'authorization');
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? delivery.querySecret;
    if (bearer !== undefined && sameDigest(tokenHash(bearer), hook.secretHash)) return true;
    if (hook.verification !== HookVerification.HmacSha256 || !hook.sealedSecret) return false;
    // GitHub signs as Ferry's own webhooks do: `sha256=` and the hex HMAC-SHA256 of the body's bytes.
    return verifyWebhookSignature(delivery.body, this.secrets.open(hook.sealedSecret), header(delivery.headers, 'x-hub-signature-256'));
  }

  private json(body: Buffer): unknown {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidRequestError([{ field: '(body)', message: 'must be a JSON push notification (distribution, Docker Hub, Quay, Harbor or GitHub)' }]);
    }
  }

  private async route(hook: HookRow, notice: PushNotice): Promise<PushRoute> {
    if (hook.mirrorId !== null) {
      const config = await this.queries.mirrorConfig(hook.mirrorId);
      if (!config) return { outcome: 'ignored', mirrorId: hook.mirrorId, detail: `${hook.mirrorId} has no mirror` };
      return routeMirrorPush(notice, { mirrorId: hook.mirrorId, config });
    }
    const org = await this.queries.orgMirror(hook.organization!);
    if (!org) return { outcome: 'ignored', mirrorId: null, detail: `${hook.organization} has no organization mirror` };
    const path = pathUnderNamespace(notice.repository, org.externalNamespace);
    const child = path === null ? null : await this.queries.orgMirrorChild(org.organization, path);
    return routeOrgMirrorPush(notice, org, child);
  }

  /** Hands a route to its aggregate; what the aggregate refuses (a mirror deleted meanwhile, a discovery already running) is recorded, not an error. */
  private async apply(hookId: string, route: PushRoute, receivedAt: Date, causation: Causation): Promise<{ outcome: HookDeliveryOutcome; detail: string; mirrorId: string | null }> {
    switch (route.outcome) {
      case 'ignored':
        return { outcome: 'ignored', detail: route.detail, mirrorId: route.mirrorId };
      case 'run': {
        try {
          const result = await this.commands.append(AggregateKind.Mirror, route.mirrorId, mirrorDecider, { kind: 'receive-push', hookId, tags: route.tags, now: receivedAt }, causation);
          if (result.events.length === 0) return { outcome: 'ignored', detail: 'the mirror is disabled: it runs on sync-now only', mirrorId: route.mirrorId };
          return { outcome: 'run', detail: route.detail, mirrorId: route.mirrorId };
        } catch (error) {
          if (error instanceof DomainError) return { outcome: 'ignored', detail: error.message, mirrorId: route.mirrorId };
          throw error;
        }
      }
      case 'discovery': {
        try {
          await this.commands.append(AggregateKind.OrgMirror, route.organization, orgMirrorDecider, { kind: 'request-sync-now' }, causation);
          return { outcome: 'discovery', detail: route.detail, mirrorId: null };
        } catch (error) {
          if (error instanceof DomainError && error.code === DomainErrorCode.DiscoveryInProgress) return { outcome: 'discovery', detail: `${route.detail}: a discovery is already running`, mirrorId: null };
          if (error instanceof DomainError) return { outcome: 'ignored', detail: error.message, mirrorId: null };
          throw error;
        }
      }
    }
  }
}
