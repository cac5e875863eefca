import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryErrorCode } from './notification-errors';
import { buildNotificationPayload } from './notification-payload';
import { failedEvent, STARTED_AT, startedEvent, startHttpReceiver, succeededEvent, type HttpReceiver } from './notification.fixtures';
import { blockKitProblems } from './slack-block-kit.fixtures';
import { sendSlack } from './slack.sender';

const BASE = { registryHost: 'registry.example.com', homepageBaseUrl: 'https://ferry.example.com', runStartedAt: STARTED_AT };

/**
 * Answers like Slack's incoming webhook: 200 `ok` for a valid message, 400 `invalid_blocks`
 * otherwise, and 404 `no_service` for an unknown hook path.
 */
async function startSlackLikeReceiver(): Promise<HttpReceiver> {
  return startHttpReceiver((req, res) => {
    if (req.url !== '/services/T000/B000/XXXXSECRET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(req.body.toString('utf8'));
    } catch {
      res.writeHead(400).end('invalid_payload');
      return;
    }
    const problems = req.headers['content-type'] === 'application/json' ? blockKitProblems(message) : ['content-type'];
    if (problems.length > 0) res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_blocks');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
}

describe('a Slack incoming webhook', () => {
  let slack: HttpReceiver;
  before(async () => {
    slack = await startSlackLikeReceiver();
  });
  after(() => slack.close());

  for (const event of [startedEvent(), succeededEvent(), failedEvent()]) {
    it(`accepts the Block Kit message of ${event.type}`, async () => {
      const result = await sendSlack({ url: `${slack.url}/services/T000/B000/XXXXSECRET` }, buildNotificationPayload({ ...BASE, event }));
      assert.equal(result.ok, true, result.error?.message);
      assert.equal(result.statusCode, 200);
    });
  }

  it('receives repository, outcome, counts, duration, error and the run link', async () => {
    await sendSlack({ url: `${slack.url}/services/T000/B000/XXXXSECRET` }, buildNotificationPayload({ ...BASE, event: failedEvent('manifest unknown') }));
    const message = JSON.parse(slack.requests.at(-1)!.body.toString('utf8')) as { text: string; blocks: Array<Record<string, unknown>> };
    assert.deepEqual(message.blocks.map((b) => b.type), ['header', 'section', 'section', 'context']);
    const body = JSON.stringify(message);
    for (const expected of ['*Repository*', 'acme/app', '*Outcome*\\nfailed', '*Tags copied*\\n1', '*Tags failed*\\n1', '*Duration*\\n30s', 'UNAUTHORIZED', 'manifest unknown']) {
      assert.ok(body.includes(expected), `missing ${expected}`);
    }
    assert.ok(body.includes('<https://ferry.example.com/repository/acme/app/mirror/runs/run-42|View run run-42>'));
    assert.equal(message.text, 'Mirror sync failed: acme/app: UNAUTHORIZED');
  });

  it('reports a revoked hook as permanent, with Slack\'s reason but not the hook URL', async () => {
    const result = await sendSlack({ url: `${slack.url}/services/T000/B000/REVOKED` }, buildNotificationPayload({ ...BASE, event: succeededEvent() }));
    assert.equal(result.statusCode, 404);
    assert.equal(result.error?.code, DeliveryErrorCode.ReceiverRejected);
    assert.equal(result.error?.retryable, false);
    assert.match(result.error!.message, /no_service/);
    assert.doesNotMatch(result.error!.message, /REVOKED|services/);
  });
});

describe('the Block Kit checker', () => {
  it('can fail: it rejects a message without blocks, an unknown block and too many fields', () => {
    assert.notDeepEqual(blockKitProblems({ text: 'x' }), []);
    assert.notDeepEqual(blockKitProblems({ text: 'x', blocks: [{ type: 'banner' }] }), []);
    const fields = Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' }));
    assert.notDeepEqual(blockKitProblems({ text: 'x', blocks: [{ type: 'section', fields }] }), []);
    assert.notDeepEqual(blockKitProblems({ text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] }), []);
  });
});
