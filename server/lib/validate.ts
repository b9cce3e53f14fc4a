import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { BadRequestError, type FieldProblem, type FieldReason } from './errors.js';

/** The reasons a schema's own rule (`refine`) may give in its `params.reason`. */
const customReasons = ['before_first_response', 'ends_before_start'] as const satisfies readonly FieldReason['code'][];

/** What a person can do about a zod issue (a page says it in their language); undefined when only the field can be named. */
function reasonOf(issue: z.core.$ZodIssue): FieldReason | undefined {
  switch (issue.code) {
    case 'too_big': {
      const limit = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'too_long', limit };
      if (issue.origin === 'array') return { code: 'too_many', limit };
      return issue.origin === 'number' ? { code: 'too_big', limit } : undefined;
    }
    case 'too_small': {
      const limit = Number(issue.minimum);
      if (issue.origin === 'string' || issue.origin === 'array') return limit <= 1 ? { code: 'required' } : { code: 'too_short', limit };
      if (issue.origin !== 'number') return undefined;
      return limit <= 1 ? { code: 'positive' } : { code: 'too_small', limit };
    }
    case 'invalid_type':
      return issue.expected === 'number' ? { code: 'number' } : undefined;
    case 'invalid_format':
      // A pattern (a code's letters): the field's hint says which (QA: "Code" alone said nothing).
      return issue.format === 'email' ? { code: 'email' } : issue.format === 'regex' ? { code: 'format' } : undefined;
    case 'invalid_value':
      return { code: 'choice' };
    case 'custom': {
      // A schema's own rule names its reason in `params` (e.g. a resolution target shorter than the first response).
      const reason: unknown = issue.params?.reason;
      return typeof reason === 'string' && (customReasons as readonly string[]).includes(reason) ? { code: reason as FieldReason['code'] } : undefined;
    }
    default:
      return undefined;
  }
}

/** Turns a ZodError into the field list our error shape carries. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    const reason = reasonOf(issue);
    return { path: issue.path.map(String).join('.') || '(body)', message: issue.message, ...(reason ? { reason } : {}) };
  });
}

/** Parses a value with a schema, throwing a 400 with one message per field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = fieldProblems(result.error);
    const summary = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
    throw new BadRequestError(`The ${what} is not valid: ${summary}`, fields);
  }
  return result.data;
}

interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

export interface Validated<B = unknown, Q = unknown, P = unknown> {
  body: B;
  query: Q;
  params: P;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Parsed, typed request parts, set by `validate()`. */
    valid?: Validated;
  }
}

/**
 * Middleware validating body, query and params with zod. Handlers read the typed
 * result with `valid(req, schemas)`; nothing reads raw `req.body` past this point.
 */
export function validate(schemas: RequestSchemas) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    req.valid = {
      body: schemas.body ? parse(schemas.body, req.body ?? {}, 'request body') : undefined,
      query: schemas.query ? parse(schemas.query, req.query, 'query string') : undefined,
      params: schemas.params ? parse(schemas.params, req.params, 'address') : undefined,
    };
    next();
  };
}

/** Typed access to what `validate()` parsed. */
export function valid<S extends RequestSchemas>(
  req: Request,
  _schemas: S,
): Validated<
  S['body'] extends z.ZodType ? z.output<S['body']> : undefined,
  S['query'] extends z.ZodType ? z.output<S['query']> : undefined,
  S['params'] extends z.ZodType ? z.output<S['params']> : undefined
> {
  if (!req.valid) throw new Error('validate() must run before valid()');
  return req.valid as never;
}
