import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Inject } from '@nestjs/common';
import { z } from 'zod';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { routeTable } from '../auth/route-table';
import { openApiDocument, type ApiDocument } from './openapi-document';
import { Operation, responseSchema } from '../http/operation';

export const API_DOCUMENT = Symbol('API_DOCUMENT');

/** mirror-config's version, the document's `info.version`. */
const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** The document of `controllers`, built once at boot. */
export function apiDocumentProvider(controllers: Parameters<typeof routeTable>[0]) {
  return { provide: API_DOCUMENT, useFactory: (): ApiDocument => openApiDocument(routeTable(controllers), VERSION) };
}

const OPENAPI_DOCUMENT = responseSchema(
  'OpenApiDocument',
  z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).meta({ description: 'This document: OpenAPI 3.1.' }),
);

/**
 * The API describes itself: the OpenAPI document at `/openapi.json`, and at Quay's discovery
 * path for Quay's clients. Public: a description of the API is no secret, and grants nothing.
 */
@Controller()
export class OpenApiController {
  constructor(@Inject(API_DOCUMENT) private readonly api: ApiDocument) {}

  @Get('openapi.json')
  @Requires(requires.public())
  @Operation({ summary: 'The OpenAPI 3.1 document of this API', responses: { 200: OPENAPI_DOCUMENT } })
  document() {
    return this.api.document;
  }

  @Get('api/v1/discovery')
  @Requires(requires.public())
  @Operation({ summary: 'The OpenAPI document at Quay\'s discovery path', responses: { 200: OPENAPI_DOCUMENT } })
  discovery() {
    return this.api.document;
  }
}
