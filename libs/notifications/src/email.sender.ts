import { createTransport } from 'nodemailer';
import type { DeliveryResult } from './delivery-result';
import { buildEmailMessage } from './email-message';
import { DEFAULT_DELIVERY_TIMEOUT_MS } from './http-post';
import { DeliveryErrorCode, NotificationDeliveryError } from './notification-errors';
import type { NotificationPayload } from './notification-payload';

/** SMTP settings, from the service's config. */
export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465). When false, STARTTLS is used if offered. */
  secure: boolean;
  /** With `secure: false`: refuse to send unless the server upgrades with STARTTLS. */
  requireTls?: boolean;
  user?: string | null;
  /** Never logged and never part of an error message. */
  password?: string | null;
  /** `From:` address, e.g. `"Ferry" <ferry@example.com>`. */
  from: string;
  /** TLS options: trust a private CA, or (tests only) skip verification. */
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer };
}

/** Who gets the email. */
export interface EmailTarget {
  to: string | readonly string[];
}

/** Per-attempt options of the email sender. */
export interface EmailSendOptions {
  /** Sent as the `X-Ferry-Delivery` header, so a receiving system can dedupe. */
  deliveryId: string;
  /** Connection, greeting and socket inactivity timeout. */
  timeoutMs?: number;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
}

function redact(text: string, secret: string | null | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

function classify(err: unknown, smtp: SmtpConfig, timeoutMs: number): NotificationDeliveryError {
  const { code, responseCode } = (err ?? {}) as SmtpError;
  const at = `SMTP server ${smtp.host}:${smtp.port}`;
  const reply = responseCode ? ` (${responseCode})` : '';
  // nodemailer's own error objects may carry the server's reply text and the failed command;
  // they do not carry the password, but the message we build does not forward them anyway.
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return new NotificationDeliveryError(DeliveryErrorCode.SmtpAuthFailed, `${at} refused the login${reply}`, {
      retryable: false,
      statusCode: responseCode ?? null,
      cause: err,
    });
  }
  // RFC 5321: 5yz is permanent, except 503 (bad sequence), which a new session can get past.
  // EENVELOPE without a reply is nodemailer refusing the addresses before sending anything.
  if ((responseCode && responseCode >= 500 && responseCode !== 503) || (code === 'EENVELOPE' && !responseCode)) {
    return new NotificationDeliveryError(DeliveryErrorCode.SmtpRejected, `${at} rejected the message${reply}`, {
      retryable: false,
      statusCode: responseCode,
      cause: err,
    });
  }
  const why = code === 'ETIMEDOUT' ? `did not answer within ${timeoutMs} ms` : `is unavailable: ${code ?? 'error'}${reply}`;
  return new NotificationDeliveryError(DeliveryErrorCode.SmtpUnavailable, redact(`${at} ${why}`, smtp.password), {
    retryable: true,
    statusCode: responseCode ?? null,
    cause: err,
  });
}

/**
 * Sends the notification email over SMTP (nodemailer), with a text and an HTML part. One
 * connection per send: notifications are rare, and a pool would outlive a config change.
 * 250 is delivered; SMTP 5xx and a refused login are permanent; 4xx and connection trouble
 * are transient.
 */
export async function sendEmail(
  smtp: SmtpConfig,
  target: EmailTarget,
  payload: NotificationPayload,
  options: EmailSendOptions,
): Promise<DeliveryResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls ?? false,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    ...(smtp.tls ? { tls: smtp.tls } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
  const message = buildEmailMessage(payload);
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: typeof target.to === 'string' ? target.to : [...target.to],
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: { 'X-Ferry-Delivery': options.deliveryId, 'X-Ferry-Event': payload.event },
    });
    const code = Number.parseInt(String(info.response ?? ''), 10);
    return { ok: true, statusCode: Number.isNaN(code) ? 250 : code, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const error = classify(err, smtp, timeoutMs);
    return { ok: false, statusCode: error.statusCode, error, durationMs: Math.round(performance.now() - started) };
  } finally {
    transport.close();
  }
}
