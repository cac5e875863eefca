/**
 * Stable codes of every delivery failure. A receiver's answer is classified once, here, so the
 * notifier decides retry or dead from `retryable` alone.
 */
export const DeliveryErrorCode = {
  /** The receiver answered 4xx (other than 408/429): sending the same thing again will not help. */
  ReceiverRejected: 'RECEIVER_REJECTED',
  /** The receiver answered 5xx, 408, 429 or an unexpected 1xx/3xx. */
  ReceiverUnavailable: 'RECEIVER_UNAVAILABLE',
  /** No answer within the timeout. */
  ReceiverTimeout: 'RECEIVER_TIMEOUT',
  /** Connection refused or reset, DNS failure, TLS failure. */
  ReceiverUnreachable: 'RECEIVER_UNREACHABLE',
  /** The receiver is on a loopback, private, link-local or unspecified address and not allowlisted. */
  ReceiverNotAllowed: 'RECEIVER_NOT_ALLOWED',
  /** The receiver URL is not an absolute http(s) URL, or carries credentials. */
  ReceiverUrlInvalid: 'RECEIVER_URL_INVALID',
  /** The SMTP server refused the login. */
  SmtpAuthFailed: 'SMTP_AUTH_FAILED',
  /** The SMTP server answered 5xx to the envelope or the message. */
  SmtpRejected: 'SMTP_REJECTED',
  /** The SMTP server answered 4xx, or the connection broke. */
  SmtpUnavailable: 'SMTP_UNAVAILABLE',
  /** The delivery method needs configuration that was not given (e.g. email without SMTP settings). */
  NotConfigured: 'DELIVERY_NOT_CONFIGURED',
} as const;
export type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

/**
 * Why one delivery attempt failed. Messages name the receiver by host only: webhook paths and
 * Slack URLs are bearer secrets, as are HMAC secrets and SMTP passwords, and none of them may
 * reach a log.
 */
export class NotificationDeliveryError extends Error {
  override readonly name: string = 'NotificationDeliveryError';
  readonly code: DeliveryErrorCode;
  /** True when the same delivery may succeed later (network trouble, 5xx, 408, 429, SMTP 4xx). */
  readonly retryable: boolean;
  /** HTTP status or SMTP reply code, when the receiver answered. */
  readonly statusCode: number | null;

  constructor(
    code: DeliveryErrorCode,
    message: string,
    options: { retryable: boolean; statusCode?: number | null; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
    this.statusCode = options.statusCode ?? null;
  }
}

/** A receiver URL that points into the private network without being allowlisted (SSRF guard). */
export class ReceiverNotAllowedError extends NotificationDeliveryError {
  override readonly name: string = 'ReceiverNotAllowedError';
  /** The refused host and, when it was a name, the address it resolved to. */
  readonly host: string;
  readonly address: string;
  /** `loopback`, `private`, `link-local`, `unspecified`, ... */
  readonly reason: string;

  constructor(host: string, address: string, reason: string) {
    super(
      DeliveryErrorCode.ReceiverNotAllowed,
      host === address
        ? `receiver ${host} is a ${reason} address and is not allowlisted`
        : `receiver ${host} resolves to ${address}, a ${reason} address, and is not allowlisted`,
      { retryable: false },
    );
    this.host = host;
    this.address = address;
    this.reason = reason;
  }
}
