import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { join } from 'node:path';
import { throwError, type Observable } from 'rxjs';
import { DomainError, DomainErrorCode, type FieldProblem } from '@ferry/mirror';
import { errorText, unavailableDependency } from '@ferry/service-runtime';
import { ForbiddenError, InvalidRequestError, NotFoundError, ReadModelBehindError, SignInThrottledError, UnauthenticatedError } from '../http/problem';
import { PROTO_ROOT } from './grpc-options';

/** The gRPC twin of the HTTP edge's status table: 404 -> NOT_FOUND, 409 (and Quay's 400 refusals of a state) -> ALREADY_EXISTS or FAILED_PRECONDITION. */
const DOMAIN_STATUS: Record<DomainErrorCode, GrpcStatus> = {
  [DomainErrorCode.MirrorNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.OrgMirrorNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.OrgMirrorAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.OrganizationNotEmpty]: GrpcStatus.FAILED_PRECONDITION,
  [DomainErrorCode.DiscoveryInProgress]: GrpcStatus.FAILED_PRECONDITION,
  [DomainErrorCode.AlreadyCancelled]: GrpcStatus.FAILED_PRECONDITION,
  [DomainErrorCode.ManagedByOrgMirror]: GrpcStatus.FAILED_PRECONDITION,
  [DomainErrorCode.RuleNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.HookNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.RobotNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.UserNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.TokenNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.OrganizationNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.RepositoryNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.PermissionNotFound]: GrpcStatus.NOT_FOUND,
  [DomainErrorCode.UserAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.OrganizationAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.RepositoryAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.MirrorAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.RobotAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.RuleAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.HookAlreadyExists]: GrpcStatus.ALREADY_EXISTS,
  [DomainErrorCode.SyncInProgress]: GrpcStatus.FAILED_PRECONDITION,
  [DomainErrorCode.NothingToCancel]: GrpcStatus.FAILED_PRECONDITION,
  [DomainErrorCode.StaleRun]: GrpcStatus.FAILED_PRECONDITION,
};

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

/** Maps the application services' errors as the HTTP edge does; anything else is INTERNAL and logged. */
export function grpcErrorFor(error: unknown): GrpcError {
  if (error instanceof InvalidRequestError) {
    const details = `invalid request: ${error.message}`;
    return grpcError(GrpcStatus.INVALID_ARGUMENT, error.code, details, (m) =>
      m.set(STATUS_DETAILS_TRAILER, encodeBadRequest(GrpcStatus.INVALID_ARGUMENT, details, error.problems)),
    );
  }
  if (error instanceof DomainError) return grpcError(DOMAIN_STATUS[error.code], error.code, error.message);
  if (error instanceof NotFoundError) return grpcError(GrpcStatus.NOT_FOUND, error.code, error.message);
  if (error instanceof UnauthenticatedError) return grpcError(GrpcStatus.UNAUTHENTICATED, error.code, error.message);
  if (error instanceof ForbiddenError) return grpcError(GrpcStatus.PERMISSION_DENIED, error.code, error.message);
  if (error instanceof SignInThrottledError) return grpcError(GrpcStatus.RESOURCE_EXHAUSTED, error.code, error.message);
  if (error instanceof ReadModelBehindError) return grpcError(GrpcStatus.UNAVAILABLE, error.code, error.message);
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
