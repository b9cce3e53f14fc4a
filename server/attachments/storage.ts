/**
 * Where attachment bytes live: a small interface, so another backend (an object store)
 * can replace the file system one. GridFS is not an option: FerretDB 1.x cannot run it.
 *
 * The file storage is content-addressed: the key is the SHA-256 of the bytes (64 hex
 * characters), stored as `<dir>/ab/cd/<hash>`. Writing is atomic (a temporary file in the
 * same folder, then a rename), so a reader never sees half a file, and idempotent: the
 * same bytes uploaded twice are stored once. Because several attachments can share a
 * file, `remove` is for a clean-up that checked no attachment still names the hash
 * (server/housekeeping/orphan-files.ts; a file's modification time is its last `put`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { NotFoundError } from '../lib/errors.js';

export interface AttachmentStorage {
  /** Stores bytes under their key (their SHA-256); nothing happens when they are already there. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The whole file; NotFoundError when it is missing. */
  read(key: string): Promise<Buffer>;
  /** The file as a stream (a missing file is an 'error' event: check `exists` first). */
  stream(key: string): Readable;
  /** Whether the file is there. */
  exists(key: string): Promise<boolean>;
  /** Deletes the file; nothing happens when it is already gone. */
  remove(key: string): Promise<void>;
}

const keyPattern = /^[0-9a-f]{64}$/;

/** The SHA-256 of some bytes, as a storage key. */
export function storageKey(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws unless `key` is a lower-case SHA-256 hex digest (so it can never name a path outside the folder). */
export function assertStorageKey(key: string): void {
  if (!keyPattern.test(key)) throw new Error(`Not an attachment storage key: ${JSON.stringify(key.slice(0, 80))}`);
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/** A storage in a folder of the file system (created on first write). */
export function createFileStorage(dir: string): AttachmentStorage {
  const root = path.resolve(dir);
  const fileOf = (key: string): string => {
    assertStorageKey(key);
    return path.join(root, key.slice(0, 2), key.slice(2, 4), key);
  };

  async function exists(key: string): Promise<boolean> {
    try {
      await access(fileOf(key));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async function touch(file: string): Promise<boolean> {
    try {
      const now = new Date();
      await utimes(file, now, now);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  return {
    async put(key, bytes) {
      const file = fileOf(key);
      if (storageKey(bytes) !== key) throw new Error('Attachment storage: the key is not the SHA-256 of the bytes.');
      // Already there: touched, so the orphaned-files housekeeping (which spares files younger than a
      // day) cannot take it while the new record that names it is being written.
      if (await touch(file)) return;
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, bytes, { flag: 'wx', mode: 0o600, flush: true });
        // Two writers of the same bytes both rename: the second replaces identical content.
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async read(key) {
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if (isMissing(error)) throw new NotFoundError('The file of this attachment is missing.');
        throw error;
      }
    },
    stream(key) {
      return createReadStream(fileOf(key));
    },
    exists,
    async remove(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}

const byDirectory = new Map<string, AttachmentStorage>();

/** The storage of a configuration, `<DATA_DIR>/attachments`: one instance per folder. */
export function attachmentStorage(config: Pick<Config, 'dataDir'>): AttachmentStorage {
  const dir = path.resolve(config.dataDir, 'attachments');
  let storage = byDirectory.get(dir);
  if (!storage) {
    storage = createFileStorage(dir);
    byDirectory.set(dir, storage);
  }
  return storage;
}
