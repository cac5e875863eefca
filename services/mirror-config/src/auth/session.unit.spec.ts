import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken, TokenKind } from '@ferry/identity';
import { httpCredential } from './credential';
import { cookieValue, csrfTokenMatches, csrfTokenOf, isUnsafeMethod, mintPreSessionCsrf, signInCsrfProblem } from './session';

describe('the web console\'s session cookie and its CSRF token', () => {
  const { token } = mintToken(TokenKind.User);

  it('derives a CSRF token that is not the session token and matches only its own session', () => {
    const csrf = csrfTokenOf(token);
    assert.notEqual(csrf, token);
    assert.ok(!csrf.includes(token.slice(10)));
    assert.equal(csrfTokenOf(token), csrf, 'the same session, the same token');
    assert.ok(csrfTokenMatches(token, csrf));
    assert.ok(!csrfTokenMatches(token, undefined));
    assert.ok(!csrfTokenMatches(token, ''));
    assert.ok(!csrfTokenMatches(token, csrfTokenOf(mintToken(TokenKind.User).token)), 'another session\'s token');
    assert.ok(!csrfTokenMatches(token, `${csrf}x`));
  });

  it('reads one cookie of a Cookie header', () => {
    assert.equal(cookieValue(`a=1; ferry_session=${token}; b=2`, 'ferry_session'), token);
    assert.equal(cookieValue('ferry_session_other=x; ferry_csrf=%41b', 'ferry_csrf'), 'Ab');
    assert.equal(cookieValue('ferry_sessionx=1', 'ferry_session'), undefined);
    assert.equal(cookieValue(undefined, 'ferry_session'), undefined);
    assert.equal(cookieValue('ferry_session="quoted"', 'ferry_session'), 'quoted');
  });

  it('takes the Authorization header over the cookie, and marks a session\'s unsafe methods for the CSRF check', () => {
    assert.deepEqual(httpCredential({ authorization: 'Bearer ferry_pat_x', cookie: `ferry_session=${token}` }, 'POST'), { kind: 'bearer', token: 'ferry_pat_x' });
    assert.deepEqual(httpCredential({ cookie: `ferry_session=${token}` }, 'GET'), { kind: 'session', token, csrf: undefined, unsafe: false });
    assert.deepEqual(httpCredential({ cookie: `ferry_session=${token}`, 'x-csrf-token': 'abc' }, 'DELETE'), { kind: 'session', token, csrf: 'abc', unsafe: true });
    assert.equal(httpCredential({ cookie: 'other=1' }, 'POST'), undefined);
    assert.equal(httpCredential({}, 'GET'), undefined);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(isUnsafeMethod(method), method);
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) assert.ok(!isUnsafeMethod(method), method);
  });

  it('reads a session\'s CSRF token from a form\'s `_csrf_token` (Quay\'s forms), the header first', () => {
    assert.deepEqual(httpCredential({ cookie: `ferry_session=${token}` }, 'POST', 'from-form'), { kind: 'session', token, csrf: 'from-form', unsafe: true });
    assert.deepEqual(httpCredential({ cookie: `ferry_session=${token}`, 'x-csrf-token': 'from-header' }, 'POST', 'from-form'), { kind: 'session', token, csrf: 'from-header', unsafe: true });
    assert.deepEqual(httpCredential({ cookie: `ferry_session=${token}` }, 'POST', ['not', 'a', 'string']), { kind: 'session', token, csrf: undefined, unsafe: true });
  });

  it('checks a sign-in\'s CSRF token (Quay\'s GET /csrf_token) when the caller takes part, and lets the console sign in without it', () => {
    const pre = mintPreSessionCsrf();
    assert.notEqual(mintPreSessionCsrf(), pre);
    assert.equal(signInCsrfProblem(undefined, undefined), null);
    assert.equal(signInCsrfProblem(pre, pre), null);
    assert.match(signInCsrfProblem(pre, undefined)!, /CSRF token was invalid or missing/);
    assert.equal(signInCsrfProblem(undefined, pre), null, 'the console, with a stale session\'s header');
    assert.match(signInCsrfProblem(pre, mintPreSessionCsrf())!, /CSRF token was invalid or missing/);
    assert.match(signInCsrfProblem(pre, pre.slice(1))!, /CSRF token was invalid or missing/);
  });
});
