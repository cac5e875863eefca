import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { join } from 'node:path';
import { throwError, type Observable } from 'rxjs';
import { DomainError, type FieldProblem } from '@ferry/mirror';
import { errorText, unavailableDependency } from '@ferry/service-runtime';
import { DOMAIN_ERRORS, EDGE_ERRORS } from '../http/edge-errors';
import { EdgeError, InvalidRequestError } from '../http/problem';
import { PROTO_ROOT } from './grpc-options';

/** Trailer holding the stable code that the HTTP API returns as the problem's `code`. */
export const FERRY_CODE_TRAILER = 'ferry-code';
/** Trailer of the gRPC richer error model: a serialized google.rpc.Status. */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';
const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';

let rpcTypes: { status: protobuf.Type; badRequest: protobuf.Type } | undefined;
function googleRpc() {
  if (!rpcTypes) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_ROOT, target));
    root.loadSync('google/rpc/status.proto', { keepCase: true });
    rpcTypes = { status: root.lookupType('google.rpc.Status'), badRequest: root.lookupType('google.rpc.BadRequest') };
  }
  return rpcTypes;
}

/** A google.rpc.Status carrying a BadRequest with one violation per field. */
export function encodeBadRequest(code: number, message: string, problems: FieldProblem[]): Buffer {
  const { status, badRequest } = googleRpc();
  const value = badRequest.encode(badRequest.fromObject({ field_violations: problems.map((p) => ({ field: p.field, description: p.message })) })).finish();
  return Buffer.from(status.encode(status.fromObject({ code, message, details: [{ type_url: BAD_REQUEST_TYPE_URL, value }] })).finish());
}

/** The field violations in a `grpc-status-details-bin` trailer (for clients and tests). */
export function decodeBadRequest(details: Buffer): FieldProblem[] {
  const { status, badRequest } = googleRpc();
  const decoded = status.toObject(status.decode(details), { defaults: true }) as { details: { type_url: string; value: Uint8Array }[] };
  return decoded.details
    .filter((d) => d.type_url === BAD_REQUEST_TYPE_URL)
    .flatMap((d) => (badRequest.toObject(badRequest.decode(d.value), { defaults: true }) as { field_violations: { field: string; description: string }[] }).field_violations)
    .map((v) => ({ field: v.field, message: v.description }));
}

/** What grpc-js sends for a thrown error: `code`, `details` (the status message) and trailers. */
export interface GrpcError {
  code: GrpcStatus;
  details: string;
  message: string;
  metadata: Metadata;
}

function grpcError(code: GrpcStatus, ferryCode: string, details: string, extra?: (m: Metadata) => void): GrpcError {
  const metadata = new Metadata();
  metadata.set(FERRY_CODE_TRAILER, ferryCode);
  extra?.(metadata);
  return { code, details, message: details, metadata };
}

/** Maps the application services' errors by the HTTP edge's tables; anything else is INTERNAL and logged. */
export function grpcErrorFor(error: unknown): GrpcError {
  if (error instanceof InvalidRequestError) {
    const code = EDGE_ERRORS[error.code].grpc;
    const details = `invalid request: ${error.message}`;
    return grpcError(code, error.code, details, (m) => m.set(STATUS_DETAILS_TRAILER, encodeBadRequest(code, details, error.problems)));
  }
  if (error instanceof EdgeError) return grpcError(EDGE_ERRORS[error.code].grpc, error.code, error.message);
  if (error instanceof DomainError) return grpcError(DOMAIN_ERRORS[error.code].grpc, error.code, error.message);
  const away = unavailableDependency(error);
  if (away) return grpcError(GrpcStatus.UNAVAILABLE, 'DEPENDENCY_UNAVAILABLE', `${away} is unreachable; try again shortly`);
  Logger.error({ msg: `a gRPC call failed: ${errorText(error)}`, err: error }, 'mirror-config');
  return grpcError(GrpcStatus.INTERNAL, 'INTERNAL', 'the request failed; see the service log');
}

/** Every error of the gRPC controller leaves as a gRPC status; internals are logged, not returned. */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown> {
  catch(error: unknown): Observable<never> {
    return throwError(() => grpcErrorFor(error));
  }
}
