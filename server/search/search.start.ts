/**
 * Starts staff search, on the embedded engine or MongoDB (the composition root calls it once the working set
 * is read, so creations finished at start are indexed too): the engine process, the indexer on
 * the journal, the changes left unindexed, and a rebuild when the index is missing or outdated.
 */
import type { Logger } from '../lib/logger.js';
import { bleveEngine } from './bleve.engine.js';
import { ensureMongoTextIndex, mongoEngine } from './mongo.engine.js';
import { SearchIndexer } from './search.indexer.js';
import { startSearchProcess } from './search.process.js';
import { useSearch } from './search.service.js';

export interface RunningSearch {
  indexer: SearchIndexer;
  stop(): Promise<void>;
}

export async function startSearch(options: { engine: 'embedded' | 'mongodb'; toolsDir: string; indexDir: string; logger: Logger }): Promise<RunningSearch> {
  const proc = options.engine === 'embedded' ? await startSearchProcess(options) : null;
  if (!proc) await ensureMongoTextIndex();
  const indexer = new SearchIndexer(proc ? bleveEngine(proc) : mongoEngine(), options.logger);
  indexer.attach();
  useSearch(indexer);
  const started = await indexer.start();
  if (started.caughtUp > 0) options.logger.info({ changes: started.caughtUp }, 'indexed the changes the search index had missed');
  return {
    indexer,
    async stop() {
      await indexer.idle();
      indexer.detach();
      useSearch(null);
      await proc?.stop();
    },
  };
}
