/**
 * How the member's pages word and show things: the status in the member's terms, dates in their
 * language and the office's zone, a message's files apart from the images it showed inline.
 */
import type { Attachment } from '../../attachments/attachments.service.js';
import { previewableImage } from '../../attachments/file-types.js';
import { formatSize } from '../../attachments/limits.js';
import { intlTags, type Locale, type Translate } from '../../lib/i18n.js';

/** Member-facing status words: what it means for them, not the staff workflow. */
export function statusLabel(t: Translate, status: string): string {
  return t(`portal.status.${status}`);
}

export function formatDate(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(intlTags[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);
}

/**
 * A message's files, the images it showed inline (`cid:`) apart: those are shown as images. A photo
 * among the files is shown small above its name (`preview`): the member sees which one they sent.
 */
export function memberFiles(
  files: Attachment[],
  locale: Locale,
): { files: { id: string; name: string; size: string; preview: boolean }[]; images: { id: string; name: string }[] } {
  const inline = (f: Attachment): boolean => Boolean(f.inline) && previewableImage(f.contentType);
  return {
    files: files
      .filter((f) => !inline(f))
      .map((f) => ({ id: String(f._id), name: f.filename, size: formatSize(f.size, locale), preview: previewableImage(f.contentType) })),
    images: files.filter(inline).map((f) => ({ id: String(f._id), name: f.filename })),
  };
}
