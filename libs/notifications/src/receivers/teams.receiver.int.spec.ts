import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deliverToReceiver } from '../deliver';
import { deliveryId } from '../delivery.policy';
import { DeliveryErrorCode } from '../notification-errors';
import { buildNotificationPayload } from '../notification-payload';
import { failedEvent, STARTED_AT, startHttpReceiver, succeededEvent, type HttpReceiver } from '../notification.fixtures';
import type { TeamsMessage } from './teams.receiver';

const BASE = { registryHost: 'registry.example.com', homepageBaseUrl: 'https://ferry.example.com', runStartedAt: STARTED_AT };
const HOOK = '/workflows/0123abcd/triggers/manual/paths/invoke';

/**
 * Answers like a Teams Workflows webhook: 202 for a message with one Adaptive Card attachment,
 * 400 for anything else, and 404 for an unknown path.
 */
async function startTeamsLikeReceiver(): Promise<HttpReceiver> {
  return startHttpReceiver((req, res) => {
    if (req.url !== HOOK) return void res.writeHead(404).end('not found');
    let message: Partial<TeamsMessage>;
    try {
      message = JSON.parse(req.body.toString('utf8')) as Partial<TeamsMessage>;
    } catch {
      return void res.writeHead(400).end('{"error":{"code":"InvalidRequestContent"}}');
    }
    const card = message.attachments?.[0];
    const valid =
      req.headers['content-type'] === 'application/json' &&
      message.type === 'message' &&
      message.attachments?.length === 1 &&
      card?.contentType === 'application/vnd.microsoft.card.adaptive' &&
      card.content.type === 'AdaptiveCard' &&
      Array.isArray(card.content.body);
    res.writeHead(valid ? 202 : 400).end(valid ? '' : '{"error":{"code":"InvalidRequestContent"}}');
  });
}

describe('a Microsoft Teams webhook', () => {
  let teams: HttpReceiver;
  before(async () => {
    teams = await startTeamsLikeReceiver();
  });
  after(() => teams.close());

  const rule = () => ({ method: 'msteams' as const, target: `${teams.url}${HOOK}`, secret: null });

  for (const event of [succeededEvent(), failedEvent('manifest unknown')]) {
    it(`accepts the Adaptive Card of ${event.type}`, async () => {
      const result = await deliverToReceiver(rule(), buildNotificationPayload({ ...BASE, event }), { deliveryId: deliveryId(event.id, 'rule-1'), allowedHosts: ['127.0.0.1'] });
      assert.equal(result.ok, true, result.error?.message);
      assert.equal(result.statusCode, 202);
      const body = teams.requests.at(-1)!.body.toString('utf8');
      assert.ok(body.includes('acme/app'));
      if (event.type === 'MirrorFailed') assert.ok(body.includes('UNAUTHORIZED: manifest unknown'));
    });
  }

  it('refuses a loopback URL that is not allowlisted, without contacting it', async () => {
    const before = teams.requests.length;
    const result = await deliverToReceiver(rule(), buildNotificationPayload({ ...BASE, event: succeededEvent() }), { deliveryId: 'd-1' });
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverNotAllowed);
    assert.equal(result.error?.retryable, false);
    assert.equal(teams.requests.length, before);
  });

  it('reports a removed workflow (404) as permanent, naming only the host', async () => {
    const result = await deliverToReceiver({ ...rule(), target: `${teams.url}/workflows/gone-SECRET` }, buildNotificationPayload({ ...BASE, event: succeededEvent() }), {
      deliveryId: 'd-2',
      allowedHosts: ['127.0.0.1'],
    });
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverRejected);
    assert.equal(result.error?.retryable, false);
    assert.ok(!result.error?.message.includes('SECRET'), 'the URL path is a bearer secret');
  });
});
