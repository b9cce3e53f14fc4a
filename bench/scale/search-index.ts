/**
 * The search index of a scale dataset, kept beside it (`.relais/bench-scale/v<version>-<size>.search`)
 * and built from the dataset's database when missing or of another mapping version (the engine
 * says so): a rerun reuses it in seconds. Built with the same rebuild Relais runs on demand.
 */
import { connectDatabase, disconnectDatabase } from '../../server/db/connection.js';
import { projectRoot } from '../../server/lib/paths.js';
import { bleveEngine } from '../../server/search/bleve.engine.js';
import { rebuildSearchIndex } from '../../server/search/search.rebuild.js';
import { startSearchProcess } from '../../server/search/search.process.js';
import path from 'node:path';
import type { ScaleDataset } from './dataset.js';

export async function ensureScaleSearchIndex(dataset: ScaleDataset, log: (line: string) => void = console.log): Promise<string> {
  const dir = `${dataset.dataDir}.search`;
  const proc = await startSearchProcess({ toolsDir: path.join(projectRoot, '.relais', 'bin'), indexDir: dir, startTimeoutMs: 600_000 });
  try {
    const engine = bleveEngine(proc);
    if (!(await engine.health()).complete) {
      log(`  building the search index of ${dataset.size.toLocaleString('en')} tickets in ${path.relative(projectRoot, dir)} (kept for reruns)…`);
      await connectDatabase(dataset.uri, 'relais');
      try {
        const result = await rebuildSearchIndex(engine, { batchSize: 1000 });
        log(
          `  indexed ${result.tickets.toLocaleString('en')} tickets and ${result.messages.toLocaleString('en')} messages in ${(result.ms / 1000).toFixed(0)} s`,
        );
      } finally {
        await disconnectDatabase();
      }
    }
  } finally {
    await proc.stop();
  }
  return dir;
}
