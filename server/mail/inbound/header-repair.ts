/**
 * Repairs of header blocks that mailparser would misread (used by `mime-scan.ts` on the copy that
 * feeds the parser; the stored message is never changed):
 *
 * - Raw 8-bit bytes *inside* an RFC 2047 encoded word belong to that word's charset: they become
 *   `=XX` escapes, so `=?ISO-8859-1?Q?Fr<F6>sche?=` reads "Frösche" (re-reading the line as
 *   Windows-1252 first gave "FrÃ¶sche").
 * - Raw 8-bit bytes elsewhere: every valid UTF-8 sequence stays UTF-8 and only the bytes that are
 *   not UTF-8 are read as Windows-1252, so one line can hold both ("Réunion au café").
 * - Charset names mailparser does not know: Python's (`eucgb2312_cn`, `big5_tw`…) are renamed;
 *   UTF-7, which libmime refuses on purpose (it can hide markup from filters that look at bytes),
 *   is decoded here: Relais sanitizes HTML after decoding and escapes every text it shows.
 * - Obsolete RFC 822 syntax: white space before a field's colon (`From :`), white space around the
 *   dots and `@` of an address (`marie . dupont @ example.be`).
 * - Two mailboxes without the comma between them (`A <a@x> B <b@y>`): the comma is put back, so
 *   the first address does not take the second's name.
 */
import { isUtf8 } from 'node:buffer';

const LF = 0x0a;

/** Charset names some senders write, and the name mailparser knows them by. */
const charsetAliases: Record<string, string> = {
  eucgb2312_cn: 'gb2312',
  'euc-cn': 'gb2312',
  euccn: 'gb2312',
  gb2312_80: 'gb2312',
  big5_tw: 'big5',
  'big5-tw': 'big5',
  big5_hkscs: 'big5-hkscs',
  euc_jp: 'euc-jp',
  euc_kr: 'euc-kr',
  shift_jis: 'shift_jis',
  sjis: 'shift_jis',
  iso2022_jp: 'iso-2022-jp',
  iso2022_kr: 'iso-2022-kr',
  'x-unknown': 'windows-1252',
  unknown: 'windows-1252',
  'unknown-8bit': 'windows-1252',
  'x-user-defined': 'windows-1252',
};

/** The name mailparser should see for a declared charset; null when it knows the name already. */
export function charsetAlias(name: string): string | null {
  return charsetAliases[name.trim().toLowerCase()] ?? null;
}

export function isUtf7(name: string | null): boolean {
  return name !== null && /^(utf-?7|unicode-1-1-utf-7|csunicode11utf7)$/i.test(name.trim());
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes UTF-7 (RFC 2152): `+` opens modified base64 of UTF-16BE, `-` or any other character closes it. */
export function decodeUtf7(text: string): string {
  return text.replace(/\+([A-Za-z0-9+/]*)-?/g, (match, encoded: string) => {
    if (encoded === '') return match === '+-' ? '+' : match;
    let bits = 0;
    let value = 0;
    const units: number[] = [];
    for (const c of encoded) {
      value = (value << 6) | base64Alphabet.indexOf(c);
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        units.push((value >> bits) & 0xffff);
      }
      value &= (1 << bits) - 1;
    }
    return String.fromCharCode(...units);
  });
}

const windows1252 = new TextDecoder('windows-1252');

/** Bytes of a header line as text: UTF-8 runs kept, every byte that is not part of one read as Windows-1252. */
function mixedBytes(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] ?? 0;
    const length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte <= 0xdf ? 2 : 1;
    if (byte >= 0x80 && length > 1 && i + length <= bytes.length && isUtf8(bytes.subarray(i, i + length))) {
      out += bytes.toString('utf8', i, i + length);
      i += length;
    } else {
      out += byte < 0x80 ? String.fromCharCode(byte) : windows1252.decode(bytes.subarray(i, i + 1));
      i += 1;
    }
  }
  return out;
}

// On the latin1 view of the bytes, so each byte is one character: an encoded word, its charset, encoding, text.
const encodedWord = /=\?([^?\s]{1,60})\?([QqBb])\?([^?\r\n]{0,1000})\?=/g;

/** One encoded word made readable by mailparser (see the module comment), or the word itself. */
function repairEncodedWord(word: string, charset: string, encoding: string, text: string): string {
  const name = charset.replace(/\*.*$/, '');
  if (isUtf7(name)) {
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qBytes(text);
    return `=?UTF-8?B?${Buffer.from(decodeUtf7(bytes.toString('latin1')), 'utf8').toString('base64')}?=`;
  }
  const alias = charsetAlias(name);
  const escaped =
    encoding.toUpperCase() === 'Q' ? text.replace(/[\u0080-\u00ff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`) : text;
  if (!alias && escaped === text) return word;
  return `=?${alias ?? charset}?${encoding}?${escaped}?=`;
}

function qBytes(text: string): Buffer {
  return Buffer.from(
    text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

const addressFields = /^(from|sender|reply-to|to|cc|bcc|resent-from|resent-sender)$/i;
const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
/** An address written with white space around its dots or `@` (obsolete RFC 822 syntax). */
const spacedAddress = new RegExp(`(?<![\\w."@])(${atom}(?:\\s*\\.\\s*${atom})*)\\s*@\\s*([A-Za-z0-9-]+(?:\\s*\\.\\s*[A-Za-z0-9-]+)+)`, 'g');

/** The value of an address field with the obsolete forms and missing commas repaired (outside quotes). */
function repairAddressValue(value: string): string {
  // Quoted strings and comments are left alone: a display name may hold anything.
  return value
    .split(/("(?:[^"\\]|\\.)*"|\([^()]*\))/)
    .map((piece, index) => {
      if (index % 2 === 1) return piece;
      const compacted = piece.replace(spacedAddress, (match: string) => (/\s/.test(match) ? match.replace(/\s+/g, '') : match));
      // `… <a@x> Name <b@y>`: a mailbox ends at `>`; another one starting after it needs a comma.
      return compacted.replace(/>(\s+)(?=[^\s,;<>()][^<>]*<)/g, '>,$1');
    })
    .join('');
}

/** One header field (its lines, folded), repaired; `top`: a field of the message itself (address repairs). */
function repairField(field: string, top: boolean): string {
  const colon = field.indexOf(':');
  if (colon === -1) return field;
  const name = field.slice(0, colon).replace(/[ \t]+$/, '');
  let value = field.slice(colon + 1).replace(encodedWord, repairEncodedWord);
  if (top && addressFields.test(name)) value = repairAddressValue(value);
  return `${name}:${value}`;
}

/**
 * The header block (bytes up to the blank line) with the repairs of the module comment; the
 * block itself when none applies. `repairs` receives what was done, for the parse warnings.
 */
export function repairHeaderBlock(block: Buffer, top: boolean, repairs: string[]): Buffer {
  const view = block.toString('latin1');
  const needsWork = !isUtf8(block) || /=\?[^?]*(utf-?7|_cn|_tw|_jp|_kr|unknown)/i.test(view) || /^[!-9;-~]+[ \t]+:/m.test(view) || top;
  if (!needsWork) return block;
  const fields: string[] = [];
  // Fields start at lines that do not begin with white space; the line ends stay as they are.
  for (const line of view.split(/(?<=\n)/)) {
    if (fields.length > 0 && /^[ \t]/.test(line)) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  const repaired = fields.map((field) => repairField(field, top)).join('');
  const changedAscii = repaired !== view;
  // Latin1 view → bytes again; then the raw 8-bit text outside encoded words, per line.
  const bytes = Buffer.from(repaired, 'latin1');
  if (isUtf8(bytes)) {
    if (changedAscii) repairs.push('header_syntax_repaired');
    return changedAscii ? bytes : block;
  }
  const lines: Buffer[] = [];
  let p = 0;
  while (p < bytes.length) {
    const nl = bytes.indexOf(LF, p);
    const end = nl === -1 ? bytes.length : nl + 1;
    const line = bytes.subarray(p, end);
    lines.push(isUtf8(line) ? line : Buffer.from(mixedBytes(line), 'utf8'));
    p = end;
  }
  repairs.push('header_8bit_windows-1252');
  if (changedAscii) repairs.push('header_syntax_repaired');
  return Buffer.concat(lines);
}
