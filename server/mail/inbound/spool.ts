/**
 * The inbound spool: what an SMTP 250 waits for. A message is appended to this receiver's spool
 * file and the file is synced to disk (fdatasync) before the sender hears 250; deliveries arriving
 * together share one sync. The message then goes to `inbound_pending` in the background (the
 * receiver's lane), and is released from the spool once it is there; a file whose records are all
 * in the database is emptied, and one that a long stream grew past `rotateBytes` is replaced by one
 * holding only what is not in the database yet. A stop or a crash leaves the file: it is taken over (`recoverSpools`),
 * what it holds put in the database (idempotent: each record has the id it will have there), and
 * removed.
 *
 * Why a file and not the database insert (issue 13): on the embedded engine an insert costs about
 * a millisecond of the database's work, shared with every other write; an append and a sync cost
 * about 0.3 ms and batch concurrent deliveries. It also keeps mail accepted while the database is
 * unavailable — durably, as an MTA's queue file does — instead of answering 451.
 *
 * Record: a BSON document (its own int32 length first), then the CRC-32 of those bytes. A torn tail
 * (a crash in the middle of a write, which was never answered 250) fails its check and ends the read.
 *
 * Whose file is whose: the name carries the host, the process id and a random part, and a writer
 * touches its file every minute (its lease). A file is taken over — at start, and every minute by a
 * running receiver — when its process is gone (same host: no such process, or our own pid from an
 * earlier run, as in a container) or when its lease ran out (`staleMs`, 5 minutes: a reused pid, a
 * host that is gone, a container with a new name). The taker first renames it to a name of its own
 * (two takers cannot both read it), admits what it holds and removes it. A writer checks after each
 * sync that its file still bears its name; if not, it writes what it still holds to a new file before
 * answering. A file with a damaged record (more than a stop's torn tail) is kept as `.damaged`.
 */
import { randomBytes } from 'node:crypto';
import { constants, fdatasyncSync, fstatSync, statSync, writevSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { mongo } from 'mongoose';
import type { Logger } from '../../lib/logger.js';
import type { InboundPending } from './inbound.model.js';

const SUFFIX = '.spool';
/** A writer touches its file this often; a file unchanged for `staleMs` (default 5 min) has no live writer. */
const leaseMs = 60_000;
const defaultStaleMs = 5 * 60_000;
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
export function createInboundSpool(dir: string, logger: Logger, options: { rotateBytes?: number } = {}): InboundSpool {
  const rotateBytes = options.rotateBytes ?? 16 * 2 ** 20;
  const name = `${hostName()}~${process.pid}~${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  let generation = 0;
  let file: { path: string; handle: FileHandle; empty: boolean; bytes: number } | null = null;
  /** The records appended and not yet in the database, by delivery: written again if the file is lost. */
  const held = new Map<string, Buffer>();
  let queue: Array<{ bytes: Buffer; resolve: () => void; reject: (error: unknown) => void }> = [];
  let working: Promise<void> | null = null;
  let closed = false;

  /** Whether our file is still at its name (a taker renames a file before reading it, then removes it). */
  const stillOurs = (f: NonNullable<typeof file>): boolean => {
    try {
      return statSync(f.path).ino === fstatSync(f.handle.fd).ino;
    } catch {
      return false;
    }
  };

  /** Opens a new file; what the spool still holds goes into it first (the old file may be gone or torn). */
  async function openNext(): Promise<{ handle: FileHandle; rewrite: Buffer[] }> {
    await drop();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    generation += 1;
    const next = path.join(dir, `${name}~${generation}${SUFFIX}`);
    const handle = await open(next, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_APPEND, 0o600);
    await syncFolder(dir); // the new name must survive a crash too
    file = { path: next, handle, empty: true, bytes: 0 };
    openHere.add(next);
    names.add(next);
    return { handle, rewrite: [...held.values()] };
  }

  // A file this spool stopped writing to (after a failed write) may still hold messages not yet in
  // the database: this process leaves it alone while the spool is open (its lane admits them).
  const names = new Set<string>();
  async function drop(): Promise<void> {
    if (!file) return;
    await file.handle.close().catch(() => undefined);
    file = null;
  }

  /** Appends `batch` and syncs; true once it is in the file that bears our name (else try again). */
  async function append(batch: Buffer[]): Promise<boolean> {
    // A file grown past `rotateBytes` while never empty (a long stream of deliveries) is replaced by
    // one holding only what is not in the database yet, and removed once that is on disk.
    // (Whether a taker renamed it is checked once, after the sync: whatever this write went into.)
    const full = file && file.bytes > rotateBytes ? file.path : null;
    const { handle, rewrite } = file && !full ? { handle: file.handle, rewrite: [] } : await openNext();
    const buffers = [...rewrite, ...batch];
    const size = buffers.reduce((n, b) => n + b.length, 0);
    // Synchronous on purpose: the write and the sync through the thread pool cost two round trips
    // more than the work itself (acceptance 0.50–0.62× → 0.62–0.76× a discarding server). The event
    // loop waits for one sync per batch, a fraction of a millisecond on this machine, at most a few
    // hundred times an hour at Smart's peak.
    const bytesWritten = writevSync(handle.fd, buffers);
    if (bytesWritten !== size) throw new Error(`the inbound spool wrote ${bytesWritten} of ${size} bytes`);
    fdatasyncSync(handle.fd);
    if (file) {
      file.empty = false;
      file.bytes += size;
    }
    if (full) await rm(full, { force: true });
    if (file && stillOurs(file)) return true;
    // Taken over while we wrote: the taker may have read the file before these bytes.
    logger.warn({ file: file?.path }, 'the inbound spool file was taken over; writing what it holds to a new one');
    await drop();
    return false;
  }

  /** Writes what is queued (one write and one sync for all), until nothing is; then empties a file that holds nothing. */
  async function work(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        let done = false;
        for (let attempt = 0; !done && attempt < 3; attempt += 1) done = await append(batch.map((b) => b.bytes));
        if (!done) throw new Error('the inbound spool file kept being taken over');
        for (const b of batch) b.resolve();
      } catch (error) {
        // A file that may end torn is not written to again: the next batch opens a new one.
        await drop();
        for (const b of batch) b.reject(error);
      }
    }
    if (held.size === 0 && file && !file.empty) {
      await file.handle.truncate(0).then(
        () => {
          if (!file) return;
          file.empty = true;
          file.bytes = 0;
        },
        (error: unknown) => logger.warn({ err: error }, 'could not empty the inbound spool file'),
      );
    }
  }

  // The lease: a live writer's file never goes unchanged for `staleMs` (see `orphanSpools`).
  const lease = setInterval(() => {
    if (file) void file.handle.utimes(new Date(), new Date()).catch(() => undefined);
  }, leaseMs);
  lease.unref();

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
      clearInterval(lease);
      while (working) await working;
      const last = file;
      await drop();
      if (last && held.size === 0) await rm(last.path, { force: true });
      for (const n of names) openHere.delete(n);
    },
  };
}

const hostName = (): string => os.hostname().replace(/[^A-Za-z0-9.-]/g, '_');

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
export async function orphanSpools(dir: string, staleMs = defaultStaleMs, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const host = hostName();
  const orphans: string[] = [];
  for (const entry of names.filter((n) => n.endsWith(SUFFIX)).sort()) {
    const full = path.join(dir, entry);
    if (openHere.has(full)) continue;
    const [owner, pid] = entry.split('~');
    const ownerPid = Number(pid);
    // On this host: its process is gone, or it is ours from an earlier run (a container's pid). Any
    // host: its lease ran out (a reused pid, a host that is gone, a container with a new name).
    const gone = owner === host && (ownerPid === process.pid || !Number.isInteger(ownerPid) || !alive(ownerPid));
    const modified = await stat(full).then(
      (s) => s.mtimeMs,
      () => null,
    );
    if (modified !== null && (gone || now - modified > staleMs)) orphans.push(full);
  }
  return orphans;
}

/**
 * Takes over the spool files whose writer is gone: each is first renamed to a name of this process
 * (a writer that was still alive notices and writes what it holds again; two takers cannot both
 * read it), its messages are put in the database (`admit`, idempotent), then it is removed. A file
 * whose tail is damaged (not only torn by a stop) is kept as `.damaged` beside the others, said in
 * the log. A message the database refuses does not hold back the others: it is written, synced,
 * to a file of its own for the next pass (a running receiver's, every minute, or the next start),
 * and said in the log. Returns what `admit` returned for each message.
 */
export function recoverSpools<T>(dir: string, admit: (pending: InboundPending) => Promise<T>, logger: Logger, staleMs = defaultStaleMs): Promise<T[]> {
  // One take-over at a time in a process (the start's and the receiver's minute pass may meet).
  const run = takingOver.catch(() => undefined).then(() => takeOverNow(dir, admit, logger, staleMs));
  takingOver = run;
  return run;
}

let takingOver: Promise<unknown> = Promise.resolve();

async function takeOverNow<T>(dir: string, admit: (pending: InboundPending) => Promise<T>, logger: Logger, staleMs: number): Promise<T[]> {
  const admitted: T[] = [];
  for (const full of await orphanSpools(dir, staleMs)) {
    const claimed = takerName(dir);
    try {
      await rename(full, claimed);
    } catch {
      continue; // another taker was first
    }
    openHere.add(claimed);
    try {
      const bytes = await readFile(claimed);
      const { records, damagedAt } = decodeRecords(bytes);
      const refused: InboundPending[] = [];
      for (const pending of records) {
        try {
          admitted.push(await admit(pending));
        } catch (error) {
          refused.push(pending);
          logger.error({ err: error, inbound: pending._id }, 'an accepted message could not be put in the database; it stays in the spool and is tried again');
        }
      }
      // Synced before the file that held them goes.
      if (refused.length > 0) await writeSynced(takerName(dir), Buffer.concat(refused.map(encodeRecord)));
      if (damagedAt === null) await rm(claimed, { force: true });
      else {
        await rename(claimed, `${claimed}.damaged`);
        logger.error(
          { file: `${claimed}.damaged`, at: damagedAt, size: bytes.length, recovered: records.length },
          'inbound spool file with a damaged record: the messages before it were taken; the file is kept for a look (a write cut by a stop leaves a short tail, never answered 250)',
        );
      }
    } catch (error) {
      // This file waits for the next pass under its new name; the others, and what was admitted, go on.
      logger.error({ err: error, file: claimed }, 'could not take over an inbound spool file; tried again at the next pass');
    } finally {
      openHere.delete(claimed);
    }
  }
  if (admitted.length > 0) logger.info({ spooled: admitted.length }, 'inbound messages accepted by a stopped receiver taken from its spool');
  return admitted;
}

/** Moves a message out of the way of the ones after it: into a file of its own, synced, that the next take-over pass reads. */
export async function setAsideSpooled(dir: string, pending: InboundPending): Promise<void> {
  await writeSynced(takerName(dir), encodeRecord(pending));
}

/** A new file name of this process for taken-over messages (not open: the next pass takes it). */
const takerName = (dir: string): string => path.join(dir, `${hostName()}~${process.pid}~${randomBytes(6).toString('hex')}~taken${SUFFIX}`);

/** Writes a new file and syncs it and its folder (its name must survive a crash too); a failed write leaves no torn file. */
async function writeSynced(file: string, bytes: Buffer): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
  await handle.close();
  await syncFolder(path.dirname(file));
}

/** Syncs a folder, so the names of the files just made in it survive a crash. */
async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, constants.O_RDONLY);
  await folder.sync().finally(() => folder.close());
}
