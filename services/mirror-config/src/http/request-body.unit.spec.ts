import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { CREATE_TOKEN_BODY, CREATE_USER_BODY } from '../users/user.input';
import { CREATE_REPOSITORY_BODY } from '../repositories/repository.input';
import { requestSchema } from './operation';
import { InvalidRequestError } from './problem';
import { EMAIL_ADDRESS, quayObject, readBody, text } from './request-body';

/** The fields a body's 400 names, with their messages. */
function refusal(schema: z.ZodType, body: unknown): [string, string][] {
  try {
    readBody(schema, body);
  } catch (error) {
    assert.ok(error instanceof InvalidRequestError);
    return error.problems.map((p) => [p.field, p.message]);
  }
  assert.fail('expected a 400');
}

const NESTED = requestSchema('TestNestedRequest', quayObject({ name: text(10), config: z.object({ verify: z.boolean() }).optional() }), { quay: true });
const FERRY_OWN = requestSchema('TestFerryRequest', z.object({ name: text(10) }));

describe('reading a body with its schema', () => {
  it('ignores the fields a Quay body\'s schema does not know, naming them at any depth, for the Warning header', () => {
    const read = readBody(NESTED, { name: 'x', colour: 'blue', config: { verify: true, extra: 1 } });
    assert.deepEqual(read.value, { name: 'x', config: { verify: true } });
    assert.deepEqual(read.ignored, ['colour', 'config.extra']);
  });

  it('takes no Quay body as an empty one, and refuses one that is not an object, naming (body)', () => {
    assert.deepEqual(readBody(CREATE_TOKEN_BODY.optional(), undefined).ignored, []);
    assert.deepEqual(refusal(NESTED, [1]), [['(body)', 'must be a JSON object']]);
    assert.deepEqual(refusal(NESTED, 'text'), [['(body)', 'must be a JSON object']]);
  });

  it('names nothing ignored for a body of Ferry\'s own', () => {
    assert.deepEqual(readBody(FERRY_OWN, { name: 'x', other: 1 }).ignored, []);
  });

  it('names every bad field at once, with the message Ferry always gave', () => {
    assert.deepEqual(refusal(CREATE_USER_BODY, { email: 'not-an-address', password: 'short' }), [
      ['username', 'is required'],
      ['email', 'must be an e-mail address or null'],
      ['password', 'must be 8 to 1024 characters'],
    ]);
    assert.deepEqual(refusal(CREATE_TOKEN_BODY, { title: ' ', scopes: ['repo:read', 'repo:fly'], expiration: '2000-01-01T00:00:00Z' }), [
      ['title', 'is required: a name for the token'],
      ['scopes[1]', 'holds unknown scope "repo:fly"; known: repo:read, repo:write, repo:admin, repo:create, org:admin, user:read, user:admin, super:user'],
      ['expiration', 'must be an ISO-8601 time in the future, within 3650 days, or null'],
    ]);
    assert.deepEqual(refusal(CREATE_REPOSITORY_BODY, { repository: 'Bad Name', repo_kind: 'helm', description: 7 }), [
      ['repository', 'must be lowercase letters and digits separated by . _ or -'],
      ['description', 'must be a string of at most 4096 characters'],
      ['repo_kind', 'must be "image" (Ferry mirrors container images)'],
    ]);
  });

  it('takes null for "no address" and a string of at most the limit', () => {
    assert.equal(EMAIL_ADDRESS.parse(null), null);
    assert.equal(text(3).safeParse('abcd').success, false);
  });
});
