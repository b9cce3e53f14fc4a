/**
 * Reads a `multipart/form-data` request (web form, member page) with busboy. Every text
 * field is kept even when a file is refused, so the form can be shown again with what
 * the person wrote and a sentence about the file. A file over the size limit is read
 * no further than the limit and reported in `rejected`, like the files past the count
 * limit; the whole request is bounded (files × size + a margin for the fields), and past
 * that the request is refused with 413 — from the declared Content-Length, before reading anything
 * (and the connection is closed), or when the bytes counted pass the bound. Nothing a client sends can crash the parse: a
 * malformed body is a 400.
 */
import type { Request } from 'express';
import busboy from 'busboy';
import { BadRequestError, PayloadTooLargeError, type AppError } from '../lib/errors.js';
import { formatSize } from './limits.js';

export interface UploadedFile {
  /** The name the client declared (UTF-8), not yet sanitized. */
  filename: string;
  bytes: Buffer;
  /** The type the client declared: information only, never trusted. */
  declaredType: string;
}

export interface RejectedFile {
  filename: string;
  reason: 'too_large' | 'too_many';
}

export interface MultipartLimits {
  maxFiles: number;
  maxBytes: number;
  /** Largest text field, in bytes (default 1 MiB). */
  maxFieldBytes?: number;
  /** Only file parts of this field name are attachments; others are skipped (default: every file part). */
  fileField?: string;
}

export interface ParsedMultipart {
  /** Text fields by name; when a name repeats, the first value is kept. */
  fields: Record<string, string>;
  files: UploadedFile[];
  rejected: RejectedFile[];
}

const defaultMaxFieldBytes = 1024 * 1024;
const maxFields = 200;
const maxParts = 1000;
// Part headers, boundaries and small fields on top of the files and one large text field.
const overhead = 256 * 1024;

/** The most bytes a request may carry with these limits. */
export function requestBound(limits: MultipartLimits): number {
  const fieldBytes = limits.maxFieldBytes ?? defaultMaxFieldBytes;
  return limits.maxFiles * limits.maxBytes + 2 * fieldBytes + overhead;
}

function tooLargeRequest(limits: MultipartLimits): PayloadTooLargeError {
  const message = `The request is too large: at most ${limits.maxFiles} files of ${formatSize(limits.maxBytes)} each can be sent.`;
  return new PayloadTooLargeError(message, [{ path: 'attachments', message }], { limits: { maxFiles: limits.maxFiles, maxBytes: limits.maxBytes } });
}

/**
 * Answers without reading the body: `Connection: close` makes Node end the connection once the
 * answer is written, rather than read the rest of the body to keep it alive.
 */
function closeAfterAnswer(req: Request): void {
  req.pause();
  const res = req.res;
  if (res && !res.headersSent) res.setHeader('Connection', 'close');
  res?.once('finish', () => req.socket.destroySoon());
}

/** Reads and discards what is left of a request, so the client can read the answer (as body-parser does). */
function drain(req: Request): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) {
      resolve();
      return;
    }
    req.once('end', () => resolve());
    req.once('close', () => resolve());
    req.once('error', () => resolve());
    req.resume();
  });
}

/**
 * Parses a multipart request: text fields, accepted files (in memory, each at most
 * `maxBytes`) and the files refused for their size or number. Throws BadRequestError
 * (400) for a body that is not well-formed multipart, PayloadTooLargeError (413) when the
 * request is over its bound or a text field over `maxFieldBytes`.
 */
export async function parseMultipart(req: Request, limits: MultipartLimits): Promise<ParsedMultipart> {
  const maxFieldBytes = limits.maxFieldBytes ?? defaultMaxFieldBytes;
  const bound = requestBound(limits);
  if (!req.is('multipart/form-data')) {
    await drain(req);
    throw new BadRequestError('Expected a multipart/form-data body (a form with files).');
  }
  // Another body parser got there first: there is nothing left to read (a programming error).
  if (req.readableEnded) throw new Error('parseMultipart: the request body was already read.');
  const declaredLength = Number(req.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > bound) {
    // Refused from the header: not one byte of the body is read. Reading what a client declared
    // (gigabytes, or a body that never ends) only to keep the connection open is the very cost
    // the bound is there to avoid, so the connection closes after the answer instead.
    closeAfterAnswer(req);
    throw tooLargeRequest(limits);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // One byte over the limit tells a file of exactly `maxBytes` from a larger one.
      limits: { fileSize: limits.maxBytes + 1, fieldSize: maxFieldBytes, fields: maxFields, parts: maxParts },
    });
  } catch (error) {
    await drain(req);
    throw new BadRequestError(`The form data is malformed: ${error instanceof Error ? error.message : 'unreadable'}.`);
  }
  return collect(req, parser, limits, bound, maxFieldBytes);
}

function collect(req: Request, parser: busboy.Busboy, limits: MultipartLimits, bound: number, maxFieldBytes: number): Promise<ParsedMultipart> {
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    // Every named file part in the order sent; the lists are built from it at the end.
    const parts: { filename: string; declaredType: string; chunks: Buffer[]; size: number; refused?: RejectedFile['reason'] }[] = [];
    const reading: Promise<void>[] = [];
    let received = 0;
    let problem: AppError | undefined;
    let settled = false;

    const fail = (error: AppError): void => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.on('error', () => undefined);
      parser.destroy();
      void drain(req).then(() => reject(error));
    };

    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > bound) fail(tooLargeRequest(limits));
    });
    req.on('error', () => fail(new BadRequestError('The request was aborted before it was complete.')));
    req.on('close', () => {
      if (!req.complete) fail(new BadRequestError('The request was aborted before it was complete.'));
    });

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        const message = `The field "${name}" is too long (limit ${formatSize(maxFieldBytes)}).`;
        problem ??= new PayloadTooLargeError(message, [{ path: name, message }]);
      }
      if (!fields.has(name)) fields.set(name, value);
    });

    parser.on('file', (name, stream, info) => {
      // A part cut short errors its stream; the parser reports the malformed body itself.
      stream.on('error', () => undefined);
      const filename = info.filename ?? '';
      // An empty file input is sent as a part with an empty name: nothing was chosen.
      if (filename === '' || (limits.fileField !== undefined && name !== limits.fileField)) {
        stream.resume();
        return;
      }
      const part = { filename, declaredType: info.mimeType, chunks: [] as Buffer[], size: 0, refused: undefined as RejectedFile['reason'] | undefined };
      parts.push(part);
      if (parts.length > limits.maxFiles) {
        part.refused = 'too_many';
        stream.resume();
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        if (part.refused) return;
        part.size += chunk.length;
        if (part.size > limits.maxBytes) {
          part.refused = 'too_large';
          part.chunks = [];
        } else part.chunks.push(chunk);
      });
      reading.push(
        new Promise<void>((done) => {
          stream.on('end', () => done());
          stream.on('error', () => done());
        }),
      );
    });

    const over = (what: string) => () => {
      const message = `The form has too many ${what}.`;
      problem ??= new PayloadTooLargeError(message, [{ path: 'attachments', message }]);
    };
    parser.on('fieldsLimit', over('fields'));
    parser.on('partsLimit', over('parts'));

    parser.on('error', (error: unknown) => {
      fail(new BadRequestError(`The form data is malformed: ${error instanceof Error ? error.message : 'unreadable'}.`));
    });
    parser.on('close', () => {
      void Promise.all(reading).then(() => {
        if (settled) return;
        settled = true;
        if (problem) {
          reject(problem);
          return;
        }
        resolve({
          fields: Object.fromEntries(fields),
          files: parts.filter((p) => !p.refused).map((p) => ({ filename: p.filename, bytes: Buffer.concat(p.chunks, p.size), declaredType: p.declaredType })),
          rejected: parts.flatMap((p) => (p.refused ? [{ filename: p.filename, reason: p.refused }] : [])),
        });
      });
    });

    req.pipe(parser);
  });
}
