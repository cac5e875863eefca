import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryErrorCode, NotificationDeliveryError, ReceiverNotAllowedError } from './notification-errors';
import type { LookupAddress } from 'node:dns';
import { assertReceiverAllowed, guardedLookup, type HostResolver } from './receiver-url.guard';

const resolvesTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address }));
const noDns: HostResolver = async () => {
  throw new Error('DNS must not be asked for an IP literal');
};

async function refused(url: string, allowed: string[] = [], resolve: HostResolver = noDns): Promise<ReceiverNotAllowedError> {
  try {
    await assertReceiverAllowed(url, allowed, resolve);
  } catch (err) {
    assert.ok(err instanceof ReceiverNotAllowedError, `expected ReceiverNotAllowedError, got ${String(err)}`);
    assert.equal(err.code, 'RECEIVER_NOT_ALLOWED');
    assert.equal(err.retryable, false);
    return err;
  }
  assert.fail(`${url} was allowed`);
}

describe('IP literals the guard refuses', () => {
  const cases = [
    'http://127.0.0.1/hook',
    'http://127.8.9.10:8080/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://0.0.0.0/',
    'http://100.64.0.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fd12:3456::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a00:1]/',
    'http://[2002:c0a8:0101::1]/',
    'http://[::127.0.0.1]/',
    'http://[fec0::1]/',
    'http://255.255.255.255/',
    'http://198.18.0.1/',
    // The URL parser turns these spellings into 127.0.0.1.
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
  ];
  for (const url of cases) {
    it(`refuses ${url}`, async () => {
      await refused(url);
    });
  }
});

describe('public addresses', () => {
  for (const url of ['https://93.184.216.34/hook', 'http://172.32.0.1/', 'http://[2606:4700::1111]/', 'http://[::ffff:8.8.8.8]/']) {
    it(`allows ${url}`, async () => {
      await assertReceiverAllowed(url, [], noDns);
    });
  }
});

describe('host names', () => {
  it('are refused when any address they resolve to is private', async () => {
    const err = await refused('https://hooks.internal.example/x', [], resolvesTo('93.184.216.34', '10.0.0.7'));
    assert.equal(err.address, '10.0.0.7');
    assert.match(err.message, /hooks\.internal\.example resolves to 10\.0\.0\.7/);
  });
  it('are allowed when every address is public', async () => {
    await assertReceiverAllowed('https://hooks.example.com/x', [], resolvesTo('93.184.216.34', '2606:4700::1111'));
  });
  it('localhost is refused through the real resolver', async () => {
    await assert.rejects(assertReceiverAllowed('http://localhost:9/', []), (err: unknown) => {
      assert.ok(err instanceof ReceiverNotAllowedError);
      assert.equal(err.reason, 'loopback');
      return true;
    });
  });
  it('a name that does not resolve is a transient error, not a refusal', async () => {
    await assert.rejects(
      assertReceiverAllowed('https://nowhere.invalid/', [], async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      }),
      (err: unknown) => err instanceof NotificationDeliveryError && err.code === DeliveryErrorCode.ReceiverUnreachable && err.retryable,
    );
  });
});

describe('the allowlist', () => {
  it('admits an allowlisted IP', async () => {
    await assertReceiverAllowed('http://127.0.0.1:8080/hook', ['127.0.0.1'], noDns);
  });
  it('admits an allowlisted host name without resolving it', async () => {
    await assertReceiverAllowed('http://Receiver.Internal/hook', ['receiver.internal'], noDns);
  });
  it('admits a name whose private address is allowlisted', async () => {
    await assertReceiverAllowed('http://receiver.internal/hook', ['127.0.0.1'], resolvesTo('127.0.0.1'));
  });
  it('admits addresses inside an allowlisted CIDR, and only those', async () => {
    await assertReceiverAllowed('http://10.20.30.40/', ['10.20.0.0/16'], noDns);
    await refused('http://10.21.0.1/', ['10.20.0.0/16']);
    await assertReceiverAllowed('http://[fd00::5]/', ['[fd00::5]'], noDns);
  });
  it('admits host:port on that port only', async () => {
    await assertReceiverAllowed('http://127.0.0.1:8080/hook', ['127.0.0.1:8080'], noDns);
    await assertReceiverAllowed('https://receiver.internal/hook', ['receiver.internal:443'], noDns);
    await refused('http://127.0.0.1:8081/hook', ['127.0.0.1:8080']);
    await refused('http://receiver.internal:8081/hook', ['receiver.internal:8080'], resolvesTo('10.0.0.9'));
  });
  it('does not admit 127.0.0.2 because 127.0.0.1 is listed', async () => {
    await refused('http://127.0.0.2/', ['127.0.0.1']);
  });
});

describe('malformed receiver URLs', () => {
  for (const url of ['not a url', 'ftp://example.com/', 'file:///etc/passwd', 'https://user:pw@example.com/']) {
    it(`rejects ${url} as RECEIVER_URL_INVALID`, async () => {
      await assert.rejects(assertReceiverAllowed(url, [], noDns), (err: unknown) => {
        assert.ok(err instanceof NotificationDeliveryError);
        assert.equal(err.code, DeliveryErrorCode.ReceiverUrlInvalid);
        assert.doesNotMatch(err.message, /pw/);
        return true;
      });
    });
  }
});

describe('the refusal', () => {
  it('names the reason', async () => {
    const reasons: Array<[string, string]> = [
      ['http://127.0.0.1/', 'loopback'],
      ['http://[::1]/', 'loopback'],
      ['http://169.254.0.1/', 'link-local'],
      ['http://192.168.0.1/', 'private'],
      ['http://0.0.0.0/', 'unspecified'],
      ['http://[::]/', 'unspecified'],
      ['http://[fec0::1]/', 'private (site-local)'],
    ];
    for (const [url, reason] of reasons) assert.equal((await refused(url)).reason, reason, url);
  });
});

describe('the lookup at connect time', () => {
  const lookUp = (allowed: string[], host: string) =>
    new Promise<{ error: Error | null; addresses: LookupAddress[] }>((resolve) =>
      guardedLookup(allowed)(host, { all: true }, (error, addresses) => resolve({ error, addresses: addresses as LookupAddress[] })),
    );
  it('refuses a name that resolves to loopback', async () => {
    const { error } = await lookUp([], 'localhost');
    assert.ok(error instanceof ReceiverNotAllowedError);
    assert.equal(error.reason, 'loopback');
  });
  it('admits it when allowlisted by name, by host:port (the port was checked before the send) or by address', async () => {
    for (const allowed of [['localhost'], ['localhost:8080'], ['127.0.0.1', '::1'], ['127.0.0.0/8', '::1/128']]) {
      const { error, addresses } = await lookUp(allowed, 'localhost');
      assert.equal(error, null, allowed.join());
      assert.ok(addresses.length >= 1);
    }
  });
});
