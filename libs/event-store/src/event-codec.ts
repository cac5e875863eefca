import { EVENT_SCHEMA_VERSION, type FerryEvent, type StoredEvent } from '@ferry/contracts';
import { MalformedEventError } from './errors';

const decoder = new TextDecoder();

export function encodeEvent(event: FerryEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}

/**
 * Parses a stored message. Schema upcasters hook in here: every event is version 1 today, and a
 * version this code does not know is refused rather than misread.
 */
export function decodeEvent(data: Uint8Array, position: number, subject: string): StoredEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch (cause) {
    throw new MalformedEventError(position, { cause });
  }
  const event = parsed as FerryEvent;
  if (typeof event !== 'object' || event === null || typeof event.type !== 'string' || typeof event.id !== 'string') {
    throw new MalformedEventError(position);
  }
  if (event.schemaVersion !== EVENT_SCHEMA_VERSION) {
    throw new MalformedEventError(position, { cause: new Error(`unknown schema version ${event.schemaVersion}`) });
  }
  return { ...event, position, subject };
}
