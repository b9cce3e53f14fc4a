/**
 * Cheap passes over a raw message before mailparser sees it (used by `parse.ts`).
 *
 * `scanMime` measures the top-level header block and counts MIME parts by their boundary lines in
 * one linear pass, so a message with thousands of parts is refused before the parser builds a node
 * for each of them.
 *
 * `repairCharsets` fixes what mailparser cannot: it decodes a body declared UTF-8 (or declaring
 * nothing) as UTF-8 whatever the bytes are, so Latin-1 text sent by an old client ends up as
 * replacement characters. The repair walks the MIME tree (bounded depth) and, only in the header
 * blocks of the parts that need it, rewrites the declared charset to what the bytes really are (or
 * to a name mailparser knows), decodes UTF-7 bodies, and repairs header blocks (`header-repair.ts`:
 * raw 8-bit bytes, encoded words, obsolete syntax). The stored raw message is never changed: the
 * repaired copy only feeds the parser. It also says when every text part is damaged beyond repair
 * (declared base64, holding other characters): such a message is quarantined, not read as noise.
 */
import { isUtf8 } from 'node:buffer';
import { charsetAlias, decodeUtf7, isUtf7, repairHeaderBlock } from './header-repair.js';

export interface MimeScan {
  /** Bytes of the top-level header block; `null` when no blank line ends it within `maxHeaderBytes`. */
  headerBytes: number | null;
  /** MIME parts found (boundary lines opening a part); 1 for a single-part message. */
  parts: number;
  /** Distinct boundaries declared anywhere in the message. */
  boundaries: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** Where the header block starting at `start` ends: `headersEnd` is the start of the blank line. */
function headerBlock(buf: Buffer, start: number, end: number): { headersEnd: number; bodyStart: number } | null {
  let p = start;
  while (p < end) {
    const nl = buf.indexOf(LF, p);
    const lineEnd = nl === -1 || nl >= end ? end : nl;
    const contentEnd = lineEnd > p && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (contentEnd === p) return { headersEnd: p, bodyStart: Math.min(lineEnd + 1, end) };
    if (lineEnd === end) return null;
    p = lineEnd + 1;
  }
  return null;
}

const boundaryPattern = /boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"']{1,200}))/gi;

/** Measures the top-level headers and counts parts, in time linear in the size of the message. */
export function scanMime(raw: Buffer, maxHeaderBytes: number): MimeScan {
  const block = headerBlock(raw, 0, Math.min(raw.length, maxHeaderBytes + 4));
  const headerBytes = block && block.headersEnd <= maxHeaderBytes ? block.headersEnd : raw.length <= maxHeaderBytes ? raw.length : null;
  const text = raw.toString('latin1');
  const boundaries = new Set<string>();
  for (const match of text.matchAll(boundaryPattern)) boundaries.add(match[1] ?? match[2] ?? '');
  boundaries.delete('');
  if (boundaries.size === 0) return { headerBytes, parts: 1, boundaries: 0 };
  let parts = 0;
  for (let at = text.indexOf('\n--'); at !== -1; at = text.indexOf('\n--', at + 3)) {
    const lineEnd = text.indexOf('\n', at + 3);
    const line = text.slice(at + 3, lineEnd === -1 ? text.length : lineEnd).trimEnd();
    if (boundaries.has(line)) parts += 1;
  }
  return { headerBytes, parts: Math.max(parts, 1), boundaries: boundaries.size };
}

interface HeaderFields {
  contentType: string;
  charset: string | null;
  boundary: string | null;
  transferEncoding: string;
}

function readFields(block: string): HeaderFields {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string): string | null => {
    const match = new RegExp(`^${name}[ \\t]*:(.*)$`, 'im').exec(unfolded);
    return match?.[1]?.trim() ?? null;
  };
  const contentType = field('content-type') ?? '';
  const param = (name: string): string | null => {
    const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^\\s;]+))`, 'i').exec(contentType);
    return match ? (match[1] ?? match[2] ?? null) : null;
  };
  return {
    contentType: (contentType.split(';')[0] ?? '').trim().toLowerCase(),
    charset: param('charset')?.toLowerCase() ?? null,
    boundary: param('boundary'),
    transferEncoding: (field('content-transfer-encoding') ?? '').toLowerCase(),
  };
}

const hexValue = (byte: number | undefined): number =>
  byte === undefined
    ? -1
    : byte >= 0x30 && byte <= 0x39
      ? byte - 0x30
      : byte >= 0x41 && byte <= 0x46
        ? byte - 0x37
        : byte >= 0x61 && byte <= 0x66
          ? byte - 0x57
          : -1;

function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length);
  let n = 0;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i] ?? 0;
    if (byte !== 0x3d) {
      out[n++] = byte;
      continue;
    }
    // An escape cut off by the end (the body may be a truncated prefix): not a character.
    if (i + 2 >= body.length && body[i + 1] !== LF) break;
    const high = hexValue(body[i + 1]);
    const low = hexValue(body[i + 2]);
    if (high >= 0 && low >= 0) {
      out[n++] = high * 16 + low;
      i += 2;
    } else if (body[i + 1] === LF) {
      i += 1;
    } else if (body[i + 1] === CR && body[i + 2] === LF) {
      i += 2;
    } else {
      out[n++] = byte;
    }
  }
  return out.subarray(0, n);
}

/** Bytes of a text body looked at to tell its charset: enough to decide, bounded work. */
const SNIFF_BYTES = 1024 * 1024;

/** The first `SNIFF_BYTES` or so of the decoded body, without a character cut in two. */
function decodeBody(body: Buffer, transferEncoding: string, limit = SNIFF_BYTES): Buffer {
  const encoded = body.subarray(0, transferEncoding === 'base64' ? (limit / 3) * 4 : limit);
  const decoded =
    transferEncoding === 'base64'
      ? Buffer.from(encoded.toString('latin1'), 'base64')
      : transferEncoding === 'quoted-printable'
        ? decodeQuotedPrintable(encoded)
        : encoded;
  return encoded.length === body.length ? decoded : withoutPartialCharacter(decoded);
}

/** Drops a UTF-8 sequence cut short at the end of a truncated buffer. */
function withoutPartialCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= 4 && back <= bytes.length; back += 1) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

const utf8Names = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
const latin1Names = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1']);
const singleByteNames = new Set([...latin1Names, 'iso-8859-15', 'windows-1252', 'cp1252']);

/** The charset the bytes of a text part really use, when it differs from the declared one. */
function trueCharset(declared: string | null, bytes: Buffer): string | null {
  let ascii = true;
  let c1 = false;
  for (const byte of bytes) {
    if (byte > 0x7f) ascii = false;
    if (byte >= 0x80 && byte <= 0x9f) {
      c1 = true;
      break;
    }
  }
  if (ascii) return null;
  const valid = isUtf8(bytes);
  if (declared === null || utf8Names.has(declared)) return valid ? null : 'windows-1252';
  // Valid UTF-8 with multi-byte sequences is practically never single-byte text by chance.
  if (singleByteNames.has(declared) && valid) return 'utf-8';
  // ISO-8859-1 has control characters at 0x80–0x9F; what was meant is Windows-1252's smart quotes, € and dashes.
  if (latin1Names.has(declared) && c1) return 'windows-1252';
  return null;
}

/** The `Content-Type` field of a header block (folded lines included), or null. */
function contentTypeField(block: string): RegExpExecArray | null {
  return /^content-type[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*/im.exec(block);
}

/** Sets (or adds) one parameter of the block's Content-Type; adds the field when there is none. */
function setTypeParam(block: string, name: string, value: string): string {
  const field = contentTypeField(block);
  if (!field) return `Content-Type: text/plain; ${name}=${value}\r\n${block}`;
  const original = field[0];
  const param = new RegExp(`${name}\\s*=\\s*(?:"[^"]*"|[^\\s;]+)`, 'i');
  const replaced = param.test(original) ? original.replace(param, () => `${name}=${value}`) : original.replace(/\s*$/, (tail) => `; ${name}=${value}${tail}`);
  return block.slice(0, field.index) + replaced + block.slice(field.index + original.length);
}

/** Sets the block's Content-Transfer-Encoding (adds the field when there is none). */
function setTransferEncoding(block: string, encoding: string): string {
  const field = /^content-transfer-encoding[ \t]*:[^\n]*?(\r?\n(?![ \t])|$)/im;
  if (field.test(block)) return block.replace(field, (_, end: string) => `Content-Transfer-Encoding: ${encoding}${end}`);
  return `${block}${block === '' || block.endsWith('\n') ? '' : '\r\n'}Content-Transfer-Encoding: ${encoding}\r\n`;
}

/** Replaces the media type of the block's Content-Type, keeping its parameters. */
function setMediaType(block: string, type: string): string {
  return block.replace(/^(content-type[ \t]*:[ \t]*)[^;\r\n]*/im, (_, name: string) => `${name}${type}`);
}

interface Edit {
  start: number;
  end: number;
  replacement: Buffer;
}

interface WalkState {
  edits: Edit[];
  repairs: string[];
  nodes: number;
  /** Text parts (plain, HTML or undeclared), and those among them declared base64 whose body is not base64. */
  textParts: number;
  damagedTextParts: number;
}

/**
 * Whether a body declared base64 is damaged beyond the noise decoders skip: a stray character in a
 * long body is tolerated (the corpus has one, read fine), but not when one in twenty is foreign.
 */
function notBase64(body: string): boolean {
  const foreign = body.match(/[^A-Za-z0-9+/=\s]/g)?.length ?? 0;
  const written = body.replace(/\s/g, '').length;
  return foreign >= 3 && foreign * 20 >= written;
}

const MAX_DEPTH = 24;
const MAX_NODES = 2000;

/** Positions of the boundary lines (`--b` or `--b--`) between `start` and `end`. */
function delimiters(buf: Buffer, start: number, end: number, boundary: string): Array<{ lineStart: number; next: number; last: boolean }> {
  const marker = Buffer.from(`--${boundary}`, 'latin1');
  const found: Array<{ lineStart: number; next: number; last: boolean }> = [];
  let at = buf.indexOf(marker, start);
  while (at !== -1 && at < end) {
    if (at === start || buf[at - 1] === LF) {
      const nl = buf.indexOf(LF, at);
      const lineEnd = nl === -1 || nl >= end ? end : nl;
      const rest = buf.toString('latin1', at + marker.length, lineEnd).trimEnd();
      if (rest === '' || rest === '--') {
        found.push({ lineStart: at, next: Math.min(lineEnd + 1, end), last: rest === '--' });
        if (rest === '--') break;
      }
    }
    at = buf.indexOf(marker, at + marker.length);
  }
  return found;
}

/** A boundary the body really uses: a `--X` line followed by a `Content-` header, in its first 64 KiB. */
function guessBoundary(buf: Buffer, start: number, end: number): string | null {
  const text = buf.toString('latin1', start, Math.min(end, start + 64 * 1024));
  const match = /(?:^|\n)--([0-9A-Za-z'()+_,./:=?-][0-9A-Za-z'()+_,./:=? -]{0,68}[0-9A-Za-z'()+_,./:=?-]|[0-9A-Za-z'()+_,./:=?-])[ \t]*\r?\ncontent-/i.exec(
    text,
  );
  const boundary = match?.[1];
  return boundary && !boundary.endsWith('--') ? boundary : null;
}

function walk(buf: Buffer, start: number, end: number, depth: number, state: WalkState): void {
  state.nodes += 1;
  if (depth > MAX_DEPTH || state.nodes > MAX_NODES) return;
  const block = headerBlock(buf, start, end);
  if (!block) return;
  const headerBytes = buf.subarray(start, block.headersEnd);
  const fields = readFields(headerBytes.toString('latin1'));
  let header = repairHeaderBlock(headerBytes, depth === 0, state.repairs);

  let type = fields.contentType;
  if (type.startsWith('multipart/')) {
    let found = fields.boundary ? delimiters(buf, block.bodyStart, end, fields.boundary) : [];
    if (found.length === 0) {
      // A boundary that is missing or never used: mailparser would drop the whole body.
      const guessed = guessBoundary(buf, block.bodyStart, end);
      if (guessed) {
        found = delimiters(buf, block.bodyStart, end, guessed);
        header = Buffer.from(setTypeParam(header.toString('latin1'), 'boundary', `"${guessed}"`), 'latin1');
        state.repairs.push('boundary_guessed');
      } else {
        header = Buffer.from(setMediaType(header.toString('latin1'), 'text/plain'), 'latin1');
        state.repairs.push('multipart_read_as_text');
        type = 'text/plain';
      }
    }
    for (let i = 0; i < found.length; i += 1) {
      const current = found[i];
      if (!current || current.last) break;
      const following = found[i + 1];
      // The line break before a boundary line belongs to the boundary.
      let partEnd = following ? following.lineStart : end;
      if (following && partEnd > current.next && buf[partEnd - 1] === LF) partEnd -= partEnd - 2 >= current.next && buf[partEnd - 2] === CR ? 2 : 1;
      walk(buf, current.next, partEnd, depth + 1, state);
    }
  } else if (type === 'message/rfc822') {
    walk(buf, block.bodyStart, end, depth + 1, state);
  }
  if ((type === '' || type.startsWith('text/')) && isUtf7(fields.charset)) {
    // libmime refuses UTF-7: the part is handed over decoded, as UTF-8 in base64.
    const text = decodeUtf7(decodeBody(buf.subarray(block.bodyStart, end), fields.transferEncoding, Infinity).toString('latin1'));
    header = Buffer.from(setTypeParam(header.toString('latin1'), 'charset', 'utf-8'), 'latin1');
    header = Buffer.from(setTransferEncoding(header.toString('latin1'), 'base64'), 'latin1');
    const body = Buffer.from(`${Buffer.from(text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`, 'latin1');
    state.edits.push({ start, end: block.headersEnd, replacement: header });
    state.edits.push({ start: block.bodyStart, end, replacement: body });
    state.repairs.push('charset_utf-7_decoded');
    return;
  }
  const alias = fields.charset ? charsetAlias(fields.charset) : null;
  if (alias) {
    header = Buffer.from(setTypeParam(header.toString('latin1'), 'charset', alias), 'latin1');
    state.repairs.push(`charset_${fields.charset ?? ''}_read_as_${alias}`);
  }
  if (type === '' || type === 'text/plain' || type === 'text/html') {
    state.textParts += 1;
    if (fields.transferEncoding === 'base64' && notBase64(buf.toString('latin1', block.bodyStart, Math.min(end, block.bodyStart + 1_000_000))))
      state.damagedTextParts += 1;
    const charset = trueCharset(fields.charset, decodeBody(buf.subarray(block.bodyStart, end), fields.transferEncoding));
    if (charset) {
      header = Buffer.from(setTypeParam(header.toString('latin1'), 'charset', charset), 'latin1');
      state.repairs.push(`charset_${fields.charset ?? 'undeclared'}_read_as_${charset}`);
    }
  }
  if (header !== headerBytes) state.edits.push({ start, end: block.headersEnd, replacement: header });
}

/**
 * A copy of `raw` whose header blocks declare the charsets the bodies really use (see the module
 * comment), with the list of repairs made; `raw` itself when nothing needed repairing.
 */
export function repairCharsets(raw: Buffer): { raw: Buffer; repairs: string[]; damaged: boolean } {
  const state: WalkState = { edits: [], repairs: [], nodes: 0, textParts: 0, damagedTextParts: 0 };
  walk(raw, 0, raw.length, 0, state);
  // Every text the message has is damaged: what the parser would make of it is noise, not the sender's words.
  const damaged = state.textParts > 0 && state.damagedTextParts === state.textParts;
  if (state.edits.length === 0) return { raw, repairs: state.repairs, damaged };
  state.edits.sort((a, b) => a.start - b.start);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const edit of state.edits) {
    pieces.push(raw.subarray(at, edit.start), edit.replacement);
    at = edit.end;
  }
  pieces.push(raw.subarray(at));
  return { raw: Buffer.concat(pieces), repairs: state.repairs, damaged };
}
