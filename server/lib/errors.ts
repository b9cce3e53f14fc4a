/**
 * A handful of error classes with stable codes. The central handler in
 * `web/error-handler.ts` turns them (and Mongoose's own errors) into responses.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'payload_too_large'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** Why a field was refused, when a person can act on it: a limit passed, a number, an address or a choice expected. */
export interface FieldReason {
  code:
    | 'required'
    | 'too_long'
    | 'too_short'
    | 'too_big'
    | 'too_small'
    | 'positive'
    | 'too_many'
    | 'number'
    | 'email'
    | 'choice'
    | 'format'
    | 'hours_format'
    | 'ends_before_start'
    | 'before_first_response'
    | 'tier_one_team'
    | 'hour_range'
    | 'overlap'
    | 'inactive_team'
    | 'mailbox_needs_email'
    | 'office_closed'
    | 'one_of';
  limit?: number;
  /** The values accepted (`one_of`), as the person would type them. */
  options?: readonly string[];
}

export interface FieldProblem {
  path: string;
  message: string;
  reason?: FieldReason;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldProblem[],
    /** Extra data a client needs to recover, e.g. the current ticket on a version conflict. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, fields?: FieldProblem[], details?: Record<string, unknown>) {
    super(400, fields ? 'validation_failed' : 'bad_request', message, fields, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Please sign in again: your session is missing or has expired.') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.', details?: Record<string, unknown>) {
    super(403, 'forbidden', message, undefined, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(409, 'conflict', message, undefined, details);
  }
}

/** 413: a body, a file or a number of files over a configured limit; the message states the limit. */
/** Something that existed and was removed on purpose (a retention period), as opposed to never found. */
export class GoneError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(410, 'gone', message, undefined, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string, fields?: FieldProblem[], details?: Record<string, unknown>) {
    super(413, 'payload_too_large', message, fields, details);
  }
}

/** 422: well-formed but refused content, e.g. a file type that is not on the allow-list. */
export class UnprocessableError extends AppError {
  constructor(message: string, fields?: FieldProblem[], details?: Record<string, unknown>) {
    super(422, 'unprocessable', message, fields, details);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message = 'Too many attempts. Please wait a moment and try again.', details?: Record<string, unknown>) {
    super(429, 'rate_limited', message, undefined, details);
  }
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
