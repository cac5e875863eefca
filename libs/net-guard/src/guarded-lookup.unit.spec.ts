import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupFunction } from 'node:net';
import { Allowlist } from './allowlist';
import { assertHostAllowed, screenHost, type AddressGuard, type HostResolver } from './address-guard';
import { guardedConnector, guardedLookup } from './guarded-lookup';

class Refused extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${host} (${address}) is ${reason}`);
  }
}
const guard = (...allowed: string[]): AddressGuard => ({ allowlist: new Allowlist(allowed), refuse: (host, address, reason) => new Refused(host, address, reason) });
const resolvesTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address }));
const noDns: HostResolver = async () => {
  throw new Error('DNS must not be asked');
};

/** A `dns.lookup` stand-in that answers `addresses` for every name. */
function fakeLookup(...addresses: string[]): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const list = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  }) as unknown as LookupFunction;
}

function lookUp(lookup: LookupFunction, host: string, all: boolean): Promise<{ error: Error | null; result: unknown }> {
  return new Promise((resolve) => lookup(host, { all }, (error, address, family) => resolve({ error, result: all ? address : [address, family] })));
}

describe('screening a host before DNS', () => {
  it('refuses a forbidden IP literal with the caller’s own error', () => {
    const verdict = screenHost('[::ffff:127.0.0.1]', 443, guard());
    assert.ok(verdict instanceof Refused);
    assert.equal(verdict.reason, 'loopback');
    assert.equal(verdict.address, '::ffff:127.0.0.1');
  });
  it('allows a public IP literal, an allowlisted host, and asks DNS about a name', () => {
    assert.equal(screenHost('8.8.8.8', 443, guard()), 'allowed');
    assert.equal(screenHost('127.0.0.1', 5000, guard('127.0.0.1:5000')), 'allowed');
    assert.ok(screenHost('127.0.0.1', 5001, guard('127.0.0.1:5000')) instanceof Refused);
    assert.equal(screenHost('registry.example', 443, guard()), 'resolve');
    assert.equal(screenHost('registry.example', 443, guard('registry.example')), 'allowed');
  });
});

describe('checking a host with DNS', () => {
  it('refuses a name when any address it resolves to is forbidden and not allowlisted', async () => {
    await assert.rejects(assertHostAllowed('hooks.example', 443, guard(), resolvesTo('93.184.216.34', '10.0.0.7')), (e: unknown) => {
      assert.ok(e instanceof Refused);
      assert.equal(e.host, 'hooks.example');
      assert.equal(e.address, '10.0.0.7');
      assert.equal(e.reason, 'private');
      return true;
    });
    await assertHostAllowed('hooks.example', 443, guard('10.0.0.0/8'), resolvesTo('93.184.216.34', '10.0.0.7'));
  });
  it('admits public names, allowlisted names without DNS, and lets a DNS failure through unchanged', async () => {
    await assertHostAllowed('hooks.example', 443, guard(), resolvesTo('93.184.216.34', '2606:4700::1111'));
    await assertHostAllowed('Registry.Internal', 443, guard('registry.internal'), noDns);
    await assertHostAllowed('127.0.0.1', 80, guard('127.0.0.0/8'), noDns);
    await assert.rejects(assertHostAllowed('nowhere.invalid', 443, guard(), noDns), { message: 'DNS must not be asked' });
  });
  it('refuses localhost through the system resolver', async () => {
    await assert.rejects(assertHostAllowed('localhost', 80, guard()), (e: unknown) => e instanceof Refused && e.reason === 'loopback');
  });
});

describe('the lookup at connect time', () => {
  it('fails when an address is forbidden, in both lookup forms', async () => {
    for (const all of [true, false]) {
      const { error } = await lookUp(guardedLookup(guard(), fakeLookup('93.184.216.34', '169.254.169.254')), 'rebound.example', all);
      assert.ok(error instanceof Refused, String(error));
      assert.equal(error.reason, 'link-local');
    }
  });
  it('answers as dns.lookup does when every address may be dialled', async () => {
    assert.deepEqual((await lookUp(guardedLookup(guard(), fakeLookup('93.184.216.34')), 'ok.example', false)).result, ['93.184.216.34', 4]);
    assert.deepEqual((await lookUp(guardedLookup(guard('10.0.0.0/8'), fakeLookup('10.1.1.1')), 'x.example', true)).result, [{ address: '10.1.1.1', family: 4 }]);
    assert.equal((await lookUp(guardedLookup(guard('x.example'), fakeLookup('127.0.0.1')), 'X.example', false)).error, null);
  });
  it('does not admit a name because it is listed with a port (the connector checks ports)', async () => {
    const { error } = await lookUp(guardedLookup(guard('x.example:5000'), fakeLookup('127.0.0.1')), 'x.example', true);
    assert.ok(error instanceof Refused);
  });
});

describe('the guarded connector', () => {
  type Options = { hostname: string; port: string; protocol: string };
  type Callback = (error: Error | null, socket: string | null) => void;
  /** A connector that "connects" by reporting which lookup it would use. */
  function connector(allowed: string[]) {
    const plainLookup = fakeLookup('127.0.0.1');
    const made: Array<LookupFunction | undefined> = [];
    const connect = guardedConnector<Options, Callback>(
      (lookup) => {
        made.push(lookup);
        const which = made.length === 1 ? 'plain' : 'checked';
        return (options, callback) => {
          if (!lookup || /^[\d.]+$/.test(options.hostname)) return callback(null, `${which}:${options.hostname}`);
          lookup(options.hostname, { all: true }, (error) => callback(error, error ? null : `${which}:${options.hostname}`));
        };
      },
      guard(...allowed),
      plainLookup,
    );
    return (hostname: string, port = '', protocol = 'https:') =>
      new Promise<{ error: Error | null; socket: string | null }>((resolve) => connect({ hostname, port, protocol }, (error, socket) => resolve({ error, socket })));
  }

  it('refuses a forbidden IP literal without connecting, and connects a public one plainly', async () => {
    const connect = connector([]);
    const refused = await connect('10.1.2.3');
    assert.ok(refused.error instanceof Refused);
    assert.equal(refused.socket, null);
    assert.deepEqual(await connect('8.8.8.8'), { error: null, socket: 'plain:8.8.8.8' });
  });
  it('checks a name at lookup, unless it is allowlisted, with its port or the scheme’s default', async () => {
    assert.ok((await connector([])('rebound.example')).error instanceof Refused);
    assert.deepEqual(await connector(['rebound.example'])('rebound.example'), { error: null, socket: 'plain:rebound.example' });
    assert.deepEqual(await connector(['rebound.example:443'])('rebound.example'), { error: null, socket: 'plain:rebound.example' });
    assert.deepEqual(await connector(['rebound.example:80'])('rebound.example', '', 'http:'), { error: null, socket: 'plain:rebound.example' });
    assert.ok((await connector(['rebound.example:80'])('rebound.example', '8080', 'http:')).error instanceof Refused);
  });
});
