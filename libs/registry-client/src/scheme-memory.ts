/**
 * What `auto` found each registry host to speak (https or plain http), kept between runs. Without
 * it every run against a plain-http upstream with TLS verification off first tried a TLS handshake
 * on a new connection, failed, and dialled again: the largest single cost of a one-tag run in the
 * scheduling benchmark. An answer is trusted for `ttlMs` and forgotten at once when a request to
 * the host fails to connect, so a registry that moves to TLS is probed again by the next run.
 */
export class SchemeMemory {
  private readonly known = new Map<string, { scheme: 'https' | 'http'; until: number }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(host: string): 'https' | 'http' | undefined {
    const entry = this.known.get(host);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.scheme;
    this.known.delete(host);
    return undefined;
  }

  set(host: string, scheme: 'https' | 'http'): void {
    this.known.set(host, { scheme, until: this.now() + this.ttlMs });
  }

  forget(host: string): void {
    this.known.delete(host);
  }
}
