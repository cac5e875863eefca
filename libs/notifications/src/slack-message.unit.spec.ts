import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNotificationPayload } from './notification-payload';
import { failedEvent, STARTED_AT, startedEvent, succeededEvent } from './notification.fixtures';
import { blockKitProblems } from './slack-block-kit.fixtures';
import { buildSlackMessage, escapeSlackText } from './slack-message';

const BASE = { registryHost: 'registry.example.com', homepageBaseUrl: 'https://ferry.example.com', runStartedAt: STARTED_AT };
const allText = (m: unknown) => JSON.stringify(m);

describe('the Slack message of each event', () => {
  for (const event of [startedEvent(), succeededEvent(), failedEvent()]) {
    it(`is valid Block Kit for ${event.type}`, () => {
      assert.deepEqual(blockKitProblems(buildSlackMessage(buildNotificationPayload({ ...BASE, event }))), []);
    });
  }
});

describe('the Slack message of a succeeded run', () => {
  const message = buildSlackMessage(buildNotificationPayload({ ...BASE, event: succeededEvent() }));

  it('opens with a header naming outcome and repository', () => {
    assert.deepEqual(message.blocks[0], { type: 'header', text: { type: 'plain_text', text: 'Mirror sync succeeded: acme/app', emoji: false } });
    assert.equal(message.text, 'Mirror sync succeeded: acme/app');
  });
  it('lists repository, outcome, counts, size and duration as fields', () => {
    const section = message.blocks[1];
    assert.equal(section?.type, 'section');
    const fields = (section as { fields: Array<{ text: string }> }).fields.map((f) => f.text);
    assert.deepEqual(fields, [
      '*Repository*\n<https://ferry.example.com/repository/acme/app|acme/app>',
      '*Outcome*\nsucceeded',
      '*Tags copied*\n2',
      '*Tags unchanged*\n1',
      '*Tags deleted*\n1',
      '*Tags failed*\n0',
      '*Transferred*\n5.0 MiB',
      '*Duration*\n1m 5s',
    ]);
  });
  it('links the run', () => {
    assert.match(allText(message.blocks.at(-1)), /<https:\/\/ferry\.example\.com\/repository\/acme\/app\/mirror\/runs\/run-42\|View run run-42>/);
  });
  it('has no error block', () => {
    assert.doesNotMatch(allText(message), /\*Error\*/);
  });
});

describe('the Slack message of a failed run', () => {
  const message = buildSlackMessage(buildNotificationPayload({ ...BASE, event: failedEvent('denied <@U123> & `rm`') }));

  it('carries the error code and an escaped message', () => {
    const errorBlock = message.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('*Error*'));
    assert.ok(errorBlock && errorBlock.type === 'section');
    assert.equal(errorBlock.text?.text, "*Error* `UNAUTHORIZED`\n```denied &lt;@U123&gt; &amp; 'rm'```");
  });
  it('names the error code in the fallback text', () => {
    assert.equal(message.text, 'Mirror sync failed: acme/app: UNAUTHORIZED');
  });
  it('truncates a huge error message to fit a section', () => {
    const huge = buildSlackMessage(buildNotificationPayload({ ...BASE, event: failedEvent('x'.repeat(10_000)) }));
    assert.deepEqual(blockKitProblems(huge), []);
  });
});

describe('mrkdwn escaping', () => {
  it('escapes the three control characters and nothing else', () => {
    assert.equal(escapeSlackText('a<b>&c *d*'), 'a&lt;b&gt;&amp;c *d*');
  });
  it('keeps a repository name from forming a link or a mention', () => {
    const payload = buildNotificationPayload({ ...BASE, event: startedEvent({ mirrorId: 'acme/<!channel>' }) });
    const message = buildSlackMessage(payload);
    // Only mrkdwn is parsed for links and mentions; the header is plain_text and shown as is.
    const mrkdwn = [message.text, ...JSON.stringify(message.blocks.filter((b) => b.type !== 'header')).split('"text":')];
    for (const text of mrkdwn) assert.doesNotMatch(text, /<!channel>/);
  });
});
