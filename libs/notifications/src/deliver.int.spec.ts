import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { deliver } from './deliver';
import { deliveryId } from './delivery.policy';
import { createReceiverAgent } from './http-post';
import { DeliveryErrorCode } from './notification-errors';
import { buildNotificationPayload } from './notification-payload';
import { STARTED_AT, startHttpReceiver, succeededEvent, type HttpReceiver } from './notification.fixtures';
import { verifyWebhookSignature } from './webhook-signature';

const event = succeededEvent();
const payload = buildNotificationPayload({
  event,
  registryHost: 'registry.example.com',
  homepageBaseUrl: 'https://ferry.example.com',
  runStartedAt: STARTED_AT,
});
const id = deliveryId(event.id, 'rule-1');

describe('deliver() over the three methods', () => {
  let http: HttpReceiver;
  let smtp: SMTPServer;
  let smtpPort = 0;
  let mails = 0;
  before(async () => {
    http = await startHttpReceiver();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          mails++;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  after(async () => {
    await http.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends a signed webhook to an allowlisted receiver', async () => {
    const result = await deliver('webhook', { url: `${http.url}/hook`, secret: 'k' }, payload, { deliveryId: id, allowedHosts: ['127.0.0.1'] });
    assert.equal(result.ok, true, result.error?.message);
    const req = http.requests.at(-1)!;
    assert.equal(req.headers['x-ferry-delivery'], id);
    assert.ok(verifyWebhookSignature(req.body, 'k', req.headers['x-ferry-signature'] as string));
  });

  it('sends Slack Block Kit to an allowlisted receiver', async () => {
    const result = await deliver('slack', { url: `${http.url}/services/x` }, payload, { deliveryId: id, allowedHosts: ['127.0.0.1'] });
    assert.equal(result.ok, true, result.error?.message);
    const body = JSON.parse(http.requests.at(-1)!.body.toString('utf8')) as { blocks: unknown[]; text: string };
    assert.ok(Array.isArray(body.blocks) && body.blocks.length > 0);
    assert.equal(body.text, 'Mirror sync succeeded: acme/app');
  });

  it('sends an email through the configured SMTP server', async () => {
    const before = mails;
    const result = await deliver('email', { to: 'ops@example.com' }, payload, {
      deliveryId: id,
      smtp: { host: '127.0.0.1', port: smtpPort, secure: false, from: 'ferry@example.com' },
    });
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(mails, before + 1);
  });

  it('refuses a loopback receiver that is not allowlisted, without contacting it', async () => {
    const before = http.requests.length;
    for (const method of ['webhook', 'slack'] as const) {
      const result = await deliver(method, { url: `${http.url}/hook` }, payload, { deliveryId: id });
      assert.equal(result.ok, false);
      assert.equal(result.error?.code, DeliveryErrorCode.ReceiverNotAllowed);
      assert.equal(result.error?.retryable, false);
    }
    assert.equal(http.requests.length, before);
  });

  it('reports email without SMTP settings as a permanent configuration error', async () => {
    const result = await deliver('email', { to: 'ops@example.com' }, payload, { deliveryId: id });
    assert.equal(result.error?.code, DeliveryErrorCode.NotConfigured);
    assert.equal(result.error?.retryable, false);
  });
});

describe('the receiver agent', () => {
  let http: HttpReceiver;
  before(async () => {
    http = await startHttpReceiver();
  });
  after(() => http.close());

  it('refuses at connect time a name that resolves to loopback (DNS rebinding after the check)', async () => {
    const port = new URL(http.url).port;
    const agent = createReceiverAgent([]);
    try {
      // The up-front check is told `localhost` is public, as a rebinding resolver would; the
      // agent's own lookup still sees 127.0.0.1 / ::1 and refuses the connection.
      const result = await deliver('webhook', { url: `http://localhost:${port}/hook` }, payload, {
        deliveryId: id,
        dispatcher: agent,
        resolve: async () => [{ address: '93.184.216.34' }],
      });
      assert.equal(result.ok, false);
      assert.equal(result.error?.code, DeliveryErrorCode.ReceiverNotAllowed);
      assert.equal(http.requests.length, 0);
    } finally {
      await agent.close();
    }
  });

  it('connects to a name whose address is allowlisted', async () => {
    const port = new URL(http.url).port;
    const agent = createReceiverAgent(['127.0.0.1', '::1']);
    try {
      const result = await deliver('webhook', { url: `http://localhost:${port}/hook` }, payload, {
        deliveryId: id,
        dispatcher: agent,
        allowedHosts: ['127.0.0.1', '::1'],
      });
      assert.equal(result.ok, true, result.error?.message);
    } finally {
      await agent.close();
    }
  });
});
