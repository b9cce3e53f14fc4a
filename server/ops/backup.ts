/**
 * Backup and restore of the data folder on the embedded default (`npm run backup`, `npm run
 * restore`). A backup is a folder (or a .tar.gz of it) holding `relais-backup.json`, `db/` (one
 * consistent SQLite copy per database, written by the launcher's `backup` subcommand while Relais
 * runs: tools/ferretdb/backup.go), then `attachments/` and `inbound/` (the files), and
 * the data folder's loose files (`secrets.json`, the keys member links and sessions are signed with;
 * the demo password). Files are write-once and
 * written before the record that names them, so copying them after the database snapshot gives
 * every file the snapshot names; files newer than the snapshot are harmless extras that
 * housekeeping removes later. The search index is not copied: it is rebuilt when missing.
 *
 * Restore never half-restores: the backup is unpacked into a new folder next to DATA_DIR, checked,
 * then swapped in by two renames; the previous folder is kept beside it. It refuses while the
 * embedded database runs on that folder (stop Relais first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureFerretBinary } from '../db/embedded.js';

export const BACKUP_FORMAT = 1;
const FILE_FOLDERS = ['attachments', 'inbound'] as const;

export interface BackupManifest {
  format: number;
  createdAt: string;
  databases: string[];
  files: Record<string, number>;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new BackupError(`${path.basename(command)} failed (${code ?? 'signal'}): ${err.trim()}`))));
  });
}

const isArchive = (file: string): boolean => /\.(tar\.gz|tgz)$/.test(file);

/** Copies a files folder, leaving out temporary files of writes in progress; returns how many files. */
async function copyFiles(from: string, to: string): Promise<number> {
  if (!existsSync(from)) return 0;
  let count = 0;
  await cp(from, to, {
    recursive: true,
    filter: (source) => {
      if (source.endsWith('.tmp')) return false;
      if (path.basename(source).length === 64) count += 1;
      return true;
    },
  });
  return count;
}

/**
 * Writes a backup of `dataDir` into `target` (a new folder, or a `.tar.gz` file), while Relais may
 * be running. Returns the manifest.
 */
export async function backupDataDir(props: { dataDir: string; toolsDir: string; target: string }): Promise<BackupManifest> {
  const target = path.resolve(props.target);
  if (existsSync(target)) throw new BackupError(`${target} exists already: choose a new name.`);
  const archive = isArchive(target);
  const folder = archive ? await mkdtemp(path.join(path.dirname(target), '.relais-backup-')) : `${target}.partial`;
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const binary = await ensureFerretBinary(props.toolsDir);
    // The database first, then the files it may name (they were written before their records).
    const out = await run(binary, ['backup', '-from', path.join(props.dataDir, 'db'), '-to', path.join(folder, 'db')]);
    const databases = out.split('\n').filter(Boolean);
    if (databases.length === 0) throw new BackupError(`No database in ${path.join(props.dataDir, 'db')}: is DATA_DIR the folder Relais runs on?`);
    const files: Record<string, number> = {};
    for (const name of FILE_FOLDERS) files[name] = await copyFiles(path.join(props.dataDir, name), path.join(folder, name));
    // The loose files: secrets.json (the signing keys), demo-password.txt.
    for (const entry of await readdir(props.dataDir, { withFileTypes: true })) {
      if (entry.isFile()) await cp(path.join(props.dataDir, entry.name), path.join(folder, entry.name));
    }
    const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), databases, files };
    await writeFile(path.join(folder, 'relais-backup.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    if (archive) {
      await run('tar', ['-czf', `${target}.partial`, '-C', folder, '.']);
      // It holds the signing keys: readable by its owner only, like the data folder.
      await chmod(`${target}.partial`, 0o600);
      await rename(`${target}.partial`, target);
    } else {
      await rename(folder, target);
    }
    return manifest;
  } catch (error) {
    await rm(archive ? `${target}.partial` : folder, { recursive: true, force: true });
    throw error;
  } finally {
    if (archive) await rm(folder, { recursive: true, force: true });
  }
}

/** Whether an embedded database process serves `sqliteDir` (Linux: read from /proc; elsewhere false). */
export async function embeddedDatabaseRunsOn(sqliteDir: string): Promise<boolean> {
  const wanted = path.resolve(sqliteDir);
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  for (const pid of pids) {
    const args: string[] = await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
      (text) => text.split('\0'),
      () => [],
    );
    if (!args.some((a) => path.basename(a) === 'relais-ferretdb')) continue;
    const dir = args[args.indexOf('-dir') + 1];
    if (args.includes('-dir') && dir && path.resolve(dir) === wanted) return true;
  }
  return false;
}

/**
 * Restores a backup (folder or .tar.gz) as `dataDir`: unpacked into a new folder beside it, checked,
 * swapped in; the folder it replaces is kept as `<dataDir>.before-restore-<time>` (returned).
 */
export async function restoreDataDir(props: { dataDir: string; backup: string }): Promise<{ previous: string | null; manifest: BackupManifest }> {
  const dataDir = path.resolve(props.dataDir);
  const backup = path.resolve(props.backup);
  if (!existsSync(backup)) throw new BackupError(`No backup at ${backup}.`);
  if (await embeddedDatabaseRunsOn(path.join(dataDir, 'db'))) {
    throw new BackupError(`Relais's embedded database is running on ${dataDir}: stop Relais, then restore.`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await mkdir(path.dirname(dataDir), { recursive: true });
  const staging = `${dataDir}.restoring-${stamp}`;
  try {
    await mkdir(staging, { mode: 0o700 });
    if (isArchive(backup)) await run('tar', ['-xzf', backup, '-C', staging]);
    else await cp(backup, staging, { recursive: true });
    const manifestFile = path.join(staging, 'relais-backup.json');
    if (!existsSync(manifestFile)) throw new BackupError(`${backup} is not a Relais backup (no relais-backup.json).`);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BackupManifest;
    if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`Unknown backup format ${String(manifest.format)}.`);
    for (const db of manifest.databases) {
      if (!existsSync(path.join(staging, 'db', db))) throw new BackupError(`The backup lacks db/${db}.`);
    }
    await rm(manifestFile);
    const previous = existsSync(dataDir) ? `${dataDir}.before-restore-${stamp}` : null;
    if (previous) await rename(dataDir, previous);
    await rename(staging, dataDir);
    return { previous, manifest };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
