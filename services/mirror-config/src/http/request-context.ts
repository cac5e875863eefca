import { randomUUID } from 'node:crypto';
import type { Causation } from '@ferry/event-store';

/** The correlation of everything one API call causes: the caller's X-Request-Id, or a new id. */
export function causationFromRequest(headers: Record<string, string | string[] | undefined>): Causation {
  const supplied = headers['x-request-id'];
  const id = typeof supplied === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(supplied) ? supplied : randomUUID();
  return { correlationId: id, causationId: id };
}
