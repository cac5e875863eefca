import { Allowlist, assertHostAllowed, guardedLookup as guardedDnsLookup, type AddressGuard, type HostResolver } from '@ferry/net-guard';
import { DeliveryErrorCode, NotificationDeliveryError, ReceiverNotAllowedError } from './notification-errors';

export type { HostResolver };

/** The private-address rule (`@ferry/net-guard`) with the receiver's error, `RECEIVER_NOT_ALLOWED`. */
function receiverGuard(allowlist: Allowlist): AddressGuard {
  return { allowlist, refuse: (host, address, reason) => new ReceiverNotAllowedError(host, address, reason) };
}

/** Parses a receiver URL: absolute http(s), no userinfo. Throws `RECEIVER_URL_INVALID`. */
export function parseReceiverUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUrlInvalid, 'receiver URL is not an absolute URL', {
      retryable: false,
      cause,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUrlInvalid, `receiver URL scheme ${parsed.protocol} is not http or https`, {
      retryable: false,
    });
  }
  if (parsed.username || parsed.password) {
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUrlInvalid, 'receiver URL must not carry credentials', {
      retryable: false,
    });
  }
  return parsed;
}

/**
 * Refuses a receiver URL whose host is, or resolves to, a loopback, private, link-local,
 * unspecified, multicast or reserved address, unless `allowedHosts` (names, `host:port`, IPs,
 * CIDRs) admits it. Throws `ReceiverNotAllowedError` (`RECEIVER_NOT_ALLOWED`), `RECEIVER_URL_INVALID`
 * for a malformed URL, and a retryable `RECEIVER_UNREACHABLE` when the name does not resolve.
 *
 * The WHATWG URL parser has already normalised `0x7f.1`, `2130706433` and friends to dotted
 * IPv4, so literal tricks end up as ordinary addresses here. Resolution at check time does not
 * stop DNS rebinding; the agent from `createReceiverAgent` checks again at connect time.
 */
export async function assertReceiverAllowed(url: string, allowedHosts: readonly string[], resolve?: HostResolver): Promise<void> {
  const parsed = parseReceiverUrl(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? 443 : 80);
  try {
    await assertHostAllowed(parsed.hostname, port, receiverGuard(new Allowlist(allowedHosts)), resolve);
  } catch (cause) {
    if (cause instanceof NotificationDeliveryError) throw cause;
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUnreachable, `receiver ${parsed.hostname} does not resolve`, {
      retryable: true,
      cause,
    });
  }
}

/**
 * A `dns.lookup` replacement for sockets to receivers: it resolves as usual and fails the
 * connection with `ReceiverNotAllowedError` when an address is forbidden and not allowlisted. This
 * is the check that holds against DNS rebinding, because it vets the address actually dialled.
 * A lookup sees no port, so a `host:port` entry admits its host here: {@link assertReceiverAllowed}
 * checked the port before the send.
 */
export function guardedLookup(allowedHosts: readonly string[]) {
  return guardedDnsLookup(receiverGuard(new Allowlist(allowedHosts).ignoringPorts()));
}
