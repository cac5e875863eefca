import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  aggregateSubject,
  AggregateKind,
  kindSubjects,
  NotificationEvent,
  NotificationMethod,
  type NewEvent,
  type NotificationRule,
  type RunSummary,
  serviceActor,
} from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { NOTIFICATION_FAILURE_LIMIT, notificationRuleDecider } from '@ferry/mirror';
import { blockKitProblems, createReceiverAgent, FerryHeader, verifyWebhookSignature, type RetryPolicy } from '@ferry/notifications';
import { apiReadModels, NotificationRuleRow, openDatabase, ProjectionRunner, ruleFailureCounts } from '@ferry/read-models';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, eventually, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { DeliveryWorker, type RuleFailureLimitReached } from './delivery-worker';
import { NotificationDispatcher } from './notification-dispatcher';

const { Started, Succeeded, Failed } = NotificationEvent;
const SECRET = 'whsec-0123456789abcdef-never-logged';
const causation = { correlationId: 'corr', causationId: 'corr', actor: serviceActor('test') };
const summary: RunSummary = { startedAt: null, tagsMatched: ['v1'], tagsCopied: 1, tagsUnchanged: 0, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 10 };

// ---- real receivers ---------------------------------------------------------------------------
interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}
interface HttpReceiver {
  url: string;
  hits: Hit[];
  /** Requests answered 2xx. */
  accepted(path?: string): Hit[];
  close(): Promise<void>;
}

/**
 * A real HTTP receiver. `answer` decides each response's status (and may answer null to leave the
 * request hanging, like a dead receiver that accepts connections). Webhook requests carrying a
 * signature are checked against SECRET; a bad signature is answered 401.
 */
async function startReceiver(answer: (hit: Hit, index: number) => number | null | { status: number; headers: Record<string, string> } = () => 200): Promise<HttpReceiver> {
  const hits: Hit[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const hit: Hit = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(parts).toString('utf8'), status: 0 };
      hits.push(hit);
      const signature = req.headers[FerryHeader.Signature];
      if (signature !== undefined && !verifyWebhookSignature(hit.body, SECRET, String(signature))) {
        hit.status = 401;
        res.writeHead(401).end('bad signature');
        return;
      }
      const a = answer(hit, hits.filter((h) => h.path === hit.path).length - 1);
      if (a === null) {
        hanging.push(res);
        return;
      }
      const { status, headers } = typeof a === 'number' ? { status: a, headers: {} } : a;
      hit.status = status;
      res.writeHead(status, headers).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    accepted: (path) => hits.filter((h) => h.status >= 200 && h.status < 300 && (path === undefined || h.path === path)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Slack incoming-webhook stand-in: answers 400 `invalid_blocks` unless the Block Kit shape is right. */
function slackAnswer(hit: Hit): number {
  try {
    return blockKitProblems(JSON.parse(hit.body)).length === 0 ? 200 : 400;
  } catch {
    return 400;
  }
}

interface SmtpReceiver {
  port: number;
  mails: ParsedMail[];
  close(): Promise<void>;
}

async function startSmtp(): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// ---- the notifier, driven directly --------------------------------------------------------------
const FAST_RETRY: RetryPolicy = { baseMs: 20, maxMs: 60_000, maxAttempts: 5, jitter: false };

describe('the notifier delivering mirror events to notification rules', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  let projections: ProjectionRunner;
  let smtp: SmtpReceiver;
  const secrets = createSecretBox(randomBytes(32));
  const agent = createReceiverAgent(['127.0.0.1']);
  let running: Array<{ stop(): Promise<void> }> = [];

  before(async () => {
    smtp = await startSmtp();
  });
  after(async () => {
    await smtp.close();
    await agent.close();
  });
  beforeEach(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url, { poolSize: 20 });
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    projections = new ProjectionRunner(ds, store, apiReadModels);
  });
  afterEach(async () => {
    for (const n of running) await n.stop();
    running = [];
    await store.destroyStream();
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  /** Starts a notifier as the service does: the durable consumer `notifier` and the delivery worker. */
  function startNotifier(retry: RetryPolicy = FAST_RETRY, timeoutMs = 5_000, onFailureLimit?: RuleFailureLimitReached) {
    const stop = new AbortController();
    const worker = new DeliveryWorker(
      ds,
      secrets,
      { allowedHosts: ['127.0.0.1'], retry, timeoutMs, concurrency: 8, pollMs: 50, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'ferry@example.com' } },
      agent,
      { failed: (e) => console.error(e), succeeded: () => undefined },
      onFailureLimit,
    );
    const dispatcher = new NotificationDispatcher(ds, { registryHost: 'registry.example:5000', homepageUrl: 'https://ferry.example' }, () => worker.wake());
    const tasks = [
      store.consumeDurable('notifier', kindSubjects(store.prefix, AggregateKind.Mirror), (e) => dispatcher.handle(e), stop.signal, { concurrency: 4, onError: (e) => console.error('consumer', e) }),
      worker.run(stop.signal),
    ];
    const notifier = { dispatcher, worker, stop: async () => (stop.abort(), void (await Promise.allSettled(tasks))) };
    running.push(notifier);
    return notifier;
  }

  async function addRule(rule: Partial<NotificationRule> & Pick<NotificationRule, 'method' | 'target'>, events: NotificationEvent[] = [Started, Succeeded, Failed]): Promise<string> {
    const ruleId = randomUUID();
    const mirrorId = rule.mirrorId === undefined ? 'acme/app' : rule.mirrorId;
    const full: NotificationRule = {
      ruleId,
      mirrorId,
      namespace: rule.namespace ?? 'acme',
      event: events[0]!,
      events,
      title: '',
      secret: null,
      minConsecutiveFailures: 1,
      ...rule,
    };
    await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.NotificationRule, ruleId), ruleId, notificationRuleDecider, { kind: 'create', rule: full }, causation);
    await projections.catchUp();
    return ruleId;
  }

  let runCounter = 0;
  /** Appends a run's events to the mirror's stream: started, then succeeded or failed (with its streak). */
  async function run(outcome: 'started' | 'succeeded' | 'failed', options: { mirrorId?: string; consecutiveFailures?: number; runId?: string } = {}) {
    const mirrorId = options.mirrorId ?? 'acme/app';
    ++runCounter;
    // A test that projects the log (the API's read models) gives runs real ids.
    const runId = options.runId ?? `run-${runCounter}`;
    const events: NewEvent[] = [
      { type: 'MirrorStarted', data: { mirrorId, runId, trigger: 'sync_now', externalReference: 'upstream.example/app', fencingToken: runCounter, worker: 'test/1' } } as NewEvent,
    ];
    if (outcome === 'succeeded') events.push({ type: 'MirrorSucceeded', data: { mirrorId, runId, summary, nextSyncAt: new Date().toISOString() } } as NewEvent);
    if (outcome === 'failed') {
      events.push({
        type: 'MirrorFailed',
        data: { mirrorId, runId, summary, error: { code: 'NAME_UNKNOWN', message: 'no such repository' }, retryable: false, retriesRemaining: 0, consecutiveFailures: options.consecutiveFailures ?? 1, nextSyncAt: new Date().toISOString() },
      } as NewEvent);
    }
    return store.append(aggregateSubject(store.prefix, AggregateKind.Mirror, mirrorId), events, { ...causation, aggregateId: mirrorId });
  }

  async function deliveries(ruleId: string): Promise<Array<{ status: string; attempts: number; event: string }>> {
    return ds.query('SELECT status, attempts, event FROM notification_deliveries WHERE rule_id = $1 ORDER BY created_at', [ruleId]);
  }

  it('delivers started, succeeded and failed by webhook (signed), Slack (Block Kit), email (text and HTML) and in-app', async () => {
    const receiver = await startReceiver((hit) => (hit.path === '/slack' ? slackAnswer(hit) : 200));
    try {
      const webhook = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/hook`, secret: secrets.seal(SECRET) });
      const slack = await addRule({ method: NotificationMethod.Slack, target: `${receiver.url}/slack` });
      const email = await addRule({ method: NotificationMethod.Email, target: 'ops@example.com' });
      await addRule({ method: NotificationMethod.InApp, target: 'alice' });
      startNotifier();
      await run('succeeded');
      await run('failed');

      const hooks = await eventually(() => (receiver.accepted('/hook').length >= 4 ? receiver.accepted('/hook') : undefined), 15_000, 'four webhooks');
      const hookEvents = hooks.map((h) => JSON.parse(h.body).event as string).sort();
      assert.deepEqual(hookEvents, [Failed, Started, Started, Succeeded].sort());
      for (const h of hooks) {
        assert.equal(h.headers['content-type'], 'application/json');
        assert.ok(verifyWebhookSignature(h.body, SECRET, String(h.headers[FerryHeader.Signature])), 'signed with the rule secret');
        assert.ok(h.headers[FerryHeader.Delivery]);
      }
      assert.equal(new Set(hooks.map((h) => h.headers[FerryHeader.Delivery])).size, 4, 'one delivery id per (event, rule)');

      const slacks = await eventually(() => (receiver.accepted('/slack').length >= 4 ? receiver.accepted('/slack') : undefined), 15_000, 'four Slack messages');
      assert.equal(receiver.hits.filter((h) => h.path === '/slack' && h.status !== 200).length, 0, 'Slack accepted every message as Block Kit');
      assert.ok(slacks.some((s) => s.body.includes('NAME_UNKNOWN')), 'the failure names its error');

      const mails = await eventually(() => (smtp.mails.filter((m) => m.to && JSON.stringify(m.to).includes('ops@example.com')).length >= 4 ? smtp.mails : undefined), 15_000, 'four emails');
      const ours = mails.filter((m) => JSON.stringify(m.to).includes('ops@example.com'));
      for (const m of ours) {
        assert.ok(m.text && m.text.includes('acme/app'), 'a text part');
        assert.ok(typeof m.html === 'string' && m.html.includes('acme/app'), 'an HTML part');
      }

      const inApp = await ds.query(`SELECT username, event, read_at FROM user_notifications ORDER BY created_at`);
      assert.equal(inApp.length, 4);
      assert.ok(inApp.every((n: { username: string; read_at: unknown }) => n.username === 'alice' && n.read_at === null));

      for (const rule of [webhook, slack, email]) {
        await eventually(async () => ((await deliveries(rule)).every((d) => d.status === 'delivered' && d.attempts === 1) ? true : undefined), 10_000, 'all delivered');
        assert.equal((await deliveries(rule)).length, 4);
      }
    } finally {
      await receiver.close();
    }
  });

  it('delivers every event that arrived while the notifier was stopped, once, and a redelivered event adds nothing', async () => {
    const receiver = await startReceiver();
    try {
      const rule = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/hook` });
      const first = startNotifier();
      await run('started');
      await eventually(() => (receiver.accepted().length === 1 ? true : undefined), 10_000, 'the first webhook');
      await first.stop();

      const missed = [...(await run('succeeded')), ...(await run('failed'))];
      assert.equal(receiver.hits.length, 1, 'nothing is delivered while the notifier is down');

      const second = startNotifier();
      await eventually(() => (receiver.accepted().length >= 5 ? true : undefined), 10_000, 'the missed webhooks');
      // JetStream redelivering an event the notifier already queued (e.g. an ack lost in a crash).
      for (const event of missed) assert.deepEqual(await second.dispatcher.handle(event), { ack: true });
      await second.worker.deliverDue();

      const ids = receiver.hits.map((h) => JSON.parse(h.body).event_id as string);
      assert.equal(ids.length, 5, `exactly the 5 events, got ${ids.length}`);
      assert.equal(new Set(ids).size, 5, 'no event twice');
      assert.deepEqual(new Set(ids), new Set([...missed.map((e) => e.id), JSON.parse(receiver.hits[0]!.body).event_id]));
      assert.deepEqual((await deliveries(rule)).map((d) => d.status), Array(5).fill('delivered'));
    } finally {
      await receiver.close();
    }
  });

  it('retries a receiver that fails 3 times, with one accepted delivery and every attempt in the log', async () => {
    const receiver = await startReceiver((_hit, i) => (i < 3 ? 503 : 200));
    try {
      const rule = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/flaky` }, [Failed]);
      startNotifier();
      await run('failed');
      const [delivery] = await eventually(async () => {
        const rows = await deliveries(rule);
        return rows.length === 1 && rows[0]!.status === 'delivered' ? rows : undefined;
      }, 15_000, 'the delivery to succeed');
      assert.equal(delivery!.attempts, 4);
      assert.equal(receiver.accepted().length, 1, 'exactly one accepted delivery');
      assert.deepEqual(receiver.hits.map((h) => h.status), [503, 503, 503, 200]);
      assert.equal(new Set(receiver.hits.map((h) => h.headers[FerryHeader.Delivery])).size, 1, 'every retry carries the same delivery id');
      const log = await ds.query('SELECT attempt, outcome, status_code FROM notification_delivery_attempts ORDER BY attempt');
      assert.deepEqual(log, [
        { attempt: 1, outcome: 'retry', status_code: 503 },
        { attempt: 2, outcome: 'retry', status_code: 503 },
        { attempt: 3, outcome: 'retry', status_code: 503 },
        { attempt: 4, outcome: 'delivered', status_code: 200 },
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('ends a receiver that always fails as dead after the limit, without holding up or resending other rules', async () => {
    const receiver = await startReceiver((hit) => {
      if (hit.path === '/dead') return 500;
      if (hit.path === '/hang') return null; // accepts the connection, never answers
      if (hit.path === '/later') return { status: 503, headers: { 'retry-after': '30' } };
      return 200;
    });
    try {
      const dead = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/dead` }, [Failed]);
      const hang = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/hang` }, [Failed]);
      const later = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/later` }, [Failed]);
      const healthy = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/ok` }, [Failed]);
      startNotifier({ baseMs: 20, maxMs: 60_000, maxAttempts: 3, jitter: false }, 60_000);
      await run('failed');

      // The healthy rule is delivered while the hanging receiver still holds its first attempt.
      await eventually(async () => ((await deliveries(healthy))[0]?.status === 'delivered' ? true : undefined), 10_000, 'the healthy delivery');
      assert.deepEqual(await deliveries(hang), [{ status: 'pending', attempts: 0, event: Failed }], 'the hanging attempt is still in flight');

      const [deadRow] = await eventually(async () => {
        const rows = await deliveries(dead);
        return rows[0]?.status === 'dead' ? rows : undefined;
      }, 10_000, 'the failing delivery to end dead');
      assert.equal(deadRow!.attempts, 3);
      assert.equal(receiver.hits.filter((h) => h.path === '/dead').length, 3, 'no attempt past the limit');
      assert.equal(receiver.hits.filter((h) => h.path === '/ok').length, 1, 'the healthy receiver got its one delivery, never resent');
      // Regression: all rules of an event used to be retried together, at the shortest backoff of
      // any of them. A receiver asking for 30 s gets its second attempt no sooner, however often
      // another rule retries.
      assert.deepEqual(await deliveries(later), [{ status: 'pending', attempts: 1, event: Failed }]);
      assert.equal(receiver.hits.filter((h) => h.path === '/later').length, 1);
      const [{ last_error }] = await ds.query('SELECT last_error FROM notification_deliveries WHERE rule_id = $1', [dead]);
      assert.match(last_error, /^RECEIVER_UNAVAILABLE/);
    } finally {
      await receiver.close();
    }
  });

  it("disables a rule after Quay's limit of failed deliveries in a row, sends it nothing until a reset, then sends again", async () => {
    let downStatus = 500;
    const receiver = await startReceiver((hit) => (hit.path === '/down' ? downStatus : 200));
    try {
      const down = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/down` }, [Failed]);
      const healthy = await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/ok` }, [Failed]);
      const ruleCommand = (ruleId: string, command: Parameters<typeof notificationRuleDecider.decide>[0]) =>
        handleCommand(store, aggregateSubject(store.prefix, AggregateKind.NotificationRule, ruleId), ruleId, notificationRuleDecider, command, causation);
      const limits: number[] = [];
      startNotifier({ baseMs: 20, maxMs: 100, maxAttempts: 1, jitter: false }, 5_000, async (ruleId, failures) => {
        limits.push(failures);
        await ruleCommand(ruleId, { kind: 'record-failures', failures });
        await projections.catchUp();
      });
      const settledRun = async (n: number) => {
        await run('failed', { runId: randomUUID() });
        await eventually(async () => ((await deliveries(healthy)).filter((d) => d.status === 'delivered').length === n ? true : undefined), 10_000, `the healthy rule's delivery ${n}`);
        await eventually(async () => ((await deliveries(down)).every((d) => d.status !== 'pending') ? true : undefined), 10_000, 'the failing rule settled');
      };
      for (let n = 1; n <= NOTIFICATION_FAILURE_LIMIT; n++) await settledRun(n);
      assert.deepEqual((await deliveries(down)).map((d) => d.status), ['dead', 'dead', 'dead']);
      assert.equal((await ruleFailureCounts(ds.manager, [down])).get(down), NOTIFICATION_FAILURE_LIMIT);
      await eventually(async () => ((await ds.getRepository(NotificationRuleRow).findOneByOrFail({ ruleId: down })).disabled ? true : undefined), 10_000, 'the rule disabled');
      assert.deepEqual(limits, [NOTIFICATION_FAILURE_LIMIT], 'disabled once');

      // Disabled: the next event is queued for the healthy rule only, and the receiver hears nothing.
      downStatus = 200;
      await settledRun(4);
      assert.equal((await deliveries(down)).length, 3);
      assert.equal(receiver.hits.filter((h) => h.path === '/down').length, 3);

      await ruleCommand(down, { kind: 'reset-failures', scope: { mirrorId: 'acme/app' } });
      await projections.catchUp();
      assert.equal((await ruleFailureCounts(ds.manager, [down])).get(down), undefined, 'a reset count reads zero');
      await settledRun(5);
      assert.deepEqual((await deliveries(down)).map((d) => d.status), ['dead', 'dead', 'dead', 'delivered']);
      assert.equal(receiver.accepted('/down').length, 1);
    } finally {
      await receiver.close();
    }
  });

  it('filters: failures only, after N consecutive failures, and namespace rules for their namespace only', async () => {
    const receiver = await startReceiver();
    try {
      await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/all` });
      await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/failures` }, [Failed]);
      await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/third`, minConsecutiveFailures: 3 }, [Failed]);
      await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/namespace`, mirrorId: null, namespace: 'acme' }, [Failed, Succeeded]);
      await addRule({ method: NotificationMethod.Webhook, target: `${receiver.url}/other-mirror`, mirrorId: 'acme/other' }, [Failed]);
      startNotifier();
      await run('succeeded');
      for (let n = 1; n <= 4; n++) await run('failed', { consecutiveFailures: n });
      await run('failed', { mirrorId: 'elsewhere/app', consecutiveFailures: 5 });
      await run('failed', { mirrorId: 'acme/other', consecutiveFailures: 1 });

      // /all: 5 started + 1 succeeded + 4 failed of acme/app; /namespace: every acme success and failure.
      const expected = { '/all': 10, '/failures': 4, '/third': 2, '/namespace': 6, '/other-mirror': 1 };
      await eventually(async () => {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'delivered'`);
        return n === 23 ? true : undefined;
      }, 15_000, 'all deliveries');
      const got = Object.fromEntries(Object.keys(expected).map((p) => [p, receiver.hits.filter((h) => h.path === p).length]));
      assert.deepEqual(got, expected);
      const streaks = receiver.hits.filter((h) => h.path === '/third').map((h) => JSON.parse(h.body).run_id as string);
      const firstRun = runCounter - 6; // the succeeded run; the failed ones follow with streaks 1..4
      assert.deepEqual(streaks.sort(), [`run-${firstRun + 3}`, `run-${firstRun + 4}`].sort(), 'the 3rd and 4th failure in a row');
      assert.equal(receiver.hits.some((h) => JSON.parse(h.body).repository === 'elsewhere/app'), false, 'another namespace is not notified');
    } finally {
      await receiver.close();
    }
  });

  it('delivers a Microsoft Teams rule as one Adaptive Card per event, like any HTTP receiver', async () => {
    const receiver = await startReceiver(() => 202);
    try {
      const teams = await addRule({ method: NotificationMethod.Teams, target: `${receiver.url}/workflows/abc/triggers/manual/paths/invoke` }, [Started, Failed]);
      startNotifier();
      await run('failed');

      const posts = await eventually(() => (receiver.accepted().length >= 2 ? receiver.accepted() : undefined), 15_000, 'two Teams messages');
      const cards = posts.map((p) => JSON.parse(p.body) as { type: string; attachments: Array<{ contentType: string; content: { type: string; body: Array<{ text?: string }> } }> });
      for (const card of cards) {
        assert.equal(card.type, 'message');
        assert.equal(card.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
        assert.equal(card.attachments[0]?.content.type, 'AdaptiveCard');
      }
      assert.deepEqual(cards.map((c) => c.attachments[0]?.content.body[0]?.text).sort(), ['Mirror sync failed: acme/app', 'Mirror sync started: acme/app']);
      await eventually(async () => ((await deliveries(teams)).every((d) => d.status === 'delivered' && d.attempts === 1) ? true : undefined), 10_000, 'both delivered');
      assert.equal((await deliveries(teams)).length, 2);
    } finally {
      await receiver.close();
    }
  });
});
