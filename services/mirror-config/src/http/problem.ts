import type { FieldProblem } from '@ferry/mirror';

/** A request refused before anything was appended; the edge answers 400 naming each field. */
export class InvalidRequestError extends Error {
  readonly code = 'INVALID_REQUEST' as const;
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field} ${p.message}`).join('; '));
  }
}

/** A resource the path names does not exist. */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND' as const;
}

/** RFC 9457 problem details, as every error response of the API. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldProblem[];
}
