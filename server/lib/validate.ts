import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { BadRequestError, type FieldProblem } from './errors.js';

/** Turns a ZodError into the field list our error shape carries. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
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
