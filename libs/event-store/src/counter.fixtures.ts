import type { MirrorSyncNowRequested } from '@ferry/contracts';
import type { Decider } from './handle-command';

/** The NATS the store's integration tests use. */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export type Counter = { requests: number };

/** The smallest decider: every command appends one event, and the state counts them. Copy it (`{ ...counterDecider }`) for a fold cache of its own. */
export const counterDecider: Decider<{ kind: 'request' }, Counter, MirrorSyncNowRequested> = {
  initialState: () => ({ requests: 0 }),
  evolve: (s, e) => (e.type === 'MirrorSyncNowRequested' ? { requests: s.requests + 1 } : s),
  decide: () => [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'ns/repo' } }],
};
