/**
 * Builds the project's small Go programs (`tools/<name>/`: the embedded database's launcher, the
 * search engine) on first use into the tools folder, next to a `.stamp` hash of their sources, so a
 * changed source — any `.go` file, `go.mod` or `go.sum` — is rebuilt, and an unchanged one is not.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { inheritedEnvironment } from '../config.js';
import type { Logger } from '../lib/logger.js';

const execFileAsync = promisify(execFile);

export class GoBuildError extends Error {
  override name = 'GoBuildError';
}

/** A hash of every source file of the program (sorted by name): what decides a rebuild. */
export function goSourceStamp(sourceDir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(sourceDir)
    .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
    .sort();
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
  try {
    await execFileAsync('go', ['build', '-trimpath', '-o', tmp, '.'], {
      cwd: program.sourceDir,
      // Pure Go (modernc SQLite, bleve): no C compiler needed, and a static binary.
      env: inheritedEnvironment({ CGO_ENABLED: '0' }),
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
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
  }
  // Rename is atomic: two processes building at once both end with a whole binary.
  renameSync(tmp, binary);
  writeFileSync(stampFile, stamp);
  return binary;
}
