import { isDeepStrictEqual } from 'node:util';

/**
 * Whether two settings are the same as stored: compared as their JSON (what an event holds), so a
 * field set to `undefined` on one side and absent on the other is no difference. An update to the
 * same settings appends nothing (a rerun of the same PUT or gRPC call is a no-op).
 */
export function sameSettings(stored: unknown, wanted: unknown): boolean {
  return isDeepStrictEqual(asStored(stored), asStored(wanted));
}

const asStored = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
