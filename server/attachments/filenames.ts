/**
 * Display names for attachments. A name comes from a browser or a mail client and is
 * only ever shown and offered as a download name, never used as a path: it is cut to
 * its last path segment, cleared of control and direction-override characters (which
 * can disguise `invoice‮fdp.exe` as `invoice.exe.pdf`), and given the extension of the
 * type its content was detected as, so what a person opens is what was checked.
 */

/** The longest display name kept (the database field's limit). */
export const maxFilenameLength = 255;

// Control characters (C0, DEL, C1) and format characters (bidi overrides, zero-width…).
const invisible = /[\p{Cc}\p{Cf}]/gu;
// Characters Windows refuses in file names: a download must save under the name shown.
const reserved = /[<>:"/\\|?*]/g;
const windowsDevice = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/** A safe display name from whatever a client declared ('attachment' when nothing is left). */
export function sanitizeFilename(declared: string): string {
  const lastSegment = declared.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = lastSegment.replace(invisible, '').replace(reserved, '_').replace(/\s+/g, ' ').trim();
  // No hidden files, no trailing dots or spaces (Windows drops them and the extension with them).
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (windowsDevice.test(name)) name = `_${name}`;
  if (name === '') name = 'attachment';
  return truncate(name, maxFilenameLength);
}

/** The extension of a name, lower-cased, without the dot ('' when there is none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * The sanitized name, ending with an extension that matches the detected type: kept when
 * it is one of `accepted` (e.g. jpg or jpeg), else `.<extension>` is appended
 * (`photo.exe` detected as PDF becomes `photo.exe.pdf`).
 */
export function displayName(declared: string, extension: string, accepted: readonly string[] = [extension]): string {
  const name = sanitizeFilename(declared);
  if (accepted.includes(extensionOf(name))) return name;
  const suffix = `.${extension}`;
  return `${truncate(name, maxFilenameLength - suffix.length)}${suffix}`;
}

/** Cuts a name to `max` UTF-16 units without splitting a surrogate pair, keeping its extension when short. */
function truncate(name: string, max: number): string {
  if (name.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const chars = Array.from(name.slice(0, name.length - ext.length));
  let stem = '';
  for (const c of chars) {
    if (stem.length + c.length > max - ext.length) break;
    stem += c;
  }
  return `${stem}${ext}`;
}
