// The Ferry that `npm start -- --detach` leaves in the background, known by its pid file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const pidFileIn = (state) => join(state, 'ferry.pid');

/** The pid in `state`/ferry.pid if that process still runs scripts/start.mjs (a pid can be reused), else null. */
export function backgroundPid(state) {
  const file = pidFileIn(state);
  const pid = Number(existsSync(file) ? readFileSync(file, 'utf8').trim() : NaN);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start.mjs') ? pid : null;
  } catch {
    // No /proc (not Linux): the signal 0 probe is the best there is.
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }
}
