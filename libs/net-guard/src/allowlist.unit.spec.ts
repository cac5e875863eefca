import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Allowlist } from './allowlist';
import { isIpv6Literal, splitHostPort } from './host-literal';

describe('an allowlist', () => {
  const list = new Allowlist([' Registry.Internal ', 'proxy.corp:3128', '10.0.0.5:5000', '[fd00::5]:5000', '192.168.7.7', '[fd00::9]', 'fd00::a', '172.20.0.0/16', 'fd10::/16', '[fd20::]/16', '']);

  it('admits a host name on any port, case-insensitively and with a root dot', () => {
    assert.ok(list.allowsHost('registry.internal'));
    assert.ok(list.allowsHost('REGISTRY.internal.', 443));
    assert.ok(!list.allowsHost('other.internal', 443));
    assert.ok(!list.allowsHost('sub.registry.internal'));
  });

  it('admits host:port on that port only', () => {
    assert.ok(list.allowsHost('proxy.corp', 3128));
    assert.ok(list.allowsHost('proxy.corp', '3128'));
    assert.ok(!list.allowsHost('proxy.corp', 8080));
    assert.ok(!list.allowsHost('proxy.corp'));
    assert.ok(list.allowsHost('10.0.0.5', 5000));
    assert.ok(!list.allowsHost('10.0.0.5', 5001));
    assert.ok(list.allowsHost('[fd00::5]', 5000));
    assert.ok(list.allowsHost('fd00:0:0::5', 5000), 'IPv6 compared in canonical form');
    assert.ok(!list.allowsAddress('10.0.0.5'), 'a host:port entry is not an address entry');
  });

  it('admits an IP address, with or without brackets', () => {
    assert.ok(list.allowsHost('192.168.7.7', 80));
    assert.ok(list.allowsAddress('192.168.7.7'));
    assert.ok(!list.allowsAddress('192.168.7.8'));
    assert.ok(list.allowsHost('[fd00::9]'));
    assert.ok(list.allowsAddress('fd00::9'));
    assert.ok(list.allowsAddress('fd00::a'));
    assert.ok(list.allowsAddress('fd00::a%eth0'));
  });

  it('admits every address inside a CIDR range, and only those', () => {
    assert.ok(list.allowsAddress('172.20.255.1'));
    assert.ok(!list.allowsAddress('172.21.0.1'));
    assert.ok(list.allowsHost('172.20.0.9', 443));
    assert.ok(list.allowsAddress('fd10:1::1'));
    assert.ok(list.allowsAddress('fd20::7'));
    assert.ok(!list.allowsAddress('fd11::1'));
  });

  it('admits nothing for malformed entries', () => {
    const bad = new Allowlist(['10.0.0.0/33', 'fd00::/129', 'host:99999', '[::127.0.0.1]:80', 'a:b:c', 'not-an-ip/8']);
    for (const host of ['10.0.0.1', 'fd00::1', '127.0.0.1', 'a', 'not-an-ip']) assert.ok(!bad.allowsHost(host, 80), host);
    assert.ok(!bad.allowsHost('host', 99999));
  });

  it('ignoring ports, admits the host of a host:port entry on every port', () => {
    const loose = list.ignoringPorts();
    assert.ok(loose.allowsHost('proxy.corp'));
    assert.ok(loose.allowsHost('proxy.corp', 8080));
    assert.ok(loose.allowsHost('registry.internal'));
    assert.ok(loose.allowsAddress('172.20.0.1'));
    assert.ok(!list.allowsHost('proxy.corp'), 'the original is unchanged');
  });

  it('does not treat a name as an address', () => {
    assert.ok(!list.allowsAddress('registry.internal'));
  });
});

describe('host literals', () => {
  it('an IPv6 literal in brackets is hex groups and colons that net.isIPv6 accepts', () => {
    for (const ok of ['::1', 'fd00::5', '2001:db8:0:0:0:0:0:1', 'FE80::1']) assert.ok(isIpv6Literal(ok), ok);
    for (const bad of ['::127.0.0.1', '::ffff:10.0.0.1', 'fe80::1%eth0', '1::2::3', ':::', 'gggg::1', '', '127.0.0.1', '1:2:3:4:5:6:7:8:9']) {
      assert.ok(!isIpv6Literal(bad), bad);
    }
  });

  it('host[:port] splits, brackets removed, and refuses what is malformed', () => {
    assert.deepEqual(splitHostPort('quay.io'), { host: 'quay.io', port: undefined });
    assert.deepEqual(splitHostPort('quay.io:8443'), { host: 'quay.io', port: 8443 });
    assert.deepEqual(splitHostPort('[::1]:5000'), { host: '::1', port: 5000 });
    assert.deepEqual(splitHostPort('[fd00::5]'), { host: 'fd00::5', port: undefined });
    for (const bad of ['[::127.0.0.1]', '[::127.0.0.1]:5000', '[1::2::3]', '[]', '[localhost]', 'a:b:5000', 'quay.io:0', 'quay.io:65536', 'quay.io:', ':5000', '::1', '']) {
      assert.equal(splitHostPort(bad), null, bad);
    }
  });
});
