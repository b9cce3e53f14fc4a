/**
 * What the pipeline reads from a raw message before (or without) parsing it: its content hash (the
 * record's `_id`), its Message-ID and a header line for listing — cheap, bounded to the first 64 KiB,
 * and safe on bytes mailparser would refuse.
 */
import { createHash } from 'node:crypto';
import libmime from 'libmime';

export function hashOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** The header block of the first 64 KiB, continuation lines unfolded. */
function headerBlock(raw: Buffer, encoding: 'latin1' | 'utf8'): string {
  const head = raw.toString(encoding, 0, Math.min(raw.length, 64 * 1024));
  const end = head.search(/\r?\n\r?\n/);
  return (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
}

export function headerMessageId(raw: Buffer): string | null {
  return /^message-id:\s*(<[^<>\s]+@[^<>\s]+>)/im.exec(headerBlock(raw, 'latin1'))?.[1] ?? null;
}

/**
 * The first `name:` header, its encoded words decoded ("=?utf-8?q?R=C3=A9duction?=" reads
 * "Réduction": French mail nearly always has some), trimmed to 300 characters (for lists; parsing
 * decides the real values).
 */
export function headerLine(raw: Buffer, name: string): string | null {
  const value = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headerBlock(raw, 'utf8'))?.[1]?.trim();
  return value === undefined ? null : readableHeader(value).slice(0, 300);
}

/** A header value with its RFC 2047 encoded words decoded; one that cannot be decoded stays as it came. */
export function readableHeader(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
