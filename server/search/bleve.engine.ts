/**
 * The search engine of the embedded default: the bleve process of `tools/search/`
 * (search.process.ts), reached over loopback HTTP with its per-start secret.
 */
import { SearchUnavailableError, type SearchBatch, type SearchEngine, type SearchHealth, type SearchHits } from './search.engine.js';

export function bleveEngine(endpoint: { url: string; secret: string }, timeoutMs = 10_000): SearchEngine {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown, timeout = timeoutMs): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${endpoint.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${endpoint.secret}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      throw new SearchUnavailableError(`The search engine does not answer: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new SearchUnavailableError(`The search engine answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  return {
    kind: 'bleve',
    forgivesTypos: true,
    write: async (batch: SearchBatch) => void (await call('POST', '/index', { ...batch, rebuild: false })),
    writeRebuild: async (batch: SearchBatch) => void (await call('POST', '/index', { ...batch, rebuild: true }, 120_000)),
    search: async (q, options) => {
      const res = await call<SearchHits>('POST', '/search', {
        q,
        limit: options.limit,
        internal: options.internal,
        scope: options.scope,
        fuzzy: options.fuzzy === true,
      });
      return { tickets: res.tickets, more: res.more, tookMs: res.tookMs };
    },
    health: () => call<SearchHealth>('GET', '/health'),
    beginRebuild: async () => void (await call('POST', '/rebuild/begin')),
    commitRebuild: async () => void (await call('POST', '/rebuild/commit', undefined, 120_000)),
    abortRebuild: async () => void (await call('POST', '/rebuild/abort')),
  };
}
