import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { DeliveryErrorCode } from './notification-errors';
import { buildNotificationPayload } from './notification-payload';
import { failedEvent, STARTED_AT, startHttpReceiver, succeededEvent, type HttpReceiver } from './notification.fixtures';
import { verifyWebhookSignature } from './webhook-signature';
import { sendWebhook } from './webhook.sender';

const SECRET = 'whsec-7f3a9c1e-do-not-log';
const payload = buildNotificationPayload({
  event: succeededEvent(),
  registryHost: 'registry.example.com',
  homepageBaseUrl: 'https://ferry.example.com',
  runStartedAt: STARTED_AT,
});

describe('a webhook to a receiver that accepts', () => {
  let receiver: HttpReceiver;
  before(async () => {
    receiver = await startHttpReceiver((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
  });
  after(() => receiver.close());

  it('is delivered, signed over the exact body, with delivery and event headers', async () => {
    const result = await sendWebhook({ url: `${receiver.url}/hooks/ferry?team=a`, secret: SECRET }, payload, {
      deliveryId: 'dlv-1',
    });
    assert.equal(result.ok, true);
    assert.equal(result.statusCode, 204);
    assert.equal(result.error, undefined);

    const req = receiver.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hooks/ferry?team=a');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-ferry-delivery'], 'dlv-1');
    assert.equal(req.headers['x-ferry-event'], 'repo_mirror_sync_success');
    assert.equal(verifyWebhookSignature(req.body, SECRET, req.headers['x-ferry-signature'] as string), true);
    assert.equal(verifyWebhookSignature(req.body, 'wrong-secret', req.headers['x-ferry-signature'] as string), false);
    assert.deepEqual(JSON.parse(req.body.toString('utf8')), payload);
  });

  it('carries no signature header when the rule has no secret', async () => {
    const result = await sendWebhook({ url: receiver.url }, payload, { deliveryId: 'dlv-2' });
    assert.equal(result.ok, true);
    assert.equal(receiver.requests.at(-1)!.headers['x-ferry-signature'], undefined);
  });

  it('never puts the secret in the request besides the signature', async () => {
    await sendWebhook({ url: receiver.url, secret: SECRET }, payload, { deliveryId: 'dlv-3' });
    const req = receiver.requests.at(-1)!;
    assert.doesNotMatch(JSON.stringify(req.headers) + req.body.toString('utf8'), new RegExp(SECRET));
  });
});

describe('a webhook to a receiver that fails', () => {
  let receiver: HttpReceiver;
  let status = 500;
  let extraHeaders: Record<string, string> = {};
  before(async () => {
    receiver = await startHttpReceiver((_req, res) => {
      res.writeHead(status, extraHeaders);
      res.end('receiver says no');
    });
  });
  after(() => receiver.close());

  it('500 is transient', async () => {
    status = 500;
    const failed = await sendWebhook({ url: receiver.url, secret: SECRET }, buildNotificationPayload({
      event: failedEvent(),
      registryHost: 'r',
      homepageBaseUrl: 'https://f',
    }), { deliveryId: 'dlv-500' });
    assert.equal(failed.ok, false);
    assert.equal(failed.statusCode, 500);
    assert.equal(failed.error?.code, DeliveryErrorCode.ReceiverUnavailable);
    assert.equal(failed.error?.retryable, true);
    assert.match(failed.error!.message, /answered 500: receiver says no/);
  });

  it('400 is permanent', async () => {
    status = 400;
    const result = await sendWebhook({ url: receiver.url }, payload, { deliveryId: 'dlv-400' });
    assert.equal(result.statusCode, 400);
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverRejected);
    assert.equal(result.error?.retryable, false);
  });

  it('408 and 429 are transient, and 429 passes Retry-After on', async () => {
    status = 408;
    assert.equal((await sendWebhook({ url: receiver.url }, payload, { deliveryId: 'dlv-408' })).error?.retryable, true);
    status = 429;
    extraHeaders = { 'retry-after': '7' };
    const limited = await sendWebhook({ url: receiver.url }, payload, { deliveryId: 'dlv-429' });
    extraHeaders = {};
    assert.equal(limited.error?.retryable, true);
    assert.equal(limited.retryAfterMs, 7000);
  });

  it('a redirect is not followed', async () => {
    status = 302;
    extraHeaders = { location: 'http://169.254.169.254/' };
    const before = receiver.requests.length;
    const result = await sendWebhook({ url: receiver.url }, payload, { deliveryId: 'dlv-302' });
    extraHeaders = {};
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, 302);
    assert.equal(receiver.requests.length, before + 1);
  });

  it('no error message or error object holds the secret or the URL path', async () => {
    status = 500;
    const result = await sendWebhook({ url: `${receiver.url}/secret-path-token`, secret: SECRET }, payload, { deliveryId: 'dlv-x' });
    const dump = inspect(result, { depth: 8 });
    assert.doesNotMatch(dump, new RegExp(SECRET));
    assert.doesNotMatch(result.error!.message, /secret-path-token/);
  });
});

describe('a webhook to a receiver that hangs', () => {
  let receiver: HttpReceiver;
  before(async () => {
    receiver = await startHttpReceiver(() => {
      /* never answers */
    });
  });
  after(() => receiver.close());

  it('times out as a transient failure, on time', async () => {
    const started = Date.now();
    const result = await sendWebhook({ url: receiver.url }, payload, { deliveryId: 'dlv-hang', timeoutMs: 300 });
    const elapsed = Date.now() - started;
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverTimeout);
    assert.equal(result.error?.retryable, true);
    assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed} ms`);
  });

  it('is abandoned when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await sendWebhook({ url: receiver.url }, payload, { deliveryId: 'dlv-abort', timeoutMs: 10_000, signal: controller.signal });
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverTimeout);
    assert.match(result.error!.message, /cancelled/);
  });
});

describe('a webhook to nobody', () => {
  it('is a transient RECEIVER_UNREACHABLE when the connection is refused', async () => {
    const receiver = await startHttpReceiver();
    const url = receiver.url;
    await receiver.close();
    const result = await sendWebhook({ url }, payload, { deliveryId: 'dlv-refused', timeoutMs: 2000 });
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverUnreachable);
    assert.equal(result.error?.retryable, true);
    assert.match(result.error!.message, /ECONNREFUSED/);
  });

  it('is a permanent RECEIVER_URL_INVALID for a malformed URL', async () => {
    const result = await sendWebhook({ url: 'not a url' }, payload, { deliveryId: 'dlv-bad' });
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverUrlInvalid);
    assert.equal(result.error?.retryable, false);
  });
});
