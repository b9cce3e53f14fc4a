/**
 * `npm run bench [-- <filter>]`: runs every `bench/*.bench.ts` (sorted by name), or only
 * those whose file name contains the filter, and prints one table per file.
 * Missed goals are informational; the exit code is non-zero only when a bench crashes.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mongoose from 'mongoose';
import { formatTable, stopBenchDatabase, type BenchModule } from './lib.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

function isBenchModule(value: unknown): value is BenchModule {
  return typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function';
}

async function main(filter: string | undefined): Promise<number> {
  const files = readdirSync(benchDir)
    .filter((name) => name.endsWith('.bench.ts') && (!filter || name.includes(filter)))
    .sort();
  if (files.length === 0) {
    console.error(filter ? `No bench file name contains "${filter}".` : 'No bench/*.bench.ts files found.');
    return 1;
  }

  const failed: string[] = [];
  for (const file of files) {
    console.log(`\n▶ ${file}`);
    const started = Date.now();
    try {
      const mod: unknown = await import(pathToFileURL(path.join(benchDir, file)).href);
      if (!isBenchModule(mod)) throw new Error('does not export run(): Promise<BenchResult[]>');
      const results = await mod.run();
      console.log(formatTable(results));
      console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed.push(file);
      console.error(`✖ ${file} crashed:`, error);
      // A crashed bench may leave its connection open; the next one starts clean.
      await mongoose.disconnect().catch(() => undefined);
    }
  }
  if (failed.length > 0) console.error(`\n${failed.length} bench file(s) crashed: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main(process.argv[2]);
} catch (error) {
  console.error(error);
} finally {
  await mongoose.disconnect().catch(() => undefined);
  await stopBenchDatabase().catch((error: unknown) => console.error('Stopping the bench database failed:', error));
}
process.exitCode = code;
