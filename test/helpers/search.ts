/**
 * The real search engine for a test file: the bleve process (built into .relais/bin like the
 * database's launcher), an index in a temporary folder, and an indexer on the journal.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/lib/paths.js';
import { bleveEngine } from '../../server/search/bleve.engine.js';
import { SearchIndexer } from '../../server/search/search.indexer.js';
import { startSearchProcess, type SearchProcess } from '../../server/search/search.process.js';
import { useSearch } from '../../server/search/search.service.js';

export const searchToolsDir = path.join(projectRoot, '.relais', 'bin');

export interface TestSearch {
  indexer(): SearchIndexer;
  process(): SearchProcess;
  /** A fresh process on another empty folder (as after losing the index). */
  restartEmpty(): Promise<void>;
  /** A new process on the same folder (as at the next start). */
  restart(): Promise<void>;
}

export function useSearchEngine(): TestSearch {
  let dir = '';
  let proc: SearchProcess | undefined;
  let indexer: SearchIndexer | undefined;
  const start = async (same = false) => {
    const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    if (!same) dir = mkdtempSync(path.join(base, 'relais-test-search-'));
    proc = await startSearchProcess({ toolsDir: searchToolsDir, indexDir: dir, startTimeoutMs: 60_000 });
    indexer = new SearchIndexer(bleveEngine(proc));
    indexer.attach();
    useSearch(indexer);
  };
  const stop = async (keep = false) => {
    indexer?.detach();
    useSearch(null);
    await proc?.stop();
    if (dir && !keep) rmSync(dir, { recursive: true, force: true });
  };
  before(async function () {
    // The first run builds the engine with Go (a few minutes when the modules are not cached).
    this.timeout(600_000);
    await start();
  });
  after(() => stop());
  return {
    indexer: () => indexer as SearchIndexer,
    process: () => proc as SearchProcess,
    restartEmpty: async () => {
      await stop();
      await start();
    },
    restart: async () => {
      await stop(true);
      await start(true);
    },
  };
}
