/**
 * Mocha global fixtures: one real embedded FerretDB for the whole run, its SQLite
 * files in a temporary folder.
 * Each test file then uses its own database on it (see `useTestDatabase`).
 * Set TEST_MONGODB_URI to run the suite against a real MongoDB instead.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { projectRoot } from '../../server/lib/paths.js';
import { registerSlaRecompute } from '../../server/sla/engine.js';
import { registerReportChangeKeys } from '../../server/reports/day-facts.js';
import { registerMemberActivity } from '../../server/privacy/activity.js';
import { recordedShapeCount, startRecordingQueryShapes, unindexedShapes } from './query-shapes.js';

// Every query the suite makes Relais send must be servable by a declared index on MongoDB (query-shapes.ts).
startRecordingQueryShapes();

// Every commit recomputes the SLA, notes the reports' change keys and the member's last activity, as
// in the server (index.ts registers the same enrichers through server/enrichers.ts).
registerSlaRecompute();
registerReportChangeKeys();
registerMemberActivity();

export const mochaHooks = {
  afterAll(): void {
    if (process.env.QUERY_SHAPES_REPORT) process.stdout.write(`${recordedShapeCount()} query shapes recorded\n`);
    const bad = unindexedShapes();
    if (bad.length === 0) return;
    const lines = bad.map(
      (s) =>
        `  ${s.collection}.${s.operation} filter ${JSON.stringify(s.filter)}${s.sort.length ? ` sort ${s.sort.join(',')}` : ''}\n      e.g. ${s.example}\n      from ${s.from}`,
    );
    throw new Error(
      `${bad.length} of ${recordedShapeCount()} query shapes sent during the tests cannot use any declared index on MongoDB (declare one, or read by _id):\n${lines.join('\n')}`,
    );
  },
};

let embedded: EmbeddedDatabase | undefined;
let tmpDir: string | undefined;
let uri: string | undefined = process.env.TEST_MONGODB_URI;

export function testDatabaseUri(): string {
  if (!uri) throw new Error('The test database is not started (mochaGlobalSetup did not run).');
  return uri;
}

export async function mochaGlobalSetup(): Promise<void> {
  if (uri) return;
  // A RAM-backed folder when the machine has one: SQLite files, but no disk waits.
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  tmpDir = mkdtempSync(path.join(base, 'relais-test-db-'));
  embedded = await startEmbeddedDatabase({
    toolsDir: path.join(projectRoot, '.relais', 'bin'),
    dataDir: tmpDir,
    startTimeoutMs: 60_000,
  });
  uri = embedded.uri;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await embedded?.stop();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
}
