/**
 * What the pipeline stores of a message's content besides its text: its files, through the same
 * allow-list and storage as the web form, and its HTML with the inline images pointing at them.
 *
 * - Every file is kept up to the size limit per file: the web form's count limit does not apply to
 *   mail (a sender cannot be asked to send fewer), so the count is bounded only by the parse limit
 *   on MIME parts. What is refused is named in the message's text, never dropped silently.
 * - `cid:` images of the stored HTML are rewritten to the authorized download route of the file
 *   they name (`/api/v1/attachments/<id>`: staff, the ticket policy), as content.ts promises; an
 *   image whose file was refused keeps no source at all.
 */
import type { Types } from 'mongoose';
import { saveAttachments, uploadProblems, type CheckedUpload, type UploadProblem } from '../../attachments/attachments.service.js';
import type { AttachmentStorage } from '../../attachments/storage.js';
import type { MessageContent } from './content.js';

export interface StoredFiles {
  ids: Types.ObjectId[];
  /** The refused files and why, named in the message's text (in the ticket's language). */
  refused: UploadProblem[];
  /** The HTML with its `cid:` images pointing at their stored files. */
  html: string | null;
}

/** The download URL staff use for an attachment (tickets/attachment.routes.ts). */
export const attachmentUrl = (id: Types.ObjectId | string): string => `/api/v1/attachments/${String(id)}`;

/** Rewrites `src="cid:…"` to the stored files' URLs; images without a stored file lose their source. */
export function withStoredImages(html: string | null, byContentId: ReadonlyMap<string, Types.ObjectId>): string | null {
  if (html === null) return null;
  return html.replace(/<img\b([^>]*?)\ssrc="cid:([^"]{1,500})"([^>]*)>/gi, (_, before: string, cid: string, after: string) => {
    let key = cid;
    try {
      key = decodeURIComponent(cid).trim();
    } catch {
      // a malformed escape: the cid as written
    }
    const id = byContentId.get(key);
    return id ? `<img${before} src="${attachmentUrl(id)}"${after}>` : `<img${before}${after}>`;
  });
}

/** Checks and stores the message's files (see the module comment). */
export async function storeInboundFiles(
  content: MessageContent,
  member: Types.ObjectId | null,
  options: { storage: AttachmentStorage; maxBytes: number; maxFiles: number },
): Promise<StoredFiles> {
  if (content.attachments.length === 0) return { ids: [], refused: [], html: content.html };
  const files = content.attachments.map((a) => ({ filename: a.filename, bytes: a.bytes, declaredType: a.contentType }));
  const { checked, problems } = await uploadProblems(files, [], { maxFiles: options.maxFiles, maxBytes: options.maxBytes });
  // uploadProblems keeps the order and the bytes: match each accepted file to its part by identity.
  const withCid: CheckedUpload[] = checked.map((c) => {
    const source = content.attachments.find((a) => a.bytes === c.bytes);
    return { ...c, contentId: source?.contentId ?? null, inline: source?.inline ?? false };
  });
  const saved =
    withCid.length > 0
      ? await saveAttachments(withCid, { storage: options.storage, uploadedBy: { kind: 'member', staff: null, member }, source: 'email' })
      : [];
  const byContentId = new Map<string, Types.ObjectId>();
  for (const file of saved) if (file.contentId && !byContentId.has(file.contentId)) byContentId.set(file.contentId, file._id);
  return {
    ids: saved.map((a) => a._id),
    refused: problems,
    html: withStoredImages(content.html, byContentId),
  };
}
