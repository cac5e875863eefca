import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { ipFamily } from './host-literal';

describe('the family of an IP address', () => {
  it('is what net.isIP answers, for addresses, names, host:port and near misses', () => {
    const texts = ['127.0.0.1', '10.0.0.5', '::1', '::', '1::', 'fe80::1%eth0', '::ffff:10.0.0.1', '2001:db8::8:800:200c:417a', '127.0.0.1:5000', 'registry.example:5000', 'a.b', '[::1]', 'x:y:z', ':', ':::', '', '1.2.3', '256.1.1.1'];
    for (const text of texts) assert.equal(ipFamily(text), isIP(text), text);
  });
});
