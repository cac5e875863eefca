import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DispatcherPool } from './dispatcher-pool';

const plain = { verifyTls: true, connectionsPerHost: 4 };

describe('DispatcherPool', () => {
  it('lends the same dispatcher for the same settings, and another for other settings', async () => {
    const pool = new DispatcherPool();
    const a = pool.lend(plain);
    const b = pool.lend({ ...plain });
    const insecure = pool.lend({ ...plain, verifyTls: false });
    const proxied = pool.lend({ ...plain, proxy: { httpProxy: 'http://proxy:3128', httpsProxy: null, noProxy: null } });
    assert.equal(a.dispatcher, b.dispatcher);
    assert.notEqual(a.dispatcher, insecure.dispatcher);
    assert.notEqual(a.dispatcher, proxied.dispatcher);
    assert.equal(pool.size, 3);
    await pool.close();
  });

  it('keeps a released dispatcher for the next run', async () => {
    const pool = new DispatcherPool();
    const first = pool.lend(plain);
    first.release();
    assert.equal(pool.lend(plain).dispatcher, first.dispatcher);
    await pool.close();
  });

  it('past its bound closes the least recently used idle dispatchers, never one in use', async () => {
    const pool = new DispatcherPool(2);
    const busy = pool.lend({ ...plain, connectionsPerHost: 1 });
    const idle = pool.lend({ ...plain, connectionsPerHost: 2 });
    idle.release();
    const recent = pool.lend({ ...plain, connectionsPerHost: 3 });
    recent.release();
    // Three settings for a bound of two: the idle one used longest ago goes, the busy one stays.
    assert.equal(pool.size, 2);
    assert.equal(pool.lend({ ...plain, connectionsPerHost: 1 }).dispatcher, busy.dispatcher);
    assert.equal(pool.lend({ ...plain, connectionsPerHost: 3 }).dispatcher, recent.dispatcher);
    assert.notEqual(pool.lend({ ...plain, connectionsPerHost: 2 }).dispatcher, idle.dispatcher);
    await pool.close();
  });
});
