import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { Requirement } from '@ferry/identity';
import { OPERATION, type OperationSpec } from '../http/operation';
import { PERMISSION } from './permission';

/** One HTTP route or gRPC method and what it declares it needs. */
export interface RouteEntry {
  controller: string;
  handler: string;
  http?: { method: string; path: string };
  grpc?: { service: string; rpc: string };
  requirement: Requirement | undefined;
  /** How the OpenAPI document describes an HTTP route (`@Operation`). */
  operation?: OperationSpec;
}

// Where @nestjs/microservices' @GrpcMethod keeps its pattern.
const PATTERN_METADATA = 'microservices:pattern';

const join = (...parts: string[]) => `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/** Every route and gRPC method of `controllers`, read from Nest's own decorator metadata. */
export function routeTable(controllers: readonly (abstract new (...args: never[]) => unknown)[]): RouteEntry[] {
  const entries: RouteEntry[] = [];
  for (const controller of controllers) {
    const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined) ?? '';
    const prototype = controller.prototype as Record<string, unknown>;
    for (const handler of Object.getOwnPropertyNames(prototype)) {
      const fn = prototype[handler];
      if (handler === 'constructor' || typeof fn !== 'function') continue;
      const requirement = Reflect.getMetadata(PERMISSION, fn) as Requirement | undefined;
      const path = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
      const patterns = Reflect.getMetadata(PATTERN_METADATA, fn) as { service: string; rpc: string }[] | undefined;
      if (path !== undefined) {
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
        const operation = Reflect.getMetadata(OPERATION, fn) as OperationSpec | undefined;
        for (const b of [base].flat()) for (const p of [path].flat()) entries.push({ controller: controller.name, handler, http: { method, path: join(b, p) }, requirement, ...(operation ? { operation } : {}) });
      }
      for (const pattern of patterns ?? []) entries.push({ controller: controller.name, handler, grpc: { service: pattern.service, rpc: pattern.rpc }, requirement });
    }
  }
  return entries;
}

/** Stops the service at boot when any route or gRPC method has no declared permission. */
export function assertEveryRouteDeclaresPermission(controllers: Parameters<typeof routeTable>[0]): void {
  const missing = routeTable(controllers).filter((e) => !e.requirement);
  if (missing.length) {
    throw new Error(`these operations declare no permission (@Requires): ${missing.map((e) => `${e.controller}.${e.handler}`).join(', ')}`);
  }
}
