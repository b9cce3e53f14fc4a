/**
 * Builds the project's small Go programs (`tools/<name>/`: the embedded database's launcher, the
 * search engine) on first use into the tools folder, next to a `.stamp` hash of their sources, so a
 * changed source — any `.go` file, `go.mod`, `go.sum` or patch — is rebuilt, and an unchanged one is not.
 *
 * A program may carry patches to one of its modules (`tools/<name>/patches/*.patch`, unified diffs
 * relative to the module's root): the module's source, as the Go module proxy gave it, is then
 * copied next to a copy of the program, patched, and used through a `replace` directive. The copy is
 * a temporary folder of the tools folder, removed after the build; nothing in the module cache or in
 * `tools/` is changed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { applyPatch, parsePatch } from 'diff';
import { inheritedEnvironment } from '../config.js';
import type { Logger } from '../lib/logger.js';

const execFileAsync = promisify(execFile);

export class GoBuildError extends Error {
  override name = 'GoBuildError';
}

const isSource = (file: string): boolean => file.endsWith('.go') || file === 'go.mod' || file === 'go.sum';

/** The program's patches (`patches/*.patch`), sorted by name: applied in that order. */
function patchFiles(sourceDir: string): string[] {
  const dir = path.join(sourceDir, 'patches');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => path.join('patches', f));
}

/** A hash of every source file and patch of the program (sorted by name): what decides a rebuild. */
export function goSourceStamp(sourceDir: string): string {
  const hash = createHash('sha256');
  const files = [...readdirSync(sourceDir).filter(isSource).sort(), ...patchFiles(sourceDir)];
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(sourceDir, file)));
  }
  return hash.digest('hex');
}

export interface GoProgram {
  /** Folder of the program's sources (`tools/<name>`). */
  sourceDir: string;
  binaryName: string;
  /** What it is, for messages: "the embedded database (FerretDB 1.24.2)". */
  label: string;
  /** The Go module the program's `patches/*.patch` apply to, at the version its `go.mod` requires. */
  patchedModule?: string;
}

const goEnvironment = () => inheritedEnvironment({ CGO_ENABLED: '0' });

/** Module caches are read-only: the copy is made writable so it can be patched and removed. */
function makeWritable(target: string): void {
  const stat = statSync(target);
  chmodSync(target, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(target)) makeWritable(path.join(target, entry));
}

/** Applies each unified diff of `patchFile` to the files under `moduleDir`; throws if one no longer fits. */
export function applyModulePatch(moduleDir: string, patchFile: string, patchText: string): void {
  for (const filePatch of parsePatch(patchText)) {
    const name = (filePatch.oldFileName ?? '').replace(/^a\//, '');
    const target = path.join(moduleDir, name);
    if (!name || path.relative(moduleDir, target).startsWith('..') || !existsSync(target)) {
      throw new GoBuildError(`${patchFile} names a file the module does not have: ${name || '(none)'}`);
    }
    const patched = applyPatch(readFileSync(target, 'utf8'), filePatch);
    if (patched === false) throw new GoBuildError(`${patchFile} no longer applies to ${name}: its version changed?`);
    writeFileSync(target, patched);
  }
}

/**
 * A temporary copy of the program whose `go.mod` points `program.patchedModule` to a patched copy
 * of that module's source. Returns the copy's folder, to build in and then remove.
 */
async function patchedCopy(program: GoProgram & { patchedModule: string }, toolsDir: string): Promise<string> {
  const work = mkdtempSync(path.join(toolsDir, `.build-${program.binaryName}-`));
  for (const file of readdirSync(program.sourceDir).filter(isSource)) copyFileSync(path.join(program.sourceDir, file), path.join(work, file));
  // The version the program's go.mod requires, fetched from the module proxy like any dependency.
  const { stdout } = await execFileAsync('go', ['mod', 'download', '-json', program.patchedModule], { cwd: work, env: goEnvironment() });
  const moduleSource = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleSource) throw new GoBuildError(`go mod download gave no folder for ${program.patchedModule}`);
  const moduleCopy = path.join(work, 'patched-module');
  cpSync(moduleSource, moduleCopy, { recursive: true });
  makeWritable(moduleCopy);
  for (const patch of patchFiles(program.sourceDir)) applyModulePatch(moduleCopy, patch, readFileSync(path.join(program.sourceDir, patch), 'utf8'));
  await execFileAsync('go', ['mod', 'edit', `-replace=${program.patchedModule}=./patched-module`], { cwd: work, env: goEnvironment() });
  return work;
}

/**
 * Returns the path of the program's binary in `toolsDir`, building it first when it is missing or
 * its sources changed. A failed build throws with Go's own output and what to do about it.
 */
export async function ensureGoBinary(program: GoProgram, toolsDir: string, logger?: Logger): Promise<string> {
  // Absolute: `go build -o` runs in the program's source folder.
  const binary = path.resolve(toolsDir, program.binaryName);
  const stampFile = `${binary}.stamp`;
  const stamp = goSourceStamp(program.sourceDir);
  if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return binary;

  mkdirSync(path.dirname(binary), { recursive: true });
  logger?.info(`Building ${program.label} with Go; the first build downloads modules and takes a few minutes`);
  const tmp = `${binary}.${process.pid}.tmp`;
  let work: string | undefined;
  try {
    const { patchedModule } = program;
    if (patchedModule && patchFiles(program.sourceDir).length > 0) work = await patchedCopy({ ...program, patchedModule }, path.dirname(binary));
    await execFileAsync('go', ['build', '-trimpath', '-o', tmp, '.'], {
      cwd: work ?? program.sourceDir,
      // Pure Go (modernc SQLite, bleve): no C compiler needed, and a static binary.
      env: goEnvironment(),
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    if (error instanceof GoBuildError) throw error;
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new GoBuildError(
        `Go is not installed, and it is needed once to build ${program.label}.\n` +
          'Install Go 1.25 or newer (https://go.dev/doc/install, or `apt-get install golang`), ' +
          'or set MONGODB_URI to use your own MongoDB server.',
      );
    }
    throw new GoBuildError(
      `Building ${program.label} failed:\n${err.stderr ?? err.message}\n` +
        'Check that the Go module proxy is reachable (GOPROXY) and Go is 1.25 or newer, ' +
        'or set MONGODB_URI to use your own MongoDB server.',
    );
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
  // Rename is atomic: two processes building at once both end with a whole binary.
  renameSync(tmp, binary);
  writeFileSync(stampFile, stamp);
  return binary;
}
