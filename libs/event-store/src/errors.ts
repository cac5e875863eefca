/** The subject moved on since it was read: re-read, decide again, append again. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION' as const;
  readonly retryable = true;
  constructor(
    readonly subject: string,
    readonly expectedSequence: number,
    options?: ErrorOptions,
  ) {
    super(`${subject} is no longer at sequence ${expectedSequence}`, options);
  }
}

/** handleCommand gave up after conflicting with concurrent writers this many times. */
export class TooMuchContentionError extends Error {
  readonly code = 'TOO_MUCH_CONTENTION' as const;
  readonly retryable = true;
  constructor(subject: string, attempts: number, options?: ErrorOptions) {
    super(`gave up on ${subject} after ${attempts} conflicting appends`, options);
  }
}

/** A message in the stream that is not a Ferry event (wrong JSON or shape). */
export class MalformedEventError extends Error {
  readonly code = 'MALFORMED_EVENT' as const;
  readonly retryable = false;
  constructor(position: number, options?: ErrorOptions) {
    super(`the message at stream sequence ${position} is not a Ferry event`, options);
  }
}
