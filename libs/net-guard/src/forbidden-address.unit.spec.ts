import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedIpv4, forbiddenAddressReason } from './forbidden-address';

describe('the forbidden-address table', () => {
  const cases: Array<[address: string, reason: string]> = [
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'private (shared address space, CGNAT)'],
    ['100.127.255.254', 'private (shared address space, CGNAT)'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'private (IETF protocol assignments)'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'private (benchmarking)'],
    ['198.19.255.255', 'private (benchmarking)'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'private (unique local)'],
    ['fd12:3456::1', 'private (unique local)'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private (site-local)'],
    ['ff02::1', 'multicast'],
  ];
  for (const [address, reason] of cases) {
    it(`refuses ${address} as ${reason}`, () => assert.equal(forbiddenAddressReason(address), reason));
  }

  it('lets public addresses and the neighbours of each range through', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.1', '192.0.1.1', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255']) {
      assert.equal(forbiddenAddressReason(a), null, a);
    }
    for (const a of ['2606:4700::1111', '2001:4860:4860::8888', 'fbff::1', 'fe00::1']) {
      assert.equal(forbiddenAddressReason(a), null, a);
    }
  });

  it('is for IP addresses only', () => {
    assert.throws(() => forbiddenAddressReason('localhost'), TypeError);
  });
});

describe('an IPv4 address carried in IPv6', () => {
  const cases: Array<[address: string, carried: string, reason: string | null]> = [
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    ['::FFFF:A9FE:A9FE', '169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', '8.8.8.8', null],
    ['::127.0.0.1', '127.0.0.1', 'loopback'],
    ['::7f00:1', '127.0.0.1', 'loopback'],
    ['::10.0.0.1', '10.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', '10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254', 'link-local'],
    ['64:ff9b::808:808', '8.8.8.8', null],
    ['2002:c0a8:0101::1', '192.168.1.1', 'private'],
    ['2002:7f00:1::', '127.0.0.1', 'loopback'],
    ['2002:808:808::1', '8.8.8.8', null],
  ];
  for (const [address, carried, reason] of cases) {
    it(`${address} is judged as ${carried}`, () => {
      assert.equal(embeddedIpv4(address), carried);
      assert.equal(forbiddenAddressReason(address), reason);
    });
  }

  it('is not read into :: and ::1, nor into ordinary addresses', () => {
    assert.equal(embeddedIpv4('::'), null);
    assert.equal(embeddedIpv4('::1'), null);
    assert.equal(embeddedIpv4('2606:4700::1111'), null);
    assert.equal(embeddedIpv4('64:ff9b:1::a00:1'), null);
  });
});
