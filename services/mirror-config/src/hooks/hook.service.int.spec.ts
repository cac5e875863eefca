import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { AggregateKind, HookVerification, mirrorId } from '@ferry/contracts';
import { tokenHash, TokenKind } from '@ferry/identity';
import { childMirrorConfig, mirrorDecider, orgMirrorDecider } from '@ferry/mirror';
import { HookRow } from '@ferry/read-models';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, testOrgMirrorConfig, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { NotFoundError } from '../http/problem';
import { MirrorLookup } from '../mirror-lookup';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { openServiceTestBed, refusedField, type ServiceTestBed } from '../service-test-bed';
import { HookQueries } from './hook-queries';
import { HookService, type HookScope } from './hook.service';

const SECRETS = createSecretBox(randomBytes(32));
const APP: HookScope = { kind: 'mirror', target: { namespace: 'acme', repository: 'app' } };
const OTHER: HookScope = { kind: 'mirror', target: { namespace: 'acme', repository: 'other' } };
const ORG: HookScope = { kind: 'org-mirror', organization: 'acme' };

/** The mirrors acme/app and acme/other, and acme's organization mirror; their push hooks through the hook service. */
describe('the hook service over the event log and the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let hooks: HookService;
  let queries: HookQueries;

  const storedHook = async (hookId: string) => (await bed.dataSource.getRepository(HookRow).findOneBy({ hookId }))!;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    queries = new HookQueries(bed.dataSource);
    hooks = new HookService(SECRETS, bed.commands, new MirrorLookup(bed.dataSource), new OrgMirrorQueries(bed.dataSource), queries);
    const org = testOrgMirrorConfig();
    await bed.commands.run(AggregateKind.OrgMirror, 'acme', orgMirrorDecider, { kind: 'create', config: org }, bed.causation);
    for (const name of ['app', 'other']) {
      const config = childMirrorConfig(org, { repository: name, upstream: name, syncStartDate: org.syncStartDate });
      await bed.commands.run(AggregateKind.Mirror, mirrorId('acme', name), mirrorDecider, { kind: 'create', mirrorId: mirrorId('acme', name), config, now: new Date() }, bed.causation);
    }
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  it('makes a bearer hook by default: its secret shown once, only its hash kept', async () => {
    const view = await hooks.create(APP, undefined, bed.causation);
    assert.deepEqual({ repository: view.repository, organization: view.organization, verification: view.verification }, { repository: 'acme/app', organization: null, verification: HookVerification.Bearer });
    assert.ok(view.secret?.startsWith(TokenKind.Hook));
    const row = await storedHook(view.id);
    assert.equal(row.secretHash, tokenHash(view.secret!));
    assert.equal(row.sealedSecret, null);
    assert.equal('secret' in (await hooks.get(APP, view.id)), false);
  });

  it('keeps an HMAC hook\'s secret sealed, for checking signatures', async () => {
    const view = await hooks.create(APP, { verification: HookVerification.HmacSha256 }, bed.causation);
    const row = await storedHook(view.id);
    assert.ok(row.sealedSecret);
    assert.equal(SECRETS.open(row.sealedSecret), view.secret);
  });

  it('refuses a body it does not know, naming the field', async () => {
    await assert.rejects(hooks.create(APP, { verification: 'md5' }, bed.causation), refusedField('verification'));
    await assert.rejects(hooks.create(APP, { verification: 'bearer', extra: true }, bed.causation), (error: unknown) => error instanceof Error && /extra/.test(error.message));
  });

  it('lists each owner\'s hooks apart, oldest first', async () => {
    const orgHook = await hooks.create(ORG, {}, bed.causation);
    assert.equal(orgHook.organization, 'acme');
    assert.equal(orgHook.repository, null);
    const mine = (await hooks.list(APP)).hooks;
    assert.equal(mine.length, 2);
    assert.ok(mine.every((h) => h.repository === 'acme/app'));
    assert.deepEqual((await hooks.list(ORG)).hooks.map((h) => h.id), [orgHook.id]);
    assert.deepEqual((await hooks.list(OTHER)).hooks, []);
  });

  it('treats another owner\'s hook as absent, and refuses an id that is no UUID', async () => {
    const [hook] = (await hooks.list(APP)).hooks;
    await assert.rejects(hooks.get(OTHER, hook!.id), (error: unknown) => error instanceof NotFoundError && error.message === `no hook ${hook!.id} here`);
    await assert.rejects(hooks.get(ORG, hook!.id), NotFoundError);
    await assert.rejects(hooks.delete(OTHER, hook!.id, bed.causation), NotFoundError);
    await assert.rejects(hooks.get(APP, 'NOT-A-UUID'), refusedField('hookId'));
    await assert.rejects(hooks.get(APP, randomUUID()), NotFoundError);
  });

  it('answers 404 for the hooks of a mirror or organization mirror that does not exist', async () => {
    await assert.rejects(hooks.list({ kind: 'mirror', target: { namespace: 'acme', repository: 'none' } }), (error: unknown) => error instanceof NotFoundError && error.message === 'no mirror is configured for acme/none');
    await assert.rejects(hooks.list({ kind: 'org-mirror', organization: 'nobody' }), (error: unknown) => error instanceof NotFoundError && error.message === 'nobody has no organization mirror');
  });

  it('rotates a secret: the new one\'s hash replaces the old one\'s', async () => {
    const view = await hooks.create(OTHER, {}, bed.causation);
    const rotated = await hooks.rotate(OTHER, view.id, bed.causation);
    assert.ok(rotated.secret && rotated.secret !== view.secret);
    assert.equal((await storedHook(view.id)).secretHash, tokenHash(rotated.secret));
    assert.ok(rotated.secret_rotated);
  });

  it('deletes a hook, and shows a hook\'s (empty) delivery log', async () => {
    const [hook] = (await hooks.list(OTHER)).hooks;
    assert.deepEqual(await hooks.deliveries(OTHER, hook!.id), { deliveries: [] });
    await hooks.delete(OTHER, hook!.id, bed.causation);
    assert.deepEqual((await hooks.list(OTHER)).hooks, []);
    await assert.rejects(hooks.get(OTHER, hook!.id), NotFoundError);
    assert.equal(await queries.hook(hook!.id), null);
  });
});
