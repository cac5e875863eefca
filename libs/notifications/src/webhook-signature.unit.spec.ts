import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  it('are sha256= and the hex HMAC-SHA256 of the body (RFC 4231 test case 2)', () => {
    assert.equal(
      signWebhookBody('what do ya want for nothing?', 'Jefe'),
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
  it('verify against the exact body', () => {
    const body = '{"repository":"acme/app"}';
    assert.equal(verifyWebhookSignature(body, 's3cret', signWebhookBody(body, 's3cret')), true);
  });
  it('fail for a changed body, another secret, or a malformed header', () => {
    const body = '{"repository":"acme/app"}';
    const sig = signWebhookBody(body, 's3cret');
    assert.equal(verifyWebhookSignature(body + ' ', 's3cret', sig), false);
    assert.equal(verifyWebhookSignature(body, 'other', sig), false);
    assert.equal(verifyWebhookSignature(body, 's3cret', sig.slice('sha256='.length)), false);
    assert.equal(verifyWebhookSignature(body, 's3cret', undefined), false);
    assert.equal(verifyWebhookSignature(body, 's3cret', 'sha256=00'), false);
  });
  it('sign bytes and strings alike', () => {
    assert.equal(signWebhookBody(Buffer.from('é', 'utf8'), 'k'), signWebhookBody('é', 'k'));
  });
});
