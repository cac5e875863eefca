import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildEmailMessage, escapeHtml } from './email-message';
import { buildNotificationPayload } from './notification-payload';
import { failedEvent, STARTED_AT, succeededEvent } from './notification.fixtures';

const BASE = { registryHost: 'registry.example.com', homepageBaseUrl: 'https://ferry.example.com', runStartedAt: STARTED_AT };

describe('the email of a succeeded run', () => {
  const mail = buildEmailMessage(buildNotificationPayload({ ...BASE, event: succeededEvent() }));

  it('has a subject naming outcome and repository', () => {
    assert.equal(mail.subject, 'Mirror sync succeeded: acme/app');
  });
  it('has the counts and the run link in both parts', () => {
    for (const body of [mail.text, mail.html]) {
      assert.match(body, /Tags copied/);
      assert.match(body, /https:\/\/ferry\.example\.com\/repository\/acme\/app\/mirror\/runs\/run-42/);
    }
  });
});

describe('the email of a failed run with hostile text', () => {
  const mail = buildEmailMessage(
    buildNotificationPayload({ ...BASE, event: failedEvent('<script>alert("x")</script> & <img src=x onerror=y>') }),
  );

  it('escapes every user-controlled value in the HTML part', () => {
    assert.doesNotMatch(mail.html, /<script>|<img/);
    assert.match(mail.html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &lt;img src=x onerror=y&gt;/);
  });
  it('keeps the text part verbatim', () => {
    assert.match(mail.text, /Error: UNAUTHORIZED: <script>alert\("x"\)<\/script>/);
  });
});

describe('subjects', () => {
  it('cannot carry a line break into the headers', () => {
    const payload = buildNotificationPayload({ ...BASE, event: succeededEvent() });
    const mail = buildEmailMessage({ ...payload, repository: 'acme/app\r\nBcc: victim@example.com' });
    assert.doesNotMatch(mail.subject, /[\r\n]/);
  });
});

describe('HTML escaping', () => {
  it('escapes & < > " and \'', () => {
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });
});
