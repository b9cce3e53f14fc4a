/**
 * A year of tickets for `npm run bench -- scale`, built as fast as the database allows.
 *
 * The shape comes from the demo: the demo seed plays 200 tickets through the real commands (every
 * tier, escalations, returns, notes, ratings), and each further ticket is a copy of one of them with
 * every id renewed — its events, messages and escalations included — its member drawn from a pool
 * (about one member per five tickets: 20,000 at 100,000 tickets), and its dates moved. About 3 % of
 * the tickets are open (copies of the demo's open tickets, at their recent dates); the rest are done,
 * spread over the past year. Documents go in with bulk inserts, not through the API, and so do the
 * key documents Relais keeps beside them (`ticketKeyDocuments`, the same function the commands use)
 * and the reports' day documents (`reportDayDocument`, the same documents a report stores).
 *
 * Each size lives in its own data folder under `.relais/bench-scale/`, keyed by size and
 * `datasetVersion`, with a marker written last: a rerun reuses a finished database in seconds.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import type { AnyBulkWriteOperation } from 'mongodb';
import { loadConfig } from '../../server/config.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../../server/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { seedDemoData } from '../../server/demo/demo.seed.js';
import { createLogger } from '../../server/lib/logger.js';
import { projectRoot } from '../../server/lib/paths.js';
import { registerTicketEnrichers } from '../../server/enrichers.js';
import { withoutNotifications } from '../../server/tickets/ticket.journal.js';
import { MemberEmailModel, MemberModel } from '../../server/members/member.model.js';
import '../../server/models.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { reportDayDocument, writeReportDayDocuments } from '../../server/reports/day-facts.js';
import type { RawTicket } from '../../server/reports/ticket-source.js';
import { EscalationModel } from '../../server/tickets/escalation.model.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { formatTicketNumber } from '../../server/tickets/ticket-number.js';
import { TicketEventModel } from '../../server/tickets/ticket-event.model.js';
import { TicketDayModel } from '../../server/tickets/ticket.keys.js';
import { dayPrefixes, ticketKeyDocuments, writeTicketKeyDocuments } from '../../server/tickets/ticket-keys.bulk.js';
import { NO_DUE_DATE, TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { isOpenStatus } from '../../server/lib/ticket.vocabulary.js';
import { isWorking } from '../../server/tickets/working-rule.js';

/** Bump when the generated data or the documents Relais keeps change shape: old folders are rebuilt. */
export const datasetVersion = 8;
export const benchPassword = 'scale-bench-password';
const openShare = 0.03;
const ticketsPerMember = 5;
const batch = 1_000;
const day = 24 * 3600 * 1000;

export interface ScaleDataset {
  size: number;
  uri: string;
  dataDir: string;
  stop(): Promise<void>;
}

type Doc = Record<string, unknown> & { _id: unknown };

interface Template {
  ticket: Ticket & Record<string, unknown>;
  events: Doc[];
  messages: Doc[];
  escalations: Doc[];
}

/** Copies a document, renewing ids through `ids`, moving dates by `shift` ms (never the "no deadline" date). */
function remap(value: unknown, ids: Map<string, Types.ObjectId>, shift: number): unknown {
  if (value instanceof Types.ObjectId) return ids.get(String(value)) ?? value;
  if (value instanceof Date) return value.getTime() >= NO_DUE_DATE.getTime() || shift === 0 ? value : new Date(value.getTime() + shift);
  if (Array.isArray(value)) return value.map((v) => remap(v, ids, shift));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = remap(v, ids, shift);
    return out;
  }
  return value;
}

/** Every ObjectId a template owns (its ticket, messages, escalations, mail): each copy gets new ones. */
function ownedIds(t: Template): string[] {
  const owned = new Set<string>([String(t.ticket._id)]);
  for (const m of t.messages) owned.add(String(m._id));
  for (const e of t.escalations) owned.add(String(e._id));
  for (const e of t.events) {
    for (const w of (e.writes as { id: Types.ObjectId }[]) ?? []) owned.add(String(w.id));
    const ack = (e.data as { ack?: { id?: Types.ObjectId } } | undefined)?.ack;
    if (ack?.id) owned.add(String(ack.id));
  }
  return [...owned];
}

async function loadTemplates(): Promise<Template[]> {
  const tickets = await TicketModel.collection.find({}).toArray();
  const templates: Template[] = [];
  for (const ticket of tickets) {
    const [events, messages, escalations] = await Promise.all([
      TicketEventModel.collection.find({ ticket: ticket._id } as never).toArray(),
      MessageModel.collection.find({ ticket: ticket._id }).toArray(),
      EscalationModel.collection.find({ ticket: ticket._id }).toArray(),
    ]);
    templates.push({
      ticket: ticket as unknown as Template['ticket'],
      events: events as unknown as Doc[],
      messages: messages as Doc[],
      escalations: escalations as Doc[],
    });
  }
  return templates;
}

async function insertAll(collection: mongoose.mongo.Collection, docs: Doc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) await collection.insertMany(docs.slice(i, i + batch) as never[], { ordered: false });
}

async function addMembers(count: number, offices: Types.ObjectId[]): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  const languages = ['fr', 'fr', 'fr', 'nl', 'nl', 'en'];
  for (let start = 0; start < count; start += batch) {
    const members: Doc[] = [];
    const keys: Doc[] = [];
    for (let i = start; i < Math.min(count, start + batch); i += 1) {
      const _id = new Types.ObjectId();
      const email = `membre.${i}@scale.relais`;
      ids.push(_id);
      const at = new Date();
      members.push({
        _id,
        name: `Membre ${i}`,
        email,
        memberNumber: `S${String(i).padStart(6, '0')}`,
        language: languages[i % languages.length],
        office: offices[i % offices.length],
        createdAt: at,
        updatedAt: at,
        __v: 0,
      });
      keys.push({ _id: email, member: _id });
    }
    await MemberModel.collection.insertMany(members as never[], { ordered: false });
    await MemberEmailModel.collection.insertMany(keys as never[], { ordered: false });
  }
  return ids;
}

/** Writes `count` copies of the templates; `open` of them are copies of open tickets. */
async function addCopies(templates: Template[], count: number, open: number, members: Types.ObjectId[]): Promise<void> {
  const openTemplates = templates.filter((t) => isOpenStatus(t.ticket.status));
  const doneTemplates = templates.filter((t) => !isOpenStatus(t.ticket.status));
  const now = Date.now();
  const every = open > 0 ? count / open : Infinity;
  // Day keys are read from slot 1 up to the first gap: copies continue after the demo's own keys.
  const daySlots = new Map<string, number>();
  // The tickets of each office's day (`c:<office>:<day>`), with the slot of their created key: the reports' day documents.
  const dayTickets = new Map<string, Array<{ ticket: RawTicket; slot: number }>>();
  const addToDay = (prefix: string, ticket: RawTicket, slot: number) => {
    const list = dayTickets.get(prefix) ?? [];
    if (list.length === 0) dayTickets.set(prefix, list);
    list.push({ ticket, slot });
  };
  const templateById = new Map(templates.map((t) => [String(t.ticket._id), t.ticket]));
  for (const key of await TicketDayModel.collection.find({}, { projection: { _id: 1, ticket: 1 } }).toArray()) {
    const id = String(key._id);
    const cut = id.lastIndexOf(':');
    const prefix = id.slice(0, cut);
    const slot = Number.parseInt(id.slice(cut + 1), 10);
    daySlots.set(prefix, Math.max(daySlots.get(prefix) ?? 0, slot));
    const template = templateById.get(String(key.ticket));
    // A ticket moved to another office keeps a key in its first office; it belongs to its current one's day.
    if (template && prefix.startsWith('c:') && dayPrefixes(template).created === prefix) addToDay(prefix, brief(template), slot);
  }
  let opened = 0;
  for (let start = 0; start < count; start += batch) {
    const out = { tickets: [] as Doc[], events: [] as Doc[], messages: [] as Doc[], escalations: [] as Doc[], keys: [] as AnyBulkWriteOperation[] };
    const keyDocs: ReturnType<typeof ticketKeyDocuments>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i += 1) {
      const isOpen = opened < open && i >= opened * every;
      const pool = isOpen && openTemplates.length > 0 ? openTemplates : doneTemplates;
      const t = pool[i % pool.length];
      if (!t) continue;
      if (isOpen) opened += 1;
      // Open copies keep the demo's recent dates; done ones are spread over the past year.
      const created = new Date(t.ticket.createdAt).getTime();
      const shift = isOpen ? 0 : now - ((i + 1) / count) * 365 * day - created - 2 * day;
      const ids = new Map<string, Types.ObjectId>(ownedIds(t).map((id) => [id, new Types.ObjectId()]));
      ids.set(String(t.ticket.member), members[i % members.length] as Types.ObjectId);
      const ticketId = ids.get(String(t.ticket._id)) as Types.ObjectId;
      const year = new Date(created + shift).getFullYear();
      const number = formatTicketNumber(year, 10_000 + i);
      const ticket = { ...(remap(t.ticket, ids, shift) as Doc), number } as Doc;
      out.tickets.push(ticket);
      for (const e of t.events) {
        const copy = remap(e, ids, shift) as Doc;
        copy._id = `${String(ticketId)}:${String(e._id).split(':')[1]}`;
        if (e.type === 'created') copy.data = { ...(copy.data as object), number };
        out.events.push(copy);
      }
      for (const m of t.messages)
        out.messages.push({
          ...(remap(m, ids, shift) as Doc),
          emailMessageId: m.emailMessageId ? `<scale.${String(ids.get(String(m._id)))}@scale.relais>` : null,
        });
      for (const e of t.escalations) out.escalations.push(remap(e, ids, shift) as Doc);
      const prefixes = dayPrefixes(ticket as unknown as Ticket);
      const next = (prefix: string | null) => (prefix ? (daySlots.set(prefix, (daySlots.get(prefix) ?? 0) + 1).get(prefix) ?? 0) : 0);
      const slots = { member: Math.floor(i / members.length) + 1, created: next(prefixes.created), done: next(prefixes.done) };
      keyDocs.push(ticketKeyDocuments(ticket as unknown as Ticket, slots, isWorking(ticket as unknown as Ticket)));
      addToDay(prefixes.created, brief(ticket as unknown as Ticket), slots.created);
    }
    await insertAll(TicketModel.collection as never, out.tickets);
    await insertAll(TicketEventModel.collection as never, out.events);
    await insertAll(MessageModel.collection as never, out.messages);
    await insertAll(EscalationModel.collection as never, out.escalations);
    await writeTicketKeyDocuments(keyDocs);
  }
  const docs = [...daySlots.keys()]
    .filter((prefix) => prefix.startsWith('c:'))
    .map((prefix) => {
      const [, office = '', day = ''] = prefix.split(':');
      return reportDayDocument(
        office,
        day,
        { created: daySlots.get(prefix) ?? 0, changes: daySlots.get(`u:${office}:${day}`) ?? 0 },
        dayTickets.get(prefix) ?? [],
      );
    });
  await writeReportDayDocuments(docs);
}

/** What a report reads of a ticket (the rest of the document is not kept in memory until the end). */
function brief(t: Ticket): RawTicket {
  const {
    _id,
    version,
    trail,
    assignee,
    member,
    number,
    office,
    tier,
    team,
    status,
    createdAt,
    updatedAt,
    firstResponseAt,
    resolvedAt,
    closedAt,
    rating,
    sla,
  } = t;
  return {
    _id,
    version,
    trail,
    assignee,
    member,
    number,
    office,
    tier,
    team,
    status,
    createdAt,
    updatedAt,
    firstResponseAt,
    resolvedAt,
    closedAt,
    rating: rating ?? null,
    sla: sla ? { deadlines: sla.deadlines } : null,
  };
}

async function build(size: number, log: (line: string) => void): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DEMO_PASSWORD: benchPassword,
    DEMO_TICKETS: '200',
    DATA_DIR: path.join(projectRoot, '.relais', 'bench-scale', 'demo-data'),
  });
  const logger = createLogger({ level: 'warn' });
  const started = Date.now();
  const stopEnrichers = registerTicketEnrichers({ mail: null });
  let memberCount: number;
  try {
    await withoutNotifications(() => seedDemoData({ config, logger }));
    const templates = await loadTemplates();
    const offices = (await OfficeModel.find({}, { _id: 1 }).lean()).map((o) => o._id);
    memberCount = Math.max(500, Math.round(size / ticketsPerMember));
    const members = await addMembers(memberCount, offices);
    const copies = Math.max(0, size - templates.length);
    const demoOpen = templates.filter((t) => isOpenStatus(t.ticket.status)).length;
    const open = Math.max(0, Math.round(size * openShare) - demoOpen);
    await addCopies(templates, copies, open, members);
  } finally {
    stopEnrichers();
  }
  log(`  built ${size.toLocaleString('en')} tickets (${memberCount.toLocaleString('en')} members) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * Starts the embedded database holding `size` tickets, building it first when no finished one of
 * this `datasetVersion` exists. The caller connects to `uri` (the builder disconnects when done).
 */
export async function openScaleDataset(size: number, log: (line: string) => void = console.log): Promise<ScaleDataset> {
  const root = path.join(projectRoot, '.relais', 'bench-scale');
  const dataDir = path.join(root, `v${datasetVersion}-${size}`);
  const start = (): Promise<EmbeddedDatabase> =>
    startEmbeddedDatabase({ toolsDir: path.join(projectRoot, '.relais', 'bin'), dataDir, startTimeoutMs: 120_000 });
  let embedded: EmbeddedDatabase | undefined;
  if (existsSync(dataDir)) {
    embedded = await start();
    await connectDatabase(embedded.uri, 'relais');
    const done = await mongoose.connection.collection('meta').findOne({ _id: 'scale_dataset' as never });
    await disconnectDatabase();
    if (!done) {
      await embedded.stop();
      embedded = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (!embedded) {
    log(`  building the ${size.toLocaleString('en')}-ticket database in ${path.relative(projectRoot, dataDir)} (kept for reruns)…`);
    mkdirSync(dataDir, { recursive: true });
    embedded = await start();
    await connectDatabase(embedded.uri, 'relais');
    await ensureIndexes();
    await build(size, log);
    await mongoose.connection.collection('meta').insertOne({ _id: 'scale_dataset' as never, size, version: datasetVersion, at: new Date() });
    await disconnectDatabase();
  }
  const running = embedded;
  return { size, uri: running.uri, dataDir, stop: () => running.stop() };
}
