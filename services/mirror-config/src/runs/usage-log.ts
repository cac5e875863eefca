import type { Actor } from '@ferry/contracts';
import type { EventLogRow } from '@ferry/read-models';
import type { UsageLogEntry } from './run.view';

/** Events hold secrets only sealed or hashed; even those forms are nobody's business in a log view. */
const SEALED_KEYS = new Set(['externalRegistryPassword', 'upstreamRegistryPassword', 'token', 'tokenHash', 'password', 'secret', 'secretHash', 'sealedSecret']);
function redact(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data), (key, value) => (SEALED_KEYS.has(key) ? (value ? '(sealed)' : null) : value));
}

/**
 * Quay's `performer`: users and robots are both `kind: "user"`, robots with `is_robot`; Ferry's
 * own services (the scheduler, the worker) name themselves. Events stored before actors were
 * recorded have none.
 */
function performerView(actor: Actor | null) {
  if (!actor) return null;
  const isRobot = actor.kind === 'robot';
  return {
    kind: actor.kind === 'service' || actor.kind === 'anonymous' ? actor.kind : 'user',
    name: actor.name,
    is_robot: isRobot,
    ...(actor.tokenId ? { token_id: actor.tokenId } : {}),
    avatar: { name: actor.name, hash: '', color: '#0066cc', kind: isRobot ? 'robot' : actor.kind === 'service' ? 'service' : 'user' },
  };
}

/** One event as Quay's usage logs show it, with its sentence when it has one. */
export function usageLogEntry(e: EventLogRow, description?: string): UsageLogEntry {
  return {
    kind: e.type,
    datetime: e.occurredAt.toISOString(),
    correlation_id: e.correlationId,
    performer: performerView(e.actor),
    metadata: redact(e.data),
    ...(description === undefined ? {} : { description }),
  };
}
