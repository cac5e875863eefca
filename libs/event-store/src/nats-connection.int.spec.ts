import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connectToNats } from './nats-connection';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('the connection to NATS', () => {
  it('writes what several callbacks of one turn send in one write, and delivers all of it in order', async () => {
    const connection = await connectToNats(NATS_URL);
    const subject = `t${randomUUID().replaceAll('-', '')}.turn`;
    try {
      const received: string[] = [];
      const all = new Promise<void>((resolve) => {
        connection.subscribe(subject, {
          callback: (_, m) => {
            received.push(m.string());
            if (received.length === 6) resolve();
          },
        });
      });
      await connection.flush();
      // nats.js's transport, counted: each `send` is one socket write.
      const transport = (connection as unknown as { protocol: { transport: { send(frame: Uint8Array): void } } }).protocol.transport;
      const send = transport.send.bind(transport);
      let writes = 0;
      transport.send = (frame) => (writes++, send(frame));
      // Three callbacks of one turn (timers due together), each publishing after a microtask checkpoint of its own.
      await new Promise<void>((resolve) => {
        let done = 0;
        for (const n of [0, 1, 2]) {
          setTimeout(() => {
            connection.publish(subject, `a${n}`);
            void Promise.resolve().then(() => connection.publish(subject, `b${n}`));
            if (++done === 3) setImmediate(resolve);
          }, 0);
        }
      });
      await all;
      assert.deepEqual(received, ['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
      assert.equal(writes, 1);
      // A request still gets its answer, and what is sent just before a drain is delivered.
      connection.subscribe(`${subject}.echo`, {
        callback: (_, m) => {
          m.respond(m.data);
        },
      });
      assert.equal((await connection.request(`${subject}.echo`, 'ping', { timeout: 2_000 })).string(), 'ping');
    } finally {
      connection.publish(subject, 'last');
      await connection.drain();
    }
  });
});
