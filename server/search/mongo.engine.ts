/**
 * The search engine where Relais runs on MongoDB (`SEARCH_ENGINE=mongodb`, several instances): the
 * same `SearchEngine` as bleve, served by a MongoDB text index on `search_documents`
 * (search-document.model.ts), fed by the same journal marks. UNTESTED against a real MongoDB here:
 * the embedded FerretDB 1.24 has no `$text` and no text index; its writes are tested, its queries
 * only as built objects (test/unit/search.mongo.test.ts).
 *
 * Differences from bleve, said plainly: words are matched by MongoDB's text search (case and
 * accents folded by text index v3, stemmed in the document's language), any word rather than every
 * word (documents with more of them rank first); numbers, addresses and member numbers are exact
 * keys (an address also by its start). A ticket's messages carry its placement, set again on every
 * write of the ticket (one indexed update), so the scope filters message hits too.
 */
import mongoose from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import { SearchDocumentModel, type SearchDocument } from './search-document.model.js';
import type { MessageSearchDoc, SearchBatch, SearchEngine, SearchHealth, SearchHits, TicketSearchDoc } from './search.engine.js';
import type { ScopeClause } from './search.scope.js';

const mapping = 'relais-mongo-search-2';
const metaId = 'search-index';
const textLanguages: Record<string, string> = { fr: 'french', nl: 'dutch', en: 'english' };

interface Meta {
  _id: string;
  mapping: string;
  current: number;
  building: number | null;
  complete: boolean;
}

const metaCollection = () => mongoose.connection.collection<Meta>('meta');

/** The forms a ticket number is found by: whole, without its prefix and year, without leading zeros. */
export function numberKeys(number: string): string[] {
  const n = number.toLowerCase();
  const parts = n.split('-');
  const out = [n];
  if (parts.length === 3) {
    out.push(`${parts[1]}-${parts[2]}`, parts[2] ?? '');
    const trimmed = (parts[2] ?? '').replace(/^0+/, '');
    if (trimmed && trimmed !== parts[2]) out.push(trimmed);
  }
  return out.filter(Boolean);
}

function placement(t: Pick<TicketSearchDoc, 'tier' | 'office' | 'team' | 'assignee' | 'memberOffice' | 'workers'>) {
  return { tier: t.tier, office: t.office, team: t.team, assignee: t.assignee || 'none', memberOffice: t.memberOffice || 'none', workers: t.workers };
}

export function ticketDocument(gen: number, t: TicketSearchDoc): SearchDocument {
  return {
    _id: `${gen}:t:${t.id}`,
    gen,
    kind: 't',
    ticket: t.id,
    v: t.v,
    keys: [...numberKeys(t.number), t.email.toLowerCase(), t.memberNumber.toLowerCase()].filter(Boolean),
    subject: t.subject,
    name: t.name,
    email: t.email,
    all: [t.subject, t.name, t.email, t.memberNumber, t.category].join(' '),
    textLanguage: textLanguages[t.lang] ?? 'none',
    internal: false,
    ...placement(t),
  };
}

function messageDocument(gen: number, m: MessageSearchDoc, place: ReturnType<typeof placement> | null): SearchDocument {
  return {
    _id: `${gen}:m:${m.ticket}:${m.id}`,
    gen,
    kind: 'm',
    ticket: m.ticket,
    v: 0,
    keys: [],
    text: m.text,
    textLanguage: textLanguages[m.lang] ?? 'none',
    internal: m.internal,
    ...(place ?? {}),
  };
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The scope as a query: the placements one may read (an unplaced message passes; the policy decides). */
export function scopeFilter(scope: readonly ScopeClause[] | undefined): Record<string, unknown> {
  if (!scope) return {};
  if (scope.some((c) => Object.keys(c).length === 0)) return {};
  // A clause's `worker` is one of the document's `workers` (equality on an array field matches an element).
  return { $or: [{ tier: { $exists: false } }, ...scope.map(({ worker, ...c }) => ({ ...c, ...(worker === undefined ? {} : { workers: worker }) }))] };
}

/** The two queries of a search: exact keys (numbers, addresses, member numbers) and the text index. */
export function searchFilters(gen: number, q: string, options: { internal: boolean; scope?: readonly ScopeClause[] }) {
  const lower = q.trim().toLowerCase();
  const compact = lower.replace(/\s+/g, '');
  const keys: Record<string, unknown>[] = [{ keys: { $in: [compact, ...(/^\d+$/.test(compact) ? [compact.replace(/^0+/, '')] : [])].filter(Boolean) } }];
  if (!lower.includes(' ') && [...lower].length >= 3) keys.push({ keys: { $regex: `^${escapeRegex(lower)}` } });
  const scope = scopeFilter(options.scope);
  // `-` negates and `"` quotes in $search: typed text must never act as an operator.
  const words = q.replace(/["\\-]/g, ' ').trim();
  return {
    keys: { gen, kind: 't' as const, $and: [{ $or: keys }, scope] },
    text: words ? { gen, $text: { $search: words }, ...(options.internal ? {} : { internal: { $ne: true } }), ...scope } : null,
  };
}

export function mongoEngine(): SearchEngine {
  let cached: { at: number; meta: Meta } | null = null;
  const meta = async (fresh = false): Promise<Meta> => {
    if (!fresh && cached && Date.now() - cached.at < 5000) return cached.meta;
    const found = await metaCollection().findOne({ _id: metaId });
    const m = found && found.mapping === mapping ? found : { _id: metaId, mapping, current: (found?.current ?? 0) + 1, building: null, complete: false };
    if (!found || found.mapping !== mapping) await metaCollection().replaceOne({ _id: metaId }, m, { upsert: true });
    cached = { at: Date.now(), meta: m };
    return m;
  };
  const setMeta = async (m: Meta) => {
    await metaCollection().replaceOne({ _id: metaId }, m, { upsert: true });
    cached = { at: Date.now(), meta: m };
  };

  const writeGen = async (gen: number, batch: SearchBatch) => {
    const places = new Map<string, ReturnType<typeof placement>>();
    for (const t of batch.tickets) {
      const doc = ticketDocument(gen, t);
      places.set(t.id, placement(t));
      try {
        // Never over a newer version of the same ticket (a rebuild racing live writes).
        await SearchDocumentModel.collection.updateOne(
          { _id: doc._id, $or: [{ v: { $lt: t.v } }, { v: { $exists: false } }] } as never,
          { $set: doc },
          { upsert: true },
        );
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      // Its messages follow where it is now.
      await SearchDocumentModel.updateMany({ gen, ticket: t.id, kind: 'm' }, { $set: placement(t) });
    }
    for (const m of batch.messages) {
      let place = places.get(m.ticket) ?? null;
      if (!place) {
        const t = await SearchDocumentModel.findById(`${gen}:t:${m.ticket}`).lean();
        if (t?.tier !== undefined)
          place = {
            tier: t.tier,
            office: t.office ?? '',
            team: t.team ?? '',
            assignee: t.assignee ?? 'none',
            memberOffice: t.memberOffice ?? 'none',
            workers: t.workers ?? [],
          };
      }
      const doc = messageDocument(gen, m, place);
      await SearchDocumentModel.collection.replaceOne({ _id: doc._id } as never, doc, { upsert: true });
    }
  };

  return {
    kind: 'mongodb',
    // A text index matches whole (stemmed) words only; Relais does not ask it for near words.
    forgivesTypos: false,
    async write(batch) {
      const m = await meta();
      await writeGen(m.current, batch);
      if (m.building !== null) await writeGen(m.building, batch);
    },
    async writeRebuild(batch) {
      const m = await meta(true);
      if (m.building === null) throw new Error('no rebuild in progress');
      await writeGen(m.building, batch);
    },
    async search(q, options): Promise<SearchHits> {
      if (options.fuzzy) return { tickets: [], more: false };
      const started = performance.now();
      const { current } = await meta();
      const filters = searchFilters(current, q, options);
      const best = new Map<string, { score: number; name?: string; email?: string }>();
      for (const d of await SearchDocumentModel.find(filters.keys, { ticket: 1, name: 1, email: 1 }).limit(options.limit).lean())
        best.set(d.ticket, { score: 1000, name: d.name, email: d.email });
      if (filters.text) {
        const docs = await SearchDocumentModel.find(filters.text, { ticket: 1, score: { $meta: 'textScore' } })
          .sort({ score: { $meta: 'textScore' } })
          .limit(options.limit * 4)
          .lean<Array<{ ticket: string; score: number }>>();
        for (const d of docs) if (!best.has(d.ticket)) best.set(d.ticket, { score: d.score });
      }
      const ranked = [...best].sort((a, b) => b[1].score - a[1].score);
      return {
        tickets: ranked.slice(0, options.limit).map(([id, h]) => ({ id, ...h })),
        more: ranked.length > options.limit,
        tookMs: performance.now() - started,
      };
    },
    async health(): Promise<SearchHealth> {
      const m = await meta(true);
      return { complete: m.complete, building: m.building !== null, docs: await SearchDocumentModel.countDocuments({ gen: m.current }) };
    },
    async beginRebuild() {
      const m = await meta(true);
      // A rebuild left by a stopped instance: its documents go.
      if (m.building !== null) await SearchDocumentModel.deleteMany({ gen: m.building });
      await setMeta({ ...m, building: m.current + 1 });
    },
    async commitRebuild() {
      const m = await meta(true);
      if (m.building === null) throw new Error('no rebuild in progress');
      await setMeta({ ...m, current: m.building, building: null, complete: true });
      await SearchDocumentModel.deleteMany({ gen: { $lt: m.building } });
    },
    async abortRebuild() {
      const m = await meta(true);
      if (m.building !== null) await SearchDocumentModel.deleteMany({ gen: m.building });
      await setMeta({ ...m, building: null });
    },
  };
}

/** The text index (MongoDB only): weights as bleve's boosts, each document's language for stemming. */
export async function ensureMongoTextIndex(): Promise<void> {
  await SearchDocumentModel.collection.createIndex(
    { gen: 1, subject: 'text', name: 'text', all: 'text', text: 'text' },
    { name: 'search_text', weights: { name: 6, subject: 4, all: 2, text: 1 }, default_language: 'none', language_override: 'textLanguage' },
  );
}
