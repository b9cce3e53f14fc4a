/**
 * The inbound spool: what an SMTP 250 waits for. A message is appended to this receiver's spool
 * file and the file is synced to disk (fdatasync) before the sender hears 250; deliveries arriving
 * together share one sync. The message then goes to `inbound_pending` in the background (the
 * receiver's lane), and is released from the spool once it is there; a file whose records are all
 * in the database is emptied. A stop or a crash leaves the file: the next start (`recoverSpools`)
 * puts what it holds in the database (idempotent: each record has the id it will have there) and
 * removes it.
 *
 * Why a file and not the database insert (issue 13): on the embedded engine an insert costs about
 * a millisecond of the database's work, shared with every other write; an append and a sync cost
 * about 0.3 ms and batch concurrent deliveries. It also keeps mail accepted while the database is
 * unavailable — durably, as an MTA's queue file does — instead of answering 451.
 *
 * Record: a BSON document (its own int32 length first), then the CRC-32 of those bytes. A torn tail
 * (a crash in the middle of a write, which was never answered 250) fails its check and ends the read.
 *
 * Whose file is whose: the name carries the host, the process id and a random part. At start a file
 * is taken over when its process is gone (same host: no such process, or our own pid from a previous
 * run in a container), or, for another host sharing the data folder, when it has not changed for
 * `staleMs` (its owner puts records in the database within seconds). An owner whose file was taken
 * over while it lived (its link count is 0) writes what it still holds to a new file.
 */
import { randomBytes } from 'node:crypto';
import { constants, fstatSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { mongo } from 'mongoose';
import type { Logger } from '../../lib/logger.js';
import type { InboundPending } from './inbound.model.js';

const SUFFIX = '.spool';
/** Files of this process that are open: never taken over by another pipeline of the same process (tests). */
const openHere = new Set<string>();

export interface InboundSpool {
  /** Appends the message and syncs the file; resolves once it is on disk. */
  append(pending: InboundPending): Promise<void>;
  /** The message is in the database now: the spool may forget it (resolves once a file that holds nothing more is emptied). */
  release(pending: InboundPending): Promise<void>;
  /** Stops writing; a file that still holds messages stays for the next start. */
  close(): Promise<void>;
}

/** The spool's key of a message: its delivery (the ticket id fixed at acceptance is unique per delivery). */
const keyOf = (pending: InboundPending): string => String(pending.plannedTicket);

/** One record's bytes: the BSON document and its CRC-32. */
export function encodeRecord(pending: InboundPending): Buffer {
  const doc = mongo.BSON.serialize(pending);
  const check = Buffer.alloc(4);
  check.writeUInt32LE(crc32(doc));
  return Buffer.concat([doc, check]);
}

/** The whole records of a spool file, in order; reading stops at the first torn or damaged one. */
export function decodeRecords(bytes: Buffer): { records: InboundPending[]; damagedAt: number | null } {
  const records: InboundPending[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = at + 4 <= bytes.length ? bytes.readInt32LE(at) : -1;
    if (length < 5 || at + length + 4 > bytes.length) return { records, damagedAt: at };
    const doc = bytes.subarray(at, at + length);
    if (crc32(doc) !== bytes.readUInt32LE(at + length)) return { records, damagedAt: at };
    records.push(mongo.BSON.deserialize(doc) as InboundPending);
    at += length + 4;
  }
  return { records, damagedAt: null };
}

/** The spool of one receiver, in `dir`; its file is created at the first message. */
export function createInboundSpool(dir: string, logger: Logger): InboundSpool {
  const name = `${os.hostname().replace(/[^A-Za-z0-9.-]/g, '_')}~${process.pid}~${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  let generation = 0;
  let file: { path: string; handle: FileHandle; empty: boolean } | null = null;
  /** The records appended and not yet in the database, by delivery: written again if the file is lost. */
  const held = new Map<string, Buffer>();
  let queue: Array<{ bytes: Buffer; resolve: () => void; reject: (error: unknown) => void }> = [];
  let working: Promise<void> | null = null;
  let closed = false;

  const current = async (): Promise<{ handle: FileHandle; rewrite: Buffer[] }> => {
    if (file && fstatSync(file.handle.fd).nlink > 0) return { handle: file.handle, rewrite: [] };
    const lost = file !== null;
    if (file) {
      logger.warn({ file: file.path }, 'the inbound spool file was taken over; writing the messages it still holds to a new one');
      await drop();
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    generation += 1;
    const next = path.join(dir, `${name}~${generation}${SUFFIX}`);
    const handle = await open(next, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_APPEND, 0o600);
    // The new name must survive a crash too: sync the folder once.
    const folder = await open(dir, constants.O_RDONLY);
    await folder.sync().finally(() => folder.close());
    file = { path: next, handle, empty: true };
    openHere.add(next);
    return { handle, rewrite: lost ? [...held.values()] : [] };
  };

  async function drop(): Promise<void> {
    if (!file) return;
    openHere.delete(file.path);
    await file.handle.close().catch(() => undefined);
    file = null;
  }

  /** Writes what is queued (one write and one sync for all), until nothing is; then empties a file that holds nothing. */
  async function work(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const { handle, rewrite } = await current();
        const buffers = [...rewrite, ...batch.map((b) => b.bytes)];
        const size = buffers.reduce((n, b) => n + b.length, 0);
        const { bytesWritten } = await handle.writev(buffers);
        if (bytesWritten !== size) throw new Error(`the inbound spool wrote ${bytesWritten} of ${size} bytes`);
        await handle.datasync();
        if (file) file.empty = false;
        for (const b of batch) b.resolve();
      } catch (error) {
        // A file that may end torn is not written to again: the next batch opens a new one.
        await drop();
        for (const b of batch) b.reject(error);
      }
    }
    if (held.size === 0 && file && !file.empty) {
      await file.handle.truncate(0).then(
        () => file && (file.empty = true),
        (error: unknown) => logger.warn({ err: error }, 'could not empty the inbound spool file'),
      );
    }
  }

  const kick = (): void => {
    working ??= work().finally(() => {
      working = null;
      if (queue.length > 0 || (held.size === 0 && file && !file.empty)) kick();
    });
  };

  return {
    append(pending) {
      if (closed) return Promise.reject(new Error('the inbound spool is closed'));
      const bytes = encodeRecord(pending);
      const key = keyOf(pending);
      return new Promise<void>((resolve, reject) => {
        queue.push({
          bytes,
          resolve: () => {
            held.set(key, bytes);
            resolve();
          },
          reject,
        });
        kick();
      });
    },
    async release(pending) {
      if (held.delete(keyOf(pending)) && held.size === 0) kick();
      await working;
    },
    async close() {
      closed = true;
      while (working) await working;
      const last = file;
      await drop();
      if (last && held.size === 0) await rm(last.path, { force: true });
    },
  };
}

/** Whether a process with this id lives (on this host). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The spool files in `dir` whose writer is gone (see the module comment). */
export async function orphanSpools(dir: string, staleMs: number, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_');
  const orphans: string[] = [];
  for (const entry of names.filter((n) => n.endsWith(SUFFIX)).sort()) {
    const full = path.join(dir, entry);
    if (openHere.has(full)) continue;
    const [owner, pid] = entry.split('~');
    const ownerPid = Number(pid);
    const gone = owner === host ? ownerPid === process.pid || !Number.isInteger(ownerPid) || !alive(ownerPid) : now - (await stat(full)).mtimeMs > staleMs;
    if (gone) orphans.push(full);
  }
  return orphans;
}

/**
 * Puts the messages of the spool files whose writer is gone in the database (`admit`, idempotent),
 * then removes each file. A file whose messages could not all be admitted stays for the next start.
 */
export async function recoverSpools(dir: string, admit: (pending: InboundPending) => Promise<unknown>, logger: Logger, staleMs = 10 * 60_000): Promise<number> {
  let admitted = 0;
  for (const full of await orphanSpools(dir, staleMs)) {
    const { records, damagedAt } = decodeRecords(await readFile(full));
    if (damagedAt !== null)
      logger.warn({ file: full, at: damagedAt }, 'inbound spool file ends with a torn record (a write cut by a stop, never answered 250)');
    for (const pending of records) await admit(pending);
    admitted += records.length;
    await rm(full, { force: true });
  }
  return admitted;
}
