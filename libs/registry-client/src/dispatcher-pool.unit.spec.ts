import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DispatcherPool } from './dispatcher-pool';

const plain = { verifyTls: true, connectionsPerHost: 4 };

describe('DispatcherPool', () => {
  it('lends a released dispatcher to the next run with the same settings, never to one with other settings', async () => {
    const pool = new DispatcherPool();
    const first = pool.lend(plain);
    first.release();
    assert.equal(pool.lend({ ...plain }).dispatcher, first.dispatcher);
    const insecure = pool.lend({ ...plain, verifyTls: false });
    const proxied = pool.lend({ ...plain, proxy: { httpProxy: 'http://proxy:3128', httpsProxy: null, noProxy: null } });
    assert.notEqual(insecure.dispatcher, first.dispatcher);
    assert.notEqual(proxied.dispatcher, first.dispatcher);
    await pool.close();
  });

  it('lends a dispatcher to one run at a time: runs side by side each have their own connections', async () => {
    const pool = new DispatcherPool();
    const a = pool.lend(plain);
    const b = pool.lend(plain);
    assert.notEqual(a.dispatcher, b.dispatcher);
    a.release();
    // Releasing twice does not put it in the pool twice.
    a.release();
    assert.equal(pool.size, 1);
    assert.equal(pool.lend(plain).dispatcher, a.dispatcher);
    assert.notEqual(pool.lend(plain).dispatcher, a.dispatcher);
    await pool.close();
  });

  it('keeps at most its bound waiting, closing the longest idle first', async () => {
    const pool = new DispatcherPool(2);
    const oldest = pool.lend({ ...plain, connectionsPerHost: 1 });
    const middle = pool.lend({ ...plain, connectionsPerHost: 2 });
    const newest = pool.lend({ ...plain, connectionsPerHost: 3 });
    oldest.release();
    middle.release();
    newest.release();
    assert.equal(pool.size, 2);
    assert.notEqual(pool.lend({ ...plain, connectionsPerHost: 1 }).dispatcher, oldest.dispatcher);
    assert.equal(pool.lend({ ...plain, connectionsPerHost: 2 }).dispatcher, middle.dispatcher);
    assert.equal(pool.lend({ ...plain, connectionsPerHost: 3 }).dispatcher, newest.dispatcher);
    await pool.close();
  });
});
