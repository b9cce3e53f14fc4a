/**
 * Every query the test suite makes Relais send is recorded (the driver's command monitoring,
 * `observeDatabaseCommands`) as a *shape* — collection, filtered fields, sorted fields — and checked
 * at the end of the run against the indexes the Mongoose models declare: on MongoDB each one must be
 * able to use an index (or be a read by `_id`, or read a small configuration collection whole).
 * A new query without its index fails CI with the shape and an example.
 *
 * Rules (what MongoDB's planner can use): a filter is served when it has `_id`, or one of its
 * equality/range fields is the first key of a declared index, or it is an `$or` whose every branch is
 * served; a filterless read is served when its sort is an index prefix. `$in` on a field counts.
 */
import mongoose from 'mongoose';
import { observeDatabaseCommands, type DatabaseCommand } from '../../server/db/connection.js';

/**
 * Collections read whole on purpose: their size is the organisation's (offices, teams, staff,
 * categories, rules, policies, calendars), or bounded by the open work (`working_tickets`), never by
 * the tickets' history. Test-only collections are listed too.
 */
export const wholeReadCollections = new Set([
  'offices', 'teams', 'staffs', 'categories', 'reasoncodes', 'routingrules', 'slapolicies', 'sla_calendars', 'meta',
  'working_tickets', 'outbox_leases', 'assignment_cursors',
]);

interface Shape {
  collection: string;
  operation: string;
  fields: string[];
  sort: string[];
  /** The filter's structure, values left out. */
  filter: Record<string, unknown>;
  example: string;
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

function record(collection: string, operation: string, filter: Record<string, unknown> | undefined, sort: Record<string, unknown> | undefined): void {
  if (!collection || internal.has(collection) || collection.startsWith('system.')) return;
  const f = filter ?? {};
  const { fields } = ownFields(f);
  const structure = simplify(f) as Record<string, unknown>;
  const shape: Shape = { collection, operation, fields: [...new Set(fields)].sort(), sort: Object.keys(sort ?? {}), filter: structure, example: JSON.stringify(f).slice(0, 300) };
  const key = `${collection}|${operation}|${JSON.stringify(structure)}|${shape.sort.join(',')}`;
  if (!shapes.has(key)) shapes.set(key, shape);
}

/** The filter's structure without its values (so one shape per query written in the code). */
function simplify(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 && typeof value[0] === 'object' && value[0] !== null && !('_bsontype' in (value[0] as object)) ? value.map(simplify) : '[]';
  if (value && typeof value === 'object' && !('_bsontype' in value) && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.startsWith('$') && k !== '$and' && k !== '$or' ? typeof v : simplify(v)]));
  return '·';
}

function onCommand({ commandName, command }: DatabaseCommand): void {
  const c = command;
  switch (commandName) {
    case 'find':
      return record(String(c.find), 'find', c.filter as Record<string, unknown>, c.sort as Record<string, unknown>);
    case 'count':
      return record(String(c.count), 'count', c.query as Record<string, unknown>, undefined);
    case 'distinct':
      return record(String(c.distinct), 'distinct', c.query as Record<string, unknown>, undefined);
    case 'aggregate': {
      const pipeline = (c.pipeline as Record<string, unknown>[]) ?? [];
      const match = pipeline[0]?.$match as Record<string, unknown> | undefined;
      const sort = pipeline.find((s) => s.$sort)?.$sort as Record<string, unknown> | undefined;
      return record(String(c.aggregate), 'aggregate', match, match ? undefined : sort);
    }
    case 'update':
      for (const u of (c.updates as { q: Record<string, unknown> }[]) ?? []) record(String(c.update), 'update', u.q, undefined);
      return;
    case 'delete':
      for (const d of (c.deletes as { q: Record<string, unknown> }[]) ?? []) record(String(c.delete), 'delete', d.q, undefined);
      return;
    case 'findAndModify':
      return record(String(c.findAndModify), 'findAndModify', c.query as Record<string, unknown>, c.sort as Record<string, unknown>);
    default:
  }
}

export function startRecordingQueryShapes(): void {
  observeDatabaseCommands(onCommand);
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
    const ok = hasFilter ? served(shape.filter, [], list) : shape.sort.length > 0 && list.some((keys) => keys[0] === shape.sort[0]);
    if (!ok) bad.push(shape);
  }
  return bad;
}

export function recordedShapeCount(): number {
  return shapes.size;
}
