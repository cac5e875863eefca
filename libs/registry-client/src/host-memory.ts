/**
 * Something learnt about each registry host, kept between runs for `ttlMs` (then asked again),
 * and forgotten at once on request (e.g. when a request to the host fails to connect).
 */
export class HostMemory<T> {
  private readonly known = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(host: string): T | undefined {
    const entry = this.known.get(host);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.known.delete(host);
    return undefined;
  }

  set(host: string, value: T): void {
    this.known.set(host, { value, until: this.now() + this.ttlMs });
  }

  forget(host: string): void {
    this.known.delete(host);
  }
}
