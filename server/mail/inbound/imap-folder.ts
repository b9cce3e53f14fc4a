/**
 * The IMAP commands of one watched folder, on an open connection: which messages wait (by keyword,
 * or all of them in move mode), fetching one byte for byte (only its beginning past the size limit),
 * marking one processed (keyword and \Seen, then the MOVE), and creating the processed folder.
 * Separate from imap.ts, which keeps the connection alive (IDLE, polling, reconnects, retries):
 * these are the folder's rules, stateless, the same whatever the connection went through.
 */
import type { FetchMessageObject, ImapFlow } from 'imapflow';

/** The keyword of a processed message (flag mode; also set before a MOVE in move mode). */
export const PROCESSED_KEYWORD = '$RelaisProcessed';

export interface InboundImapMessage {
  /** The message as stored on the server (its first `maxBytes` bytes when `truncated`). */
  raw: Buffer;
  /** The mailbox's `name` in IMAP_MAILBOXES. */
  mailbox: string;
  uid: number;
  /** UIDVALIDITY of the folder: (mailbox, uidValidity, uid) names one message for good. */
  uidValidity: string;
  internalDate: Date | null;
  /** The full size on the server, in bytes. */
  size: number;
  /** True when the message is larger than `maxBytes`: `raw` is only its beginning. */
  truncated: boolean;
}

/** The UIDs to look at, oldest first: unflagged ones, or every message in move mode. */
export async function pendingUids(client: ImapFlow, moving: boolean): Promise<{ uids: number[]; alreadyProcessed: Set<number> }> {
  const uids = await client.search(moving ? { deleted: false } : { deleted: false, unKeyword: PROCESSED_KEYWORD }, { uid: true });
  if (!uids) throw new Error('the server refused SEARCH');
  const alreadyProcessed = new Set<number>();
  if (moving && uids.length > 0) {
    const flagged = await client.search({ deleted: false, keyword: PROCESSED_KEYWORD }, { uid: true });
    if (!flagged) throw new Error('the server refused SEARCH');
    for (const uid of flagged) alreadyProcessed.add(uid);
  }
  return { uids: [...uids].sort((a, b) => a - b), alreadyProcessed };
}

/** One message byte for byte (BODY.PEEK[]), only its first `maxBytes` bytes when larger; null when expunged meanwhile. */
export async function fetchMessage(
  client: ImapFlow,
  uid: number,
  where: { mailbox: string; uidValidity: string; maxBytes: number },
): Promise<InboundImapMessage | null> {
  const meta = await client.fetchOne(String(uid), { uid: true, size: true, internalDate: true }, { uid: true });
  if (!meta) return null; // expunged meanwhile
  const size = meta.size ?? 0;
  let truncated = size > where.maxBytes;
  const body: FetchMessageObject | false = await client.fetchOne(
    String(uid),
    { uid: true, source: truncated ? { start: 0, maxLength: where.maxBytes } : true },
    { uid: true },
  );
  if (!body) return null;
  let raw = body.source ?? Buffer.alloc(0);
  if (raw.length > where.maxBytes) {
    raw = raw.subarray(0, where.maxBytes);
    truncated = true;
  }
  const date = meta.internalDate instanceof Date ? meta.internalDate : meta.internalDate ? new Date(meta.internalDate) : null;
  return {
    raw,
    mailbox: where.mailbox,
    uid,
    uidValidity: where.uidValidity,
    internalDate: date && !Number.isNaN(date.getTime()) ? date : null,
    size,
    truncated,
  };
}

/** Marks a handled message: the keyword and \Seen, then the MOVE when there is a processed folder. */
export async function markProcessed(client: ImapFlow, uid: number, processedFolder: string | null): Promise<void> {
  if (!processedFolder) {
    if (!(await client.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD, '\\Seen'], { uid: true }))) {
      throw new Error(`the server refused to flag message ${uid} as processed`);
    }
    return;
  }
  // Best effort (a server may refuse keywords): it only saves a second handover if the MOVE fails.
  await client.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD, '\\Seen'], { uid: true });
  if (!(await client.messageMove(String(uid), processedFolder, { uid: true }))) {
    throw new Error(`the server refused to move message ${uid} to ${processedFolder}`);
  }
}

/** Creates the processed folder when it is missing. */
export async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const folders = await client.list();
  if (folders.some((f) => f.path === folder)) return;
  try {
    await client.mailboxCreate(folder);
  } catch (error) {
    // Created meanwhile by another client: fine.
    if ((error as { serverResponseCode?: string }).serverResponseCode !== 'ALREADYEXISTS') throw error;
  }
}
