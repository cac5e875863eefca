import { RegistryError, RegistryErrorCode } from '../registry-error';

/** A source's URL, and whether it named its scheme (a bare `host[:port]` leaves it to `verifyTls`). */
export interface SourceUrl {
  url: URL;
  schemeGiven: boolean;
}

/**
 * Reads `https://host[:port]`, `http://host[:port]` or a bare `host[:port]`. Credentials, a path,
 * a query or a fragment are refused (`INVALID_REFERENCE`): credentials belong in the source's
 * credentials, where no log line or error message shows them.
 */
export function parseSourceUrl(raw: string): SourceUrl {
  const invalid = (why: string) => new RegistryError(RegistryErrorCode.InvalidReference, `source URL ${why}`);
  const trimmed = raw.trim();
  const schemeGiven = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  const url = URL.canParse(schemeGiven ? trimmed : `https://${trimmed}`) ? new URL(schemeGiven ? trimmed : `https://${trimmed}`) : null;
  // The message names no part of the URL: it may hold credentials.
  if (!url || !url.hostname) throw invalid('must be https://host[:port], http://host[:port] or host[:port]');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must use https or http');
  if (url.username || url.password) throw invalid('must not hold credentials: give them as the source\'s credentials');
  if (url.pathname !== '/' || url.search || url.hash) throw invalid(`of ${url.host} must be the registry's root, without a path or query`);
  return { url, schemeGiven };
}
