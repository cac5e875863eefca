import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { sendEmail, type SmtpConfig } from './email.sender';
import { DeliveryErrorCode } from './notification-errors';
import { buildNotificationPayload } from './notification-payload';
import { failedEvent, STARTED_AT, succeededEvent } from './notification.fixtures';

const USER = 'ferry-notifier';
const PASSWORD = 'smtp-pw-1f2e3d-do-not-log';

interface SmtpReceiver {
  port: number;
  messages: Array<{ from: string; to: string[]; user: unknown; secure: boolean; mail: ParsedMail }>;
  close(): Promise<void>;
}

/**
 * A real smtp-server on port 0 with AUTH required. STARTTLS is on with smtp-server's built-in
 * self-signed certificate; recipients at reject.example answer 550, at busy.example 451.
 */
async function startSmtpReceiver(options: { secure?: boolean } = {}): Promise<SmtpReceiver> {
  const messages: SmtpReceiver['messages'] = [];
  const server = new SMTPServer({
    secure: options.secure ?? false,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: [],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@reject.example')) return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
      if (address.address.endsWith('@busy.example')) return callback(Object.assign(new Error('Try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user,
            secure: session.secure,
            mail,
          });
          callback();
        })
        .catch(callback);
    },
  });
  server.on('error', () => {
    /* a client hanging up mid-session is not a test failure */
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const smtpFor = (port: number, overrides: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: '127.0.0.1',
  port,
  secure: false,
  requireTls: true,
  user: USER,
  password: PASSWORD,
  from: '"Ferry" <ferry@example.com>',
  tls: { rejectUnauthorized: false }, // smtp-server's built-in certificate is self-signed
  ...overrides,
});

const payload = buildNotificationPayload({
  event: failedEvent('<b>bad</b> & "creds"'),
  registryHost: 'registry.example.com',
  homepageBaseUrl: 'https://ferry.example.com',
  runStartedAt: STARTED_AT,
});

describe('an email through an SMTP server that requires auth (STARTTLS)', () => {
  let smtp: SmtpReceiver;
  before(async () => {
    smtp = await startSmtpReceiver();
  });
  after(() => smtp.close());

  it('is delivered with a text part, an HTML part and the delivery header', async () => {
    const result = await sendEmail(smtpFor(smtp.port), { to: ['ops@example.com', 'oncall@example.com'] }, payload, {
      deliveryId: 'dlv-mail-1',
    });
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(result.statusCode, 250);

    const received = smtp.messages.at(-1)!;
    assert.equal(received.user, USER);
    assert.equal(received.secure, true, 'the session was upgraded with STARTTLS');
    assert.equal(received.from, 'ferry@example.com');
    assert.deepEqual(received.to, ['ops@example.com', 'oncall@example.com']);
    const { mail } = received;
    assert.equal(mail.subject, 'Mirror sync failed: acme/app');
    assert.equal(mail.headers.get('x-ferry-delivery'), 'dlv-mail-1');
    assert.equal(mail.headers.get('x-ferry-event'), 'repo_mirror_sync_failed');
    assert.match(mail.text ?? '', /Error: UNAUTHORIZED: <b>bad<\/b> & "creds"/);
    assert.match(mail.text ?? '', /https:\/\/ferry\.example\.com\/repository\/acme\/app\/mirror\/runs\/run-42/);
    const html = typeof mail.html === 'string' ? mail.html : '';
    assert.match(html, /UNAUTHORIZED: &lt;b&gt;bad&lt;\/b&gt; &amp; &quot;creds&quot;/);
    assert.doesNotMatch(html, /<b>bad/);
    assert.match(html, /<a href="https:\/\/ferry\.example\.com\/repository\/acme\/app\/mirror\/runs\/run-42">/);
  });

  it('with a wrong password is a permanent SMTP_AUTH_FAILED that never shows the password', async () => {
    const wrong = `${PASSWORD}-wrong`;
    const result = await sendEmail(smtpFor(smtp.port, { password: wrong }), { to: 'ops@example.com' }, payload, { deliveryId: 'dlv-mail-2' });
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, DeliveryErrorCode.SmtpAuthFailed);
    assert.equal(result.error?.retryable, false);
    assert.equal(result.statusCode, 535);
    const dump = inspect(result, { depth: 10 }) + JSON.stringify(result);
    assert.ok(!dump.includes(wrong) && !dump.includes(PASSWORD), 'the password leaked into the result');
    assert.ok(!dump.includes(Buffer.from(`\u0000${USER}\u0000${wrong}`).toString('base64')), 'the AUTH PLAIN token leaked');
  });

  it('to a recipient the server refuses with 550 is permanent', async () => {
    const result = await sendEmail(smtpFor(smtp.port), { to: 'nobody@reject.example' }, payload, { deliveryId: 'dlv-mail-3' });
    assert.equal(result.error?.code, DeliveryErrorCode.SmtpRejected);
    assert.equal(result.error?.retryable, false);
    assert.equal(result.statusCode, 550);
  });

  it('to a recipient the server defers with 451 is transient', async () => {
    const result = await sendEmail(smtpFor(smtp.port), { to: 'someone@busy.example' }, payload, { deliveryId: 'dlv-mail-4' });
    assert.equal(result.error?.code, DeliveryErrorCode.SmtpUnavailable);
    assert.equal(result.error?.retryable, true);
    assert.equal(result.statusCode, 451);
  });
});

describe('an email through an implicit-TLS SMTP server', () => {
  let smtp: SmtpReceiver;
  before(async () => {
    smtp = await startSmtpReceiver({ secure: true });
  });
  after(() => smtp.close());

  it('is delivered over TLS from the first byte', async () => {
    const succeeded = buildNotificationPayload({
      event: succeededEvent(),
      registryHost: 'registry.example.com',
      homepageBaseUrl: 'https://ferry.example.com',
      runStartedAt: STARTED_AT,
    });
    const result = await sendEmail(smtpFor(smtp.port, { secure: true, requireTls: false }), { to: 'ops@example.com' }, succeeded, {
      deliveryId: 'dlv-mail-5',
    });
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(smtp.messages.at(-1)!.secure, true);
    assert.equal(smtp.messages.at(-1)!.mail.subject, 'Mirror sync succeeded: acme/app');
  });
});

describe('an email when no SMTP server listens', () => {
  it('is a transient SMTP_UNAVAILABLE', async () => {
    const smtp = await startSmtpReceiver();
    const port = smtp.port;
    await smtp.close();
    const result = await sendEmail(smtpFor(port), { to: 'ops@example.com' }, payload, { deliveryId: 'dlv-mail-6', timeoutMs: 2000 });
    assert.equal(result.error?.code, DeliveryErrorCode.SmtpUnavailable);
    assert.equal(result.error?.retryable, true);
    assert.doesNotMatch(result.error!.message, new RegExp(PASSWORD));
  });
});
