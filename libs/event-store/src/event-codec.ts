import { EVENT_SCHEMA_VERSION, globTagRule, type FerryEvent, type StoredEvent } from '@ferry/contracts';
import { MalformedEventError } from './errors';

const decoder = new TextDecoder();

/** The header naming each stored event's type, so a reader can pass over one without decoding it. */
export const EVENT_TYPE_HEADER = 'Ferry-Event-Type';

const encoder = new TextEncoder();

export function encodeEvent(event: FerryEvent): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/**
 * Upcasters: each rewrites, in place, an event as an older Ferry stored it into today's shape, so
 * nothing past the codec sees the old one. Each must leave an event already in today's shape alone.
 */
const UPCASTERS: Array<(event: FerryEvent) => void> = [
  // A mirror's tags were `tagPatterns: string[]` (Quay's globs) before the tag rule existed.
  (event) => {
    if (event.type !== 'MirrorCreated' && event.type !== 'MirrorUpdated') return;
    const config = event.data?.config as (typeof event.data.config & { tagPatterns?: string[] }) | undefined;
    if (!config || config.tagRule !== undefined || !Array.isArray(config.tagPatterns)) return;
    const { tagPatterns, ...rest } = config;
    event.data.config = { ...rest, tagRule: globTagRule(tagPatterns) };
  },
];

/**
 * Parses a stored message, upcasting older shapes (`UPCASTERS`). Every event is version 1 today,
 * and a version this code does not know is refused rather than misread.
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
  for (const upcast of UPCASTERS) upcast(event);
  return { ...event, position, subject };
}
