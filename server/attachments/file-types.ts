/**
 * Which files members and staff may attach, decided by their content (magic bytes,
 * `file-type`), never by their name or the type a browser declared.
 *
 * The allow-list — documents and photos a member sends to a helpdesk:
 *
 * | kind | types | detected as |
 * |---|---|---|
 * | PDF | `application/pdf` | `%PDF-` |
 * | photos and scans | PNG (also animated), JPEG, GIF, WebP, HEIC/HEIF (phones), AVIF, TIFF | image signatures |
 * | Office | DOCX, XLSX, PPTX | ZIP whose `[Content_Types].xml` says so (macro-enabled variants refused) |
 * | OpenDocument | ODT, ODS, ODP | ZIP whose `mimetype` entry says so |
 * | old Office | DOC, XLS, PPT | compound file (CFB) holding a `WordDocument`, `Workbook`/`Book` or `PowerPoint Document` stream (so MSI installers and Outlook items are refused) |
 * | RTF | `application/rtf` | `{\rtf` |
 * | plain text, CSV | `text/plain`, `text/csv` (by the name's `.csv`) | no signature: valid UTF-8, or Windows-1252/Latin-1, with no NUL and no control character but tab, line feed, carriage return and form feed, and not starting with `<` (HTML, SVG, XML) |
 * | calendar invitations | `text/calendar` | text (as above) starting with `BEGIN:VCALENDAR` |
 * | compressed archives | ZIP, 7z, RAR, gzip, bzip2, xz, tar | archive signatures; stored and served as downloads, never unpacked on the server |
 *
 * Everything else is refused, in particular executables and installers (also inside nothing:
 * an archive is never opened, so what it holds is the downloader's to check), Java and Android
 * packages, scripts, HTML, SVG, XML, fonts, audio and video. The detected type is
 * what downloads are served as, with `nosniff`, so a browser never reinterprets a file.
 */
import { fileTypeFromBuffer } from 'file-type';

export type DetectedFileType = { ok: true; contentType: string; extension: string } | { ok: false; reason: 'type_not_allowed' | 'empty' };

interface AllowedType {
  contentType: string;
  extension: string;
}

/** `file-type` results (by its `ext`) that are accepted, with the type they are stored and served as. */
const bySignature: Record<string, AllowedType> = {
  pdf: { contentType: 'application/pdf', extension: 'pdf' },
  png: { contentType: 'image/png', extension: 'png' },
  apng: { contentType: 'image/png', extension: 'png' },
  jpg: { contentType: 'image/jpeg', extension: 'jpg' },
  gif: { contentType: 'image/gif', extension: 'gif' },
  webp: { contentType: 'image/webp', extension: 'webp' },
  avif: { contentType: 'image/avif', extension: 'avif' },
  tif: { contentType: 'image/tiff', extension: 'tif' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
  pptx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx' },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', extension: 'odt' },
  ods: { contentType: 'application/vnd.oasis.opendocument.spreadsheet', extension: 'ods' },
  odp: { contentType: 'application/vnd.oasis.opendocument.presentation', extension: 'odp' },
  rtf: { contentType: 'application/rtf', extension: 'rtf' },
  ics: { contentType: 'text/calendar', extension: 'ics' },
  zip: { contentType: 'application/zip', extension: 'zip' },
  '7z': { contentType: 'application/x-7z-compressed', extension: '7z' },
  rar: { contentType: 'application/vnd.rar', extension: 'rar' },
  gz: { contentType: 'application/gzip', extension: 'gz' },
  bz2: { contentType: 'application/x-bzip2', extension: 'bz2' },
  xz: { contentType: 'application/x-xz', extension: 'xz' },
  tar: { contentType: 'application/x-tar', extension: 'tar' },
};

/** HEIC and HEIF share `file-type`'s `heic` extension; the MIME type tells them apart. */
const heifFamily: Record<string, AllowedType> = {
  'image/heic': { contentType: 'image/heic', extension: 'heic' },
  'image/heic-sequence': { contentType: 'image/heic-sequence', extension: 'heic' },
  'image/heif': { contentType: 'image/heif', extension: 'heif' },
  'image/heif-sequence': { contentType: 'image/heif-sequence', extension: 'heif' },
};

/** Old Office documents: the compound-file stream each one must hold. */
const compoundDocuments: { streams: string[]; type: AllowedType }[] = [
  { streams: ['worddocument'], type: { contentType: 'application/msword', extension: 'doc' } },
  { streams: ['workbook', 'book'], type: { contentType: 'application/vnd.ms-excel', extension: 'xls' } },
  { streams: ['powerpoint document'], type: { contentType: 'application/vnd.ms-powerpoint', extension: 'ppt' } },
];

const textTypes = {
  plain: { contentType: 'text/plain', extension: 'txt' },
  csv: { contentType: 'text/csv', extension: 'csv' },
  calendar: { contentType: 'text/calendar', extension: 'ics' },
} as const;

/**
 * Other extensions a name may keep for a detected extension (`scan.jpeg` stays as it is;
 * `notes.js` holding text becomes `notes.js.txt`). See `displayName` in filenames.ts.
 */
export const extensionAliases: Record<string, readonly string[]> = {
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  tif: ['tif', 'tiff'],
  heic: ['heic', 'heif'],
  heif: ['heif', 'heic'],
  txt: ['txt', 'text', 'log', 'md', 'tsv'],
  ics: ['ics', 'ical', 'ifb', 'vcs'],
  gz: ['gz', 'tgz'],
};

/**
 * What a file picker offers (the `accept` attribute): the extensions of every allowed type, with their
 * aliases. A hint to the browser only (phones grey out the rest); the bytes decide, as above.
 */
export const pickerAccept: string = [
  ...new Set(
    [...Object.values(bySignature), ...Object.values(heifFamily), ...compoundDocuments.map((c) => c.type), ...Object.values(textTypes)].flatMap(
      (type) => extensionAliases[type.extension] ?? [type.extension],
    ),
  ),
]
  .map((extension) => `.${extension}`)
  .join(',');

/** A sentence listing the allowed kinds, for error messages. */
export const allowedTypesDescription =
  'PDF; images (PNG, JPEG, GIF, WebP, HEIC/HEIF, AVIF, TIFF); Word, Excel and PowerPoint (DOCX, XLSX, PPTX, DOC, XLS, PPT); OpenDocument (ODT, ODS, ODP); RTF; plain text and CSV; calendar invitations (ICS); archives (ZIP, 7z, RAR, gzip, bzip2, xz, tar)';

/**
 * Detects the type of a file from its bytes. `declaredName` only chooses between
 * text/plain and text/csv for text, which has no signature; it never makes a file acceptable.
 */
export async function detectFileType(bytes: Buffer, declaredName: string): Promise<DetectedFileType> {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  let signature: { ext: string; mime: string } | undefined;
  try {
    signature = await fileTypeFromBuffer(bytes);
  } catch {
    // A damaged container can make a parser give up: such a file is not accepted.
    return { ok: false, reason: 'type_not_allowed' };
  }
  if (signature) {
    const allowed = signature.ext === 'heic' ? heifFamily[signature.mime] : signature.ext === 'cfb' ? compoundDocumentType(bytes) : bySignature[signature.ext];
    return allowed ? { ok: true, ...allowed } : { ok: false, reason: 'type_not_allowed' };
  }
  const text = textEncoding(bytes);
  if (!text) return { ok: false, reason: 'type_not_allowed' };
  if (/^(\uFEFF)?\s*BEGIN:VCALENDAR\r?\n/i.test(bytes.toString(text === 'utf-8' ? 'utf8' : 'latin1', 0, 64))) {
    return {
      ok: true,
      ...textTypes.calendar,
      contentType: text === 'utf-8' ? textTypes.calendar.contentType : `${textTypes.calendar.contentType}; charset=windows-1252`,
    };
  }
  const type = /\.csv$/i.test(declaredName.trim()) ? textTypes.csv : textTypes.plain;
  return { ok: true, extension: type.extension, contentType: text === 'utf-8' ? type.contentType : `${type.contentType}; charset=windows-1252` };
}

/**
 * Which old Office document a compound file is, from its directory: entries are 128 bytes,
 * aligned on 128 from the start of the file (sectors are 512 or 4096 bytes), with a UTF-16LE
 * name, the name's byte length (terminator included) at 64 and the entry type at 66 (2 = stream).
 */
function compoundDocumentType(bytes: Buffer): AllowedType | undefined {
  const names = new Set<string>();
  for (let at = 512; at + 128 <= bytes.length; at += 128) {
    const length = bytes.readUInt16LE(at + 64);
    if (bytes[at + 66] !== 2 || length < 4 || length > 64 || length % 2 !== 0) continue;
    if (bytes.readUInt16LE(at + length - 2) !== 0) continue;
    names.add(bytes.toString('utf16le', at, at + length - 2).toLowerCase());
  }
  return compoundDocuments.find((d) => d.streams.some((s) => names.has(s)))?.type;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Bytes Windows-1252 leaves undefined.
const cp1252Undefined = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * 'utf-8' or 'windows-1252' when the bytes read as text a person wrote, else undefined:
 * no NUL, no control character but \t \n \r \f, and no markup (a first character `<`,
 * after a byte-order mark and white space, is HTML, SVG or XML, which browsers execute).
 */
function textEncoding(bytes: Buffer): 'utf-8' | 'windows-1252' | undefined {
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return undefined;
  }
  let decoded: string;
  let encoding: 'utf-8' | 'windows-1252';
  try {
    decoded = utf8.decode(bytes);
    encoding = 'utf-8';
    if (/[\u0080-\u009f]/.test(decoded)) return undefined;
  } catch {
    if (bytes.some((b) => cp1252Undefined.has(b))) return undefined;
    decoded = bytes.toString('latin1');
    encoding = 'windows-1252';
  }
  // A byte-order mark, white space or invisible format characters may come before the `<`.
  if (decoded.replace(/^[\s\p{Cf}]+/u, '').startsWith('<')) return undefined;
  return encoding;
}

/**
 * The detected types every browser shows in an `<img>`: a photo is shown on the page, not only listed
 * for download. Never SVG (it is refused anyway: it can carry script), nor HEIC or TIFF (most browsers
 * cannot show them: those stay a download).
 */
export function previewableImage(contentType: string): boolean {
  return /^image\/(png|jpeg|gif|webp)$/.test(contentType);
}
