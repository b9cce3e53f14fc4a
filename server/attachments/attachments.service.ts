/**
 * Attachments: checking uploads against the limits and the allow-list, saving them
 * (bytes first, then metadata), linking them to their message, and serving a download.
 * The web form, the member page, staff replies and inbound email all use these.
 *
 * A flow: `parseMultipart` (uploads.ts) → `uploadProblems` or `checkUploads` →
 * `saveAttachments` (no ticket yet) → create the message with the attachment ids →
 * `linkAttachments`. Downloads: `readableAttachment` (tickets/ticket-attachments.ts, the
 * ticket policy) → `sendAttachment`. Nothing here knows tickets: this folder sits below them.
 */
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, PayloadTooLargeError, UnprocessableError, type FieldProblem } from '../lib/errors.js';
import { AttachmentModel, type Attachment } from './attachment.model.js';
import { allowedTypesDescription, detectFileType, extensionAliases } from './file-types.js';
import { displayName, sanitizeFilename } from './filenames.js';
import { formatSize, type AttachmentLimits } from './limits.js';
import type { AttachmentStorage } from './storage.js';
import type { RejectedFile, UploadedFile } from './uploads.js';

/** The record the service reads and writes. */
export type { Attachment } from './attachment.model.js';

export { attachmentStorage } from './storage.js';

/**
 * An upload that passed every check. `filename` is now the display name (sanitized, with
 * the extension of the detected type), `contentType` the detected type, `sha256` the storage key.
 */
export type CheckedUpload = UploadedFile & {
  contentType: string;
  sha256: string;
  /** Extension of the detected type, without the dot. */
  extension: string;
  /** For inline email images: their `Content-ID` (without the angle brackets). */
  contentId?: string | null;
  /** An inline email image rather than an attached file. */
  inline?: boolean;
};

/** Why one file was refused, for a form that says it in the person's language. */
export interface UploadProblem {
  /** The file's name as the person chose it (sanitized for display). */
  file: string;
  problem: 'too_large' | 'too_many' | 'type_not_allowed' | 'empty';
  /** Bytes for `too_large`, a count of files for `too_many`. */
  limit?: number;
}

/**
 * Sorts uploads into the accepted ones and the problems, without throwing: files refused by
 * the parser (`rejected`), files past `maxFiles` or over `maxBytes` (for callers that did not
 * parse with those limits, e.g. inbound email), empty files and types not on the allow-list.
 */
export async function uploadProblems(
  files: UploadedFile[],
  rejected: RejectedFile[],
  limits: AttachmentLimits,
): Promise<{ checked: CheckedUpload[]; problems: UploadProblem[] }> {
  const checked: CheckedUpload[] = [];
  const problems: UploadProblem[] = [];
  let counted = 0;
  for (const upload of files) {
    const file = sanitizeFilename(upload.filename);
    counted += 1;
    if (counted > limits.maxFiles) {
      problems.push({ file, problem: 'too_many', limit: limits.maxFiles });
      continue;
    }
    if (upload.bytes.length > limits.maxBytes) {
      problems.push({ file, problem: 'too_large', limit: limits.maxBytes });
      continue;
    }
    const type = await detectFileType(upload.bytes, upload.filename);
    if (!type.ok) {
      problems.push({ file, problem: type.reason });
      continue;
    }
    checked.push({
      ...upload,
      filename: displayName(upload.filename, type.extension, extensionAliases[type.extension] ?? [type.extension]),
      contentType: type.contentType,
      extension: type.extension,
      sha256: createHash('sha256').update(upload.bytes).digest('hex'),
    });
  }
  for (const r of rejected) {
    const file = sanitizeFilename(r.filename);
    problems.push(r.reason === 'too_large' ? { file, problem: 'too_large', limit: limits.maxBytes } : { file, problem: 'too_many', limit: limits.maxFiles });
  }
  return { checked, problems };
}

/** One English sentence for a problem (the web form translates by `problem` itself). */
export function problemSentence(p: UploadProblem): string {
  switch (p.problem) {
    case 'too_large':
      return `"${p.file}" is larger than the limit of ${formatSize(p.limit ?? 0)} per file.`;
    case 'too_many':
      return `"${p.file}" was not attached: at most ${p.limit ?? 0} files can be attached.`;
    case 'empty':
      return `"${p.file}" is empty.`;
    default:
      return `"${p.file}" is not a type of file that can be attached. Allowed: ${allowedTypesDescription}.`;
  }
}

/**
 * The accepted uploads, or a throw naming each refused file: PayloadTooLargeError (413)
 * when a file was too large or too many, else UnprocessableError (422) for an empty file
 * or a type not allowed. The error carries `fields` (path `attachments`, one per problem)
 * and `problems` (the UploadProblem list) in its details.
 */
export async function checkUploads(files: UploadedFile[], rejected: RejectedFile[], limits: AttachmentLimits): Promise<CheckedUpload[]> {
  const { checked, problems } = await uploadProblems(files, rejected, limits);
  if (problems.length === 0) return checked;
  const fields: FieldProblem[] = problems.map((p) => ({ path: 'attachments', message: problemSentence(p) }));
  const message = fields.map((f) => f.message).join(' ');
  if (problems.some((p) => p.problem === 'too_large' || p.problem === 'too_many')) throw new PayloadTooLargeError(message, fields, { problems });
  throw new UnprocessableError(message, fields, { problems });
}

export interface SaveAttachmentsProps {
  storage: AttachmentStorage;
  uploadedBy: Attachment['uploadedBy'];
  source: Attachment['source'];
  ticket?: Types.ObjectId | null;
  message?: Types.ObjectId | null;
  at?: Date;
}

/**
 * Stores checked uploads: every file's bytes first, then the metadata, so a crash leaves
 * at worst a file no attachment names (never an attachment without its bytes).
 */
export async function saveAttachments(checked: CheckedUpload[], props: SaveAttachmentsProps): Promise<Attachment[]> {
  if (checked.length === 0) return [];
  for (const upload of checked) await props.storage.put(upload.sha256, upload.bytes);
  const at = props.at ?? new Date();
  const docs = checked.map((upload) => ({
    _id: new Types.ObjectId(),
    filename: sanitizeFilename(upload.filename),
    contentType: upload.contentType,
    size: upload.bytes.length,
    sha256: upload.sha256,
    ticket: props.ticket ?? null,
    message: props.message ?? null,
    uploadedBy: props.uploadedBy,
    source: props.source,
    contentId: upload.contentId ?? null,
    inline: upload.inline ?? false,
    createdAt: at,
  }));
  await AttachmentModel.insertMany(docs);
  return docs;
}

/**
 * Links saved attachments to the message (and ticket) they came with. Linking again to the
 * same message is harmless; an attachment already on another message is a ConflictError,
 * so an id sent by a client can never move someone else's file.
 */
export async function linkAttachments(ids: Types.ObjectId[], ticket: Types.ObjectId, message: Types.ObjectId): Promise<void> {
  // One read and one write by `_id` each: the only filter FerretDB's SQLite storage pushes down.
  const found = await Promise.all(ids.map((id) => AttachmentModel.findById(id).lean<Attachment>()));
  for (const [i, attachment] of found.entries()) {
    if (!attachment) throw new NotFoundError(`No attachment ${String(ids[i])}.`);
    const elsewhere = (attachment.ticket && !attachment.ticket.equals(ticket)) || (attachment.message && !attachment.message.equals(message));
    if (elsewhere) throw new ConflictError('This attachment already belongs to another message.');
  }
  await Promise.all(ids.map((id) => AttachmentModel.updateOne({ _id: id }, { $set: { ticket, message } })));
}

/** The attachments of some messages, oldest first (for a thread). */
export async function listAttachmentsOf(messageIds: Types.ObjectId[]): Promise<Attachment[]> {
  if (messageIds.length === 0) return [];
  return AttachmentModel.find({ message: { $in: messageIds } })
    .sort({ createdAt: 1, _id: 1 })
    .lean<Attachment[]>();
}

/** An attachment by id, or null (also for a malformed id). */
export async function findAttachment(id: string | Types.ObjectId): Promise<Attachment | null> {
  if (typeof id === 'string' && !/^[0-9a-f]{24}$/i.test(id)) return null;
  return AttachmentModel.findById(id).lean<Attachment>();
}

/**
 * Sends an attachment as a download that no browser will render or sniff: its detected
 * type (text with its charset), `Content-Disposition: attachment` with the name encoded by
 * RFC 6266/5987 (`filename*=UTF-8''…` for non-ASCII names), nosniff, a sandboxing CSP and
 * no caching. 404 when the file is missing from the storage.
 */
export async function sendAttachment(res: Response, attachment: Attachment, storage: AttachmentStorage): Promise<void> {
  if (!(await storage.exists(attachment.sha256))) {
    res.req.log?.error({ attachment: String(attachment._id), sha256: attachment.sha256 }, 'attachment file missing from the storage');
    throw new NotFoundError('The file of this attachment is missing.');
  }
  const headers: Record<string, string> = {
    'Content-Type': contentTypeHeader(attachment.contentType),
    'Content-Length': String(attachment.size),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  };
  // Express's `content-disposition` package: a quoted ASCII fallback plus filename* when needed.
  res.attachment(attachment.filename);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  try {
    await pipeline(storage.stream(attachment.sha256), res);
  } catch (error) {
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      for (const name of Object.keys(headers)) res.removeHeader(name);
      throw error;
    }
    // The client went away, or the file broke mid-way: the response cannot be repaired.
    res.req.log?.warn({ err: error, attachment: String(attachment._id) }, 'attachment download interrupted');
    res.destroy();
  }
}

/** The Content-Type header for a stored type: text without a charset is UTF-8. */
export function contentTypeHeader(contentType: string): string {
  return contentType.startsWith('text/') && !/;\s*charset=/i.test(contentType) ? `${contentType}; charset=utf-8` : contentType;
}
