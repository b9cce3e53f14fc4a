/**
 * The one place errors become responses: stable codes, one JSON shape
 * `{ error: { code, message, fields? } }`, an HTML page for browsers, and never a
 * stack trace to a client. Unknown errors are logged with the request id and
 * answered with a generic 500 that quotes that id.
 */
import { errorReasons } from '../lib/error-reasons.js';
import type { Translate } from '../lib/i18n.js';
import type { NextFunction, Request, Response } from 'express';
import mongoose from 'mongoose';
import { AppError, ConflictError, NotFoundError, isDuplicateKeyError, BadRequestError } from '../lib/errors.js';
import { renderPage, wantsJson } from './render.js';

interface HttpError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

/** Maps anything thrown to an AppError, or undefined when it is an unexpected failure. */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof mongoose.Error.CastError) return new NotFoundError();
  if (error instanceof mongoose.Error.ValidationError) {
    const fields = Object.entries(error.errors).map(([path, e]) => ({ path, message: e.message }));
    return new BadRequestError(`The data is not valid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
  }
  if (isDuplicateKeyError(error)) return new ConflictError('This already exists, or someone else did it at the same moment. Reload and try again.');
  const http = error as HttpError;
  switch (http?.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'bad_request', `The request body is not valid JSON: ${http.message}`);
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', `The request body is too large (limit ${http.limit ?? '?'} bytes).`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415 as number, 'bad_request', http.message);
    case 'request.aborted':
      return new AppError(400, 'bad_request', 'The request was aborted before it was complete.');
    default:
      break;
  }
  const status = http?.status ?? http?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError(status, 'bad_request', http.message);
  return undefined;
}

/** What a page says of a refusal: its reason in the page's language, else its kind; never the API's English sentence. */
function pageText(error: AppError, t: Translate): string {
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
  if (reason && (errorReasons as readonly string[]).includes(reason)) return t(`client.reason.${reason}`);
  return t(`wording.errors.${error.code}`, { defaultValue: t('errors.generic_text') });
}

export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const known = toAppError(error);
  const status = known?.status ?? 500;
  if (!known) req.log?.error({ err: error }, 'unhandled error');
  else if (status >= 500) req.log?.error({ err: error }, known.message);
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = {
    error: {
      code: known?.code ?? 'internal',
      message: known?.message ?? `An unexpected error occurred. Reference: ${String(req.id)}`,
      ...(known?.fields ? { fields: known.fields } : {}),
      ...(known?.details ?? {}),
    },
  };
  if (wantsJson(req)) {
    res.status(status).json(body);
    return;
  }
  const notFound = status === 404;
  renderPage(
    req,
    res,
    'error',
    {
      title: res.locals.t(notFound ? 'errors.not_found_title' : 'errors.generic_title'),
      text: notFound ? res.locals.t('errors.not_found_text') : known && status < 500 ? pageText(known, res.locals.t) : res.locals.t('errors.generic_text'),
      reference: status >= 500 ? String(req.id) : undefined,
    },
    status,
  );
}

/** The last route: anything unmatched is a 404 in the caller's format. */
export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError('There is nothing at this address.'));
}
