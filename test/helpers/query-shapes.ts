/**
 * Every query Relais's own code (`server/`) sends during the tests is recorded — by wrapping the
 * driver's collection methods, which Mongoose calls too, and keeping the calls whose stack passes
 * through `server/`; the tests' own checks are left out — as a *shape* (collection, filtered fields,
 * sorted fields) and checked at the end of the run against the indexes the Mongoose models declare:
 * on MongoDB each one must be able to use an index (or be a read by `_id`, or read a small
 * configuration collection whole). A new query without its index fails CI with the shape, an
 * example and the place in the code that sent it.
 *
 * Rules (what MongoDB's planner can use): a filter is served when it has `_id`, or one of its
 * equality/range fields is the first key of a declared index, or it is an `$or` whose every branch is
 * served; a filterless read is served when its sort is an index prefix. `$in` on a field counts.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { projectRoot } from '../../server/lib/paths.js';

/**
 * Collections read whole on purpose: their size is the organisation's (offices, teams, staff,
 * categories, rules, policies, calendars), or bounded by the open work (`working_tickets`) or the mail waiting to go (`outbox_due`) or to be processed (`inbound_pending`), or the quarantine (`inbound_quarantine`), never by
 * the tickets' history. Test-only collections are listed too.
 */
export const wholeReadCollections = new Set([
  'offices',
  'teams',
  'staff',
  'categories',
  'reasoncodes',
  'routingrules',
  'sla_policies',
  'sla_calendars',
  'meta',
  'working_tickets',
  'outbox_due',
  'outbox_leases',
  'assignment_cursors',
  'inbound_pending',
  'inbound_quarantine',
  // "Send me a link" requests waiting for the worker (bounded by the per-IP and per-address limits).
  'member_link_requests',
  // Unlock link requests waiting for the worker (bounded the same way: per IP and per address).
  'staff_unlock_requests',
  // Invitations and "forgot password" requests waiting for the worker (bounded the same way).
  'staff_password_requests',
  // The local mail catcher (never in production): its page searches addresses with a regex.
  'caught_mail',
  // Search index marks of changes not indexed yet: emptied as the index takes them (search.indexer.ts).
  'search_pending',
  // Administrators' subjects and introductions of member mail: six templates × three languages at most.
  'mail_template_texts',
]);

/**
 * Code that reads whole collections on purpose, once, not per request: rebuilding the search index
 * from the database (on demand, or when the index is missing); the address keys' one-time backfill.
 * Only filterless reads are let through.
 */
export const wholeReadSites = ['server/search/search.rebuild.ts', 'server/mail/address-mail.backfill.ts'];

interface Shape {
  collection: string;
  operation: string;
  fields: string[];
  sort: string[];
  /** The filter's structure, values left out. */
  filter: Record<string, unknown>;
  example: string;
  /** The first frame in `server/` that sent it. */
  from: string;
}

const shapes = new Map<string, Shape>();
const internal = new Set(['system.indexes', 'system.namespaces']);

function ownFields(filter: Record<string, unknown>): { fields: string[]; ors: Record<string, unknown>[][]; opaque: boolean } {
  const fields: string[] = [];
  const ors: Record<string, unknown>[][] = [];
  let opaque = false;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value as Record<string, unknown>[]) {
        const inner = ownFields(part);
        fields.push(...inner.fields);
        ors.push(...inner.ors);
        opaque ||= inner.opaque;
      }
    } else if (key === '$or' && Array.isArray(value)) ors.push(value as Record<string, unknown>[]);
    else if (key.startsWith('$')) opaque = true;
    else fields.push(key);
  }
  return { fields, ors, opaque };
}

function record(
  collection: string,
  operation: string,
  filter: Record<string, unknown> | undefined,
  sort: Record<string, unknown> | undefined,
  from: string,
): void {
  if (!collection || internal.has(collection) || collection.startsWith('system.')) return;
  const f = filter ?? {};
  const { fields } = ownFields(f);
  const structure = simplify(f) as Record<string, unknown>;
  const shape: Shape = {
    collection,
    operation,
    fields: [...new Set(fields)].sort(),
    sort: Object.keys(sort ?? {}),
    filter: structure,
    example: JSON.stringify(f).slice(0, 300),
    from,
  };
  const key = `${collection}|${operation}|${JSON.stringify(structure)}|${shape.sort.join(',')}`;
  if (!shapes.has(key)) shapes.set(key, shape);
}

/** The filter's structure without its values (so one shape per query written in the code). */
function simplify(value: unknown): unknown {
  if (Array.isArray(value))
    return value.length > 0 && typeof value[0] === 'object' && value[0] !== null && !('_bsontype' in (value[0] as object)) ? value.map(simplify) : '[]';
  if (value && typeof value === 'object' && !('_bsontype' in value) && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.startsWith('$') && k !== '$and' && k !== '$or' ? typeof v : simplify(v)]));
  return '·';
}

const serverDir = `${path.join(projectRoot, 'server')}${path.sep}`;

/** The first stack frame in server/ (the code that sent the query), or null for the tests' own reads. */
function serverFrame(): string | null {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(2)) {
    const at = line.indexOf(serverDir);
    if (at >= 0) return line.slice(at + projectRoot.length + 1).replace(/\)$/, '');
  }
  return null;
}

type Reader = (filter?: Record<string, unknown>, options?: Record<string, unknown>) => unknown;
const filterMethods = [
  'find',
  'findOne',
  'countDocuments',
  'count',
  'distinct',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
] as const;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const proto = mongoose.mongo.Collection.prototype as unknown as Record<string, Reader>;
  for (const method of filterMethods) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    proto[method] = function (this: InstanceType<typeof mongoose.mongo.Collection>, ...args: unknown[]) {
      const from = serverFrame();
      // distinct(key, filter): the filter is the second argument.
      const filter = (method === 'distinct' ? args[1] : args[0]) as Record<string, unknown> | undefined;
      const options = (
        method === 'distinct' ? args[2] : method.startsWith('update') || method.startsWith('replace') || method.startsWith('findOneAnd') ? args[2] : args[1]
      ) as { sort?: Record<string, unknown> } | undefined;
      if (from) record(this.collectionName, method, filter, options?.sort, from);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as Reader;
  }
  const aggregate = proto.aggregate as unknown as (...a: unknown[]) => unknown;
  proto.aggregate = function (this: InstanceType<typeof mongoose.mongo.Collection>, ...args: unknown[]) {
    const from = serverFrame();
    const pipeline = (args[0] as Record<string, unknown>[] | undefined) ?? [];
    const match = pipeline[0]?.$match as Record<string, unknown> | undefined;
    if (from) record(this.collectionName, 'aggregate', match, undefined, from);
    return aggregate.apply(this, args);
  } as unknown as Reader;
  // A cursor's sort is set after find(): record it there.
  const cursorSort = mongoose.mongo.FindCursor.prototype.sort;
  mongoose.mongo.FindCursor.prototype.sort = function (this: InstanceType<typeof mongoose.mongo.FindCursor>, ...args: Parameters<typeof cursorSort>) {
    const from = serverFrame();
    const ns = (this as unknown as { namespace?: { collection?: string } }).namespace;
    const filter = (this as unknown as { cursorFilter?: Record<string, unknown> }).cursorFilter;
    if (from && ns?.collection) record(ns.collection, 'find', filter, args[0] as Record<string, unknown>, from);
    return cursorSort.apply(this, args);
  };
}

export function startRecordingQueryShapes(): void {
  install();
}

/** First keys of every declared index, per collection (`_id` always). */
function declaredIndexes(): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const model of Object.values(mongoose.models)) {
    const list = out.get(model.collection.collectionName) ?? [['_id']];
    for (const [keys] of model.schema.indexes()) list.push(Object.keys(keys));
    model.schema.eachPath((name, type) => {
      const options = (type as unknown as { options?: { unique?: boolean; index?: boolean } }).options;
      if (options?.unique || options?.index) list.push([name]);
    });
    out.set(model.collection.collectionName, list);
  }
  return out;
}

function served(filter: Record<string, unknown>, extra: string[], indexes: string[][]): boolean {
  const { fields, ors, opaque } = ownFields(filter);
  const all = [...fields, ...extra];
  if (all.includes('_id')) return true;
  if (indexes.some((keys) => keys[0] !== undefined && all.includes(keys[0]))) return true;
  if (opaque) return false;
  return ors.length > 0 && ors.every((branches) => branches.every((b) => served(b, all, indexes)));
}

/** The recorded shapes no declared index can serve. */
export function unindexedShapes(): Shape[] {
  const indexes = declaredIndexes();
  const bad: Shape[] = [];
  for (const shape of shapes.values()) {
    if (wholeReadCollections.has(shape.collection)) continue;
    const list = indexes.get(shape.collection) ?? [['_id']];
    const hasFilter = Object.keys(shape.filter).length > 0;
    if (!hasFilter && wholeReadSites.some((site) => shape.from.startsWith(site))) continue;
    const ok = hasFilter ? served(shape.filter, [], list) : shape.sort.length > 0 && list.some((keys) => keys[0] === shape.sort[0]);
    if (!ok) bad.push(shape);
  }
  return bad;
}

export function recordedShapeCount(): number {
  return shapes.size;
}
