import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNotificationPayload } from '../notification-payload';
import { failedEvent, STARTED_AT, startedEvent, succeededEvent } from '../notification.fixtures';
import { buildTeamsMessage, teamsReceiver } from './teams.receiver';

const BASE = { registryHost: 'registry.example.com', homepageBaseUrl: 'https://ferry.example.com', runStartedAt: STARTED_AT };
const cardOf = (event: Parameters<typeof buildNotificationPayload>[0]['event']) => buildTeamsMessage(buildNotificationPayload({ ...BASE, event })).attachments[0]!.content;

describe('the Teams message of each event', () => {
  for (const event of [startedEvent(), succeededEvent(), failedEvent()]) {
    it(`is one Adaptive Card 1.4 attachment for ${event.type}`, () => {
      const message = buildTeamsMessage(buildNotificationPayload({ ...BASE, event }));
      assert.equal(message.type, 'message');
      assert.equal(message.attachments.length, 1);
      assert.equal(message.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.equal(message.attachments[0]!.content.type, 'AdaptiveCard');
      assert.equal(message.attachments[0]!.content.version, '1.4');
      assert.deepEqual(message.attachments[0]!.content.body.map((e) => e.type), ['TextBlock', 'TextBlock', 'FactSet']);
    });
  }
});

describe('the Teams card of a run', () => {
  it('titles a success in green and lists repository, outcome, run, counts, size and duration', () => {
    const card = cardOf(succeededEvent());
    assert.deepEqual(card.body[0], { type: 'TextBlock', text: 'Mirror sync succeeded: acme/app', wrap: true, size: 'Medium', weight: 'Bolder', color: 'Good' });
    assert.deepEqual(card.body[2], {
      type: 'FactSet',
      facts: [
        { title: 'Repository', value: 'acme/app' },
        { title: 'Outcome', value: 'succeeded' },
        { title: 'Run', value: 'run-42' },
        { title: 'Tags copied', value: '2' },
        { title: 'Tags unchanged', value: '1' },
        { title: 'Tags deleted', value: '1' },
        { title: 'Tags failed', value: '0' },
        { title: 'Transferred', value: '5.0 MiB' },
        { title: 'Duration', value: '1m 5s' },
      ],
    });
  });

  it('titles a failure in red and names its error', () => {
    const card = cardOf(failedEvent('manifest unknown'));
    assert.equal(card.body[0]?.type === 'TextBlock' && card.body[0].color, 'Attention');
    const facts = card.body[2]?.type === 'FactSet' ? card.body[2].facts : [];
    assert.deepEqual(facts.at(-1), { title: 'Error', value: 'UNAUTHORIZED: manifest unknown' });
  });

  it('titles a start without a colour and links to the run', () => {
    const card = cardOf(startedEvent());
    assert.equal('color' in card.body[0]!, false);
    assert.deepEqual(card.actions, [{ type: 'Action.OpenUrl', title: 'View the run', url: 'https://ferry.example.com/repository/acme/app/mirror/runs/run-42' }]);
  });
});

describe('a Teams rule', () => {
  it('reads Quay\'s { url } config as its target, without a secret', () => {
    assert.deepEqual(teamsReceiver.configSchema.parse({ url: 'https://example.webhook.office.com/webhookb2/x' }), { target: 'https://example.webhook.office.com/webhookb2/x', secret: null });
    assert.equal(teamsReceiver.configSchema.safeParse({ url: 'https://example.webhook.office.com/x', secret: '0123456789abcdef' }).success, false);
    assert.equal(teamsReceiver.configSchema.safeParse({ url: 'ftp://example.com/x' }).success, false);
  });

  it('shows its URL and no secret, and is held to the address guard', () => {
    assert.deepEqual(teamsReceiver.view({ target: 'https://example.webhook.office.com/x', secret: null }), { url: 'https://example.webhook.office.com/x', has_secret: false });
    assert.equal(teamsReceiver.guardsAddress, true);
  });
});
