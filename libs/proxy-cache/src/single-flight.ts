/**
 * One run of `work` per key at a time: callers that ask for a key already in flight get the same
 * promise, so two clients pulling one blob cause one upstream fetch. The key is free again once
 * the run settles (a failure is not remembered: the next caller tries afresh).
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): { result: Promise<T>; shared: boolean } {
    const existing = this.inFlight.get(key);
    if (existing) return { result: existing, shared: true };
    const result = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return { result, shared: false };
  }

  get size(): number {
    return this.inFlight.size;
  }
}
