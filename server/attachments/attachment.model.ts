/**
 * An attachment's metadata. Its bytes are in the attachment storage under `sha256`
 * (storage.ts), written before this document, so metadata never points at nothing.
 * An attachment is saved when it is uploaded (`ticket` and `message` null) and linked
 * once its message exists; one not linked to a ticket cannot be downloaded.
 */
import { Schema, model, type Types } from 'mongoose';
import { maxFilenameLength } from './filenames.js';

export const uploaderKinds = ['member', 'staff', 'system'] as const;
export const attachmentSources = ['web', 'email', 'staff'] as const;

const attachmentSchema = new Schema({
  /** Display name (filenames.ts `displayName`): no path, no control characters. */
  filename: {
    type: String,
    required: true,
    maxlength: maxFilenameLength,
    validate: { validator: (v: string) => !/[/\\\p{Cc}]/u.test(v), message: 'a file name has no path and no control characters' },
  },
  /** The type detected from the content (file-types.ts), never the one a client declared. */
  contentType: { type: String, required: true, maxlength: 120 },
  size: { type: Number, required: true, min: 0 },
  sha256: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
  ticket: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
  message: { type: Schema.Types.ObjectId, ref: 'Message', default: null },
  uploadedBy: {
    kind: { type: String, enum: uploaderKinds, required: true },
    staff: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    member: { type: Schema.Types.ObjectId, ref: 'Member', default: null },
  },
  source: { type: String, enum: attachmentSources, required: true },
  /** The `Content-ID` of an inline email image, so `cid:` references in the HTML can be resolved. */
  contentId: { type: String, maxlength: 998, default: null },
  inline: { type: Boolean, default: false },
  createdAt: { type: Date, required: true, default: () => new Date() },
});
attachmentSchema.index({ ticket: 1 });
attachmentSchema.index({ message: 1 });
// Housekeeping: whether a stored file is still named by an attachment (orphan-files.ts).
attachmentSchema.index({ sha256: 1 });

/** An attachment as stored (lean). */
export interface Attachment {
  _id: Types.ObjectId;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  ticket: Types.ObjectId | null;
  message: Types.ObjectId | null;
  uploadedBy: { kind: (typeof uploaderKinds)[number]; staff: Types.ObjectId | null; member: Types.ObjectId | null };
  source: (typeof attachmentSources)[number];
  contentId: string | null;
  inline: boolean;
  createdAt: Date;
}

export const AttachmentModel = model('Attachment', attachmentSchema);
