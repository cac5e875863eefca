// `npm stop`: stops the Ferry that `npm start -- --detach` left running in the background (its pid is
// in .ferry/ferry.pid) with SIGTERM, and waits until it has stopped everything it started.
import { join, resolve } from 'node:path';
import { backgroundPid } from './background.mjs';
import { root } from './toolchain.mjs';

const state = process.env.FERRY_STATE_DIR ? resolve(process.env.FERRY_STATE_DIR) : join(root, '.ferry');
const pid = backgroundPid(state);
if (pid === null) {
  console.log('ferry: no Ferry runs in the background here (one started at a terminal stops with Ctrl-C)');
  process.exit(0);
}
console.log(`ferry: stopping the background Ferry (pid ${pid})`);
process.kill(pid, 'SIGTERM');
// It gives the services 15 s and the nats-server and registry 5 s before it kills them.
const deadline = Date.now() + 30_000;
while (backgroundPid(state) === pid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
if (backgroundPid(state) === pid) {
  console.error(`ferry: pid ${pid} is still running after 30 s; its output is in ${join(state, 'logs', 'ferry.log')}`);
  process.exit(1);
}
console.log('ferry: stopped');
