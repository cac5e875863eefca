import { status as GrpcStatus } from '@grpc/grpc-js';
import { DomainErrorCode } from '@ferry/mirror';
import type { EdgeErrorCode } from './problem';

/** How an error leaves each edge: its HTTP status and problem title, and its gRPC status. */
export interface EdgeErrorAnswer {
  status: number;
  grpc: GrpcStatus;
  title: string;
  /** Quay's `error_type`, which its clients read on a 401 or 403 (sent with `error_message`). */
  quayErrorType?: 'invalid_token' | 'insufficient_scope';
}

/** The edge's own errors, at both edges. A new `EdgeErrorCode` does not compile until it has its row. */
export const EDGE_ERRORS: Record<EdgeErrorCode, EdgeErrorAnswer> = {
  INVALID_REQUEST: { status: 400, grpc: GrpcStatus.INVALID_ARGUMENT, title: 'Invalid request' },
  NOT_FOUND: { status: 404, grpc: GrpcStatus.NOT_FOUND, title: 'Not found' },
  UNAUTHENTICATED: { status: 401, grpc: GrpcStatus.UNAUTHENTICATED, title: 'Unauthorized', quayErrorType: 'invalid_token' },
  FORBIDDEN: { status: 403, grpc: GrpcStatus.PERMISSION_DENIED, title: 'Forbidden', quayErrorType: 'insufficient_scope' },
  SIGN_IN_THROTTLED: { status: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, title: 'Too many requests' },
  HOOK_RATE_LIMITED: { status: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, title: 'Too many requests' },
  READ_MODEL_BEHIND: { status: 503, grpc: GrpcStatus.UNAVAILABLE, title: 'Service unavailable' },
  // 422: the request is good, but the registries it names cannot be read as it asks; gRPC says so with FAILED_PRECONDITION.
  PREVIEW_FAILED: { status: 422, grpc: GrpcStatus.FAILED_PRECONDITION, title: 'Unprocessable content' },
};

/**
 * The deciders' refusals, at both edges: 404 is NOT_FOUND; 409 is ALREADY_EXISTS for a name taken,
 * FAILED_PRECONDITION for a state that forbids the command (as are Quay's 400 refusals of a state).
 */
export const DOMAIN_ERRORS: Record<DomainErrorCode, { status: 400 | 404 | 409; grpc: GrpcStatus }> = {
  [DomainErrorCode.MirrorNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.OrgMirrorNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  // Quay answers 400 for each of the organization mirror's refusals.
  [DomainErrorCode.OrgMirrorAlreadyExists]: { status: 400, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.OrganizationNotEmpty]: { status: 400, grpc: GrpcStatus.FAILED_PRECONDITION },
  [DomainErrorCode.DiscoveryInProgress]: { status: 400, grpc: GrpcStatus.FAILED_PRECONDITION },
  [DomainErrorCode.AlreadyCancelled]: { status: 400, grpc: GrpcStatus.FAILED_PRECONDITION },
  [DomainErrorCode.ManagedByOrgMirror]: { status: 400, grpc: GrpcStatus.FAILED_PRECONDITION },
  [DomainErrorCode.RuleNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.HookNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.RobotNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.UserNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.DefaultPermissionNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.OAuthApplicationNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.ProxyCacheAlreadyExists]: { status: 400, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.ProxyCacheNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.TokenNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.OrganizationNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.RepositoryNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.PermissionNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.UserAlreadyExists]: { status: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.OrganizationAlreadyExists]: { status: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.RepositoryAlreadyExists]: { status: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.MirrorAlreadyExists]: { status: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.SyncInProgress]: { status: 409, grpc: GrpcStatus.FAILED_PRECONDITION },
  [DomainErrorCode.NothingToCancel]: { status: 409, grpc: GrpcStatus.FAILED_PRECONDITION },
  [DomainErrorCode.StaleRun]: { status: 409, grpc: GrpcStatus.FAILED_PRECONDITION },
  [DomainErrorCode.RobotAlreadyExists]: { status: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.RuleAlreadyExists]: { status: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.HookAlreadyExists]: { status: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.TeamNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.TeamMemberNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.QuotaNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  [DomainErrorCode.QuotaLimitNotFound]: { status: 404, grpc: GrpcStatus.NOT_FOUND },
  // Quay answers 400 for a second quota and for a repeated limit.
  [DomainErrorCode.QuotaAlreadyExists]: { status: 400, grpc: GrpcStatus.ALREADY_EXISTS },
  [DomainErrorCode.QuotaLimitAlreadyExists]: { status: 400, grpc: GrpcStatus.ALREADY_EXISTS },
  // A run's refusal (the sync-worker's); no API command meets it.
  [DomainErrorCode.QuotaExceeded]: { status: 409, grpc: GrpcStatus.FAILED_PRECONDITION },
};

const DOMAIN_TITLES = { 400: 'Bad request', 404: 'Not found', 409: 'Conflict' } as const;

/** A domain refusal's problem title, from its status. */
export function domainTitle(code: DomainErrorCode): string {
  return DOMAIN_TITLES[DOMAIN_ERRORS[code].status];
}

/** The problem `type` of a stable code: `https://ferry.dev/problems/mirror-already-exists`. */
export function problemType(code: string): string {
  return `https://ferry.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}
