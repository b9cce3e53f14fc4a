/**
 * Lets a JSON API route take files too: a `multipart/form-data` request carries the JSON body as
 * its `payload` field and the files as `attachments` parts. This middleware (a route's `before`,
 * lib/route-table.ts) reads it into `req.body` — so the route's zod schema checks it exactly as it
 * checks a JSON body — and the files into `req.uploads`, still to be checked (`checkUploads`).
 * A request declaring more than the bound is refused from its `Content-Length` (413), unread.
 */
import type { NextFunction, Request, Response } from 'express';
import { BadRequestError } from '../lib/errors.js';
import type { AttachmentLimits } from './limits.js';
import { parseMultipart, type RejectedFile, type UploadedFile } from './uploads.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The files of a multipart API request (`multipartBody`), not yet checked. */
    uploads?: { files: UploadedFile[]; rejected: RejectedFile[] };
  }
}

/** The middleware for a route that accepts files up to `limits` (JSON requests pass through untouched). */
export function multipartBody(limits: AttachmentLimits, maxPayloadBytes = 256 * 1024) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    const parsed = await parseMultipart(req, {
      maxFiles: limits.maxFiles,
      maxBytes: limits.maxBytes,
      maxFieldBytes: maxPayloadBytes,
      fileField: 'attachments',
    });
    let body: unknown;
    try {
      body = JSON.parse(parsed.fields.payload ?? '');
    } catch {
      throw new BadRequestError('A multipart request carries its JSON body in the "payload" field.', [{ path: 'payload', message: 'expected JSON' }]);
    }
    req.body = body;
    req.uploads = { files: parsed.files, rejected: parsed.rejected };
    next();
  };
}
