/**
 * The reports' day documents: for each office and UTC day, the tickets created there that day, each
 * in brief — what compute.ts needs (its fields, its events in brief) and what the reader's permissions
 * look at — in one document `report_days`, `_id` = `<office>:<day>`. A month of one office is then
 * about 90 reads by `_id` (30 documents, and the next slot of each day's two key lists) instead of a
 * read per key and per ticket (about 4,000 at 100,000 tickets a year). The figures are still computed
 * from these tickets by compute.ts, so they are the same; durations are not stored (they depend on
 * the calendars, and for open tickets on now).
 *
 * A document is a cache that is always checked, never trusted blindly:
 *  - a ticket is kept in it ("sealed") only once resolved or closed; the day's other tickets are
 *    listed (`pending`) and taken at each report from the working set, or read by `_id`;
 *  - it remembers how many of the day's created keys (`c:<office>:<day>:<n>`, ticket.keys.ts) and
 *    change keys (`u:<office>:<day>:<n>`) it has taken in; a report reads the keys after these
 *    (usually one empty slot each) and reads again the tickets they name;
 *  - every change of a ticket already resolved or closed (a rating, a note, a reopening, a closing)
 *    writes its change key *before* it is journaled (`noteChangeOfDoneTicket`, an enricher on every
 *    commit). A crash between the two leaves at worst a key naming a version that was never written:
 *    that ticket stays pending, read by `_id` at each report, until it reaches that version;
 *  - the document is rewritten whole, by `_id`, with the counts it was computed from. Two writers
 *    racing (FerretDB has no atomic update) each write a consistent document; keys the winner had not
 *    read are read again next time. Nothing is incremented, so a replayed write changes nothing.
 */
import { Schema, model } from 'mongoose';
import { readByIds } from '../db/point-reads.js';
import { DayMemory } from './day-memory.js';
import { registerEnricher, loadTicket, type CommitInput } from '../tickets/ticket.journal.js';
import { dayKeysFrom, dayOf, rememberDayChange } from '../tickets/ticket.keys.js';
import { isDoneStatus } from '../lib/ticket.vocabulary.js';
import { workingSet } from '../tickets/working-set.js';
import type { ReportEvent, ReportPlace, ReportTicket } from './compute.js';
import { eventsOf, fromTrail, toReportTicket, type RawTicket } from './ticket-source.js';

interface ReportDayDoc {
  _id: string;
  /** How many of the day's created keys and change keys the document has taken in. */
  created: number;
  changes: number;
  /** The tickets, as JSON (`StoredDay`): one string is the cheapest document for FerretDB to decode. */
  body: string;
  at: Date;
}

const reportDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    created: { type: Number, required: true },
    changes: { type: Number, required: true },
    body: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'report_days', versionKey: false },
);
export const ReportDayModel = model<ReportDayDoc>('ReportDay', reportDaySchema);
const days = () => ReportDayModel.db.collection<ReportDayDoc>('report_days');

/** One ticket of a day, as a report reads it. */
export interface DayTicket {
  ticket: ReportTicket & { version: number };
  /** What the reader's permissions look at (`canRead`, ticket.policy.ts), ids as strings. */
  access: { tier: number; team: string; office: string; assignee: string | null; member: string; status: string };
  events: ReportEvent[];
  /** The slot of its created key: the order of a day's tickets (as the keys list them). */
  slot: number;
}

// ---------- the stored form ----------

type StoredPlace = [tier: number, team: string, office: string, status: string];
/** seq, type, at, from (index in the places, -1: none), to, escalation. */
type StoredEvent = [number, string, number, number, number, string | null];
interface StoredTicket {
  i: string;
  v: number;
  k: number;
  n: string;
  o: string;
  t: number;
  tm: string;
  s: string;
  a: string | null;
  m: string;
  c: number;
  fr: number | null;
  r: number | null;
  cl: number | null;
  rt: [number, number, string, string] | null;
  d: Array<[string, boolean, number | null, string]> | null;
  e: StoredEvent[];
}
interface StoredDay {
  p: StoredPlace[];
  t: StoredTicket[];
  /** Pending: ticket, the version it must have reached (0: whichever), its slot. */
  w: Array<[string, number, number]>;
  /** Moved to another office: ticket, its slot here (kept if it comes back). Absent in older documents. */
  x?: Array<[string, number]>;
}

const ms = (d: Date | null): number | null => (d ? d.getTime() : null);
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

function encode(sealed: Iterable<DayTicket>, pending: Iterable<[string, { seq: number; slot: number }]>, away: Iterable<[string, number]> = []): string {
  const places: StoredPlace[] = [];
  const index = new Map<string, number>();
  const place = (p: ReportPlace): number => {
    const key = `${p.tier}|${p.team}|${p.office}|${p.status}`;
    let i = index.get(key);
    if (i === undefined) {
      i = places.push([p.tier, p.team, p.office, p.status]) - 1;
      index.set(key, i);
    }
    return i;
  };
  const t = [...sealed].map(({ ticket: x, access, events, slot }): StoredTicket => ({
    i: x.id,
    v: x.version,
    k: slot,
    n: x.number,
    o: x.office,
    t: x.tier,
    tm: x.team,
    s: x.status,
    a: access.assignee,
    m: access.member,
    c: x.createdAt.getTime(),
    fr: ms(x.firstResponseAt),
    r: ms(x.resolvedAt),
    cl: ms(x.closedAt),
    rt: x.rating ? [x.rating.score, x.rating.tier, x.rating.team, x.rating.office] : null,
    d: x.deadlines ? x.deadlines.map((d) => [d.kind, d.breached, ms(d.metAt), d.state ?? '']) : null,
    e: events.map((e) => [e.seq, e.type, e.at.getTime(), e.from ? place(e.from) : -1, place(e.to), e.escalation]),
  }));
  const x = [...away];
  const body: StoredDay = { p: places, t, w: [...pending].map(([id, p]) => [id, p.seq, p.slot]), ...(x.length > 0 ? { x } : {}) };
  return JSON.stringify(body);
}

function decodeTicket(s: StoredTicket, places: readonly StoredPlace[]): DayTicket {
  const placeAt = (i: number): ReportPlace => {
    const [tier, team, office, status] = places[i] ?? [1, '', '', 'open'];
    return { tier, team, office, status };
  };
  return {
    ticket: {
      id: s.i,
      version: s.v,
      number: s.n,
      office: s.o,
      tier: s.t,
      team: s.tm,
      status: s.s,
      createdAt: new Date(s.c),
      firstResponseAt: date(s.fr),
      resolvedAt: date(s.r),
      closedAt: date(s.cl),
      rating: s.rt ? { score: s.rt[0], tier: s.rt[1], team: s.rt[2], office: s.rt[3] } : null,
      deadlines: s.d ? s.d.map(([kind, breached, metAt, state]) => ({ kind, breached, metAt: date(metAt), state })) : null,
    },
    access: { tier: s.t, team: s.tm, office: s.o, assignee: s.a, member: s.m, status: s.s },
    events: s.e.map(([seq, type, at, from, to, escalation]) => ({
      ticket: s.i,
      seq,
      type,
      at: new Date(at),
      from: from < 0 ? null : placeAt(from),
      to: placeAt(to),
      escalation,
    })),
    slot: s.k,
  };
}

/** A ticket document (read by `_id`, or a working-set row) in brief. */
function toDayTicket(raw: RawTicket, events: ReportEvent[], slot: number): DayTicket {
  const { updatedAt: _updatedAt, ...ticket } = toReportTicket(raw);
  const access = {
    tier: raw.tier,
    team: String(raw.team),
    office: String(raw.office),
    assignee: raw.assignee ? String(raw.assignee) : null,
    member: String(raw.member),
    status: raw.status,
  };
  return { ticket, access, events, slot };
}

// ---------- keeping a day up to date ----------

interface DayState {
  created: number;
  changes: number;
  sealed: Map<string, DayTicket>;
  pending: Map<string, { seq: number; slot: number }>;
  /** Tickets moved to another office, with their slot here: one that comes back takes its place again. */
  away: Map<string, number>;
}

function stateOf(doc: ReportDayDoc | null): DayState {
  const state: DayState = { created: doc?.created ?? 0, changes: doc?.changes ?? 0, sealed: new Map(), pending: new Map(), away: new Map() };
  if (!doc) return state;
  const body = JSON.parse(doc.body) as StoredDay;
  for (const s of body.t) state.sealed.set(s.i, decodeTicket(s, body.p));
  for (const [id, seq, slot] of body.w) state.pending.set(id, { seq, slot });
  for (const [id, slot] of body.x ?? []) state.away.set(id, slot);
  return state;
}

/**
 * The days this instance folded last, decoded (day-memory.ts): a report takes them from there rather
 * than from their document. A remembered day is what this instance last stored, or found it had no
 * need to, so folding it forward is as right as folding the document: the keys after its counts are
 * read either way, and they hold whatever another instance took in meanwhile.
 */
const remembered = new DayMemory<DayState>((state) => state.sealed.size + state.pending.size);

/** Forgets the remembered days (tests: another database, or its documents deleted). */
export function forgetReportDays(): void {
  remembered.clear();
}

/** Whether more days can be remembered without forgetting others (the warm-up at start stops there). */
export function roomToRemember(): boolean {
  return remembered.hasRoom();
}

/** A slot for tickets named by a change key before their created key was read (read next time). */
const unknownSlot = Number.MAX_SAFE_INTEGER;

/**
 * Brings one office's day up to date (reading only the keys it has not taken in and the tickets
 * they name or that are still pending), stores it when something changed, and returns its tickets.
 */
async function foldDay(office: string, day: string): Promise<DayTicket[]> {
  const id = `${office}:${day}`;
  // Taken out while folding: a fold that fails half-way leaves no half-changed state behind.
  const kept = remembered.take(id);
  const state = kept ?? stateOf(await days().findOne({ _id: id }));
  const [created, changes] = await Promise.all([
    dayKeysFrom({ kind: 'created', office }, day, state.created + 1),
    dayKeysFrom({ kind: 'changed', office }, day, state.changes + 1),
  ]);
  let changed = created.length > 0 || changes.length > 0;
  const slotOf = (ticket: string) => state.pending.get(ticket)?.slot ?? state.sealed.get(ticket)?.slot;
  // Tickets to take again, with the version each must have reached.
  const wanted = new Map<string, { seq: number; slot: number }>(state.pending);
  created.forEach((key, i) => {
    const ticket = String(key.ticket);
    // Back from another office: its first key here keeps its place (as a report from scratch lists it).
    if (!wanted.has(ticket) && !state.sealed.has(ticket)) wanted.set(ticket, { seq: 0, slot: state.away.get(ticket) ?? state.created + 1 + i });
    changed ||= state.away.delete(ticket);
  });
  for (const key of changes) {
    const ticket = String(key.ticket);
    wanted.set(ticket, { seq: Math.max(wanted.get(ticket)?.seq ?? 0, key.seq), slot: slotOf(ticket) ?? wanted.get(ticket)?.slot ?? unknownSlot });
  }
  await workingSet.ready();
  // A sealed ticket the working set knows in a newer version (its change key not read yet): take that one.
  for (const [ticket, sealed] of state.sealed) {
    const row = workingSet.get(ticket);
    if (row && row.version > sealed.ticket.version && !wanted.has(ticket)) wanted.set(ticket, { seq: row.version, slot: sealed.slot });
  }

  // The working set's row when it is recent enough, else a read by `_id` (which replays an unapplied event).
  const fromMemory: RawTicket[] = [];
  const toRead: string[] = [];
  for (const [ticket, want] of wanted) {
    const row = workingSet.get(ticket) as unknown as RawTicket | undefined;
    if (row && row.version >= want.seq) fromMemory.push(row);
    else toRead.push(ticket);
  }
  const read = (await readByIds(toRead, (ticket) => loadTicket(ticket as string), 16)) as unknown as RawTicket[];
  const found = new Map<string, RawTicket>(fromMemory.map((t) => [String(t._id), t]));
  for (const t of read) if (!found.has(String(t._id)) || (found.get(String(t._id))?.version ?? 0) < t.version) found.set(String(t._id), t);
  const events = await eventsOf([...found.values()]);

  const current = new Map<string, DayTicket>();
  for (const [ticket, want] of wanted) {
    const raw = found.get(ticket);
    if (!raw) {
      // Its created key is written before the ticket (or it was never written): look again next time.
      if (!state.pending.has(ticket)) changed = true;
      state.pending.set(ticket, want);
      continue;
    }
    if (String(raw.office) !== office || dayOf(new Date(raw.createdAt)) !== day) {
      // Moved to another office (its created key there lists it): no longer this day's. Its slot is
      // kept: moved back, it gets a new created key here (ticket.journal.ts) and takes its place again.
      const dropped = [state.pending.delete(ticket), state.sealed.delete(ticket)];
      if (dropped.includes(true)) {
        changed = true;
        state.away.set(ticket, want.slot);
      }
      continue;
    }
    const brief = toDayTicket(raw, events.get(ticket) ?? [], want.slot);
    if (isDoneStatus(raw.status) && raw.version >= want.seq) {
      if (state.sealed.get(ticket)?.ticket.version !== raw.version || state.pending.has(ticket)) changed = true;
      state.sealed.set(ticket, brief);
      state.pending.delete(ticket);
    } else {
      if (state.sealed.delete(ticket) || state.pending.get(ticket)?.seq !== want.seq) changed = true;
      state.pending.set(ticket, want);
      current.set(ticket, brief);
    }
  }
  if (changed) {
    const sealed = [...state.sealed.values()].sort((a, b) => a.slot - b.slot);
    const pending = [...state.pending].sort((a, b) => a[1].slot - b[1].slot);
    const doc: ReportDayDoc = {
      _id: id,
      created: state.created + created.length,
      changes: state.changes + changes.length,
      body: encode(sealed, pending, state.away),
      at: new Date(),
    };
    await days().replaceOne({ _id: id }, doc, { upsert: true });
    state.created = doc.created;
    state.changes = doc.changes;
  }
  remembered.keep(id, state);
  return [...state.sealed.values(), ...current.values()].sort((a, b) => a.slot - b.slot);
}

const folding = new Map<string, Promise<DayTicket[]>>();

/** One day, brought up to date once however many reports ask for it at the same moment. */
function dayTickets(office: string, day: string): Promise<DayTicket[]> {
  const id = `${office}:${day}`;
  const running = folding.get(id);
  if (running) return running;
  const run = foldDay(office, day).finally(() => folding.delete(id));
  folding.set(id, run);
  return run;
}

/**
 * The tickets created in these offices on the UTC days from `from` to `to` (both included), in the
 * order of the offices, the days and the days' keys; a few days read at once.
 */
export async function ticketsOfDays(offices: readonly string[], from: Date, to: Date): Promise<DayTicket[]> {
  const list: Array<[string, string]> = [];
  for (const office of offices) {
    for (let d = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); d <= to.getTime(); d += 24 * 3600 * 1000)
      list.push([office, dayOf(new Date(d))]);
  }
  const out: DayTicket[][] = new Array<DayTicket[]>(list.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) out[i] = await dayTickets(...(list[i] as [string, string]));
  };
  await Promise.all(Array.from({ length: Math.min(8, list.length) }, worker));
  return out.flat();
}

// ---------- the change keys, and documents written in bulk ----------

/**
 * Before a change of a ticket already resolved or closed is journaled, its change key (see above).
 * An enricher on every commit (`registerReportChangeKeys`, called by the composition root).
 */
export async function noteChangeOfDoneTicket(input: CommitInput): Promise<CommitInput> {
  if (isDoneStatus(input.ticket.status)) await rememberDayChange(input.ticket, input.ticket.version + 1);
  return input;
}

/** Makes every commit of a done ticket write its change key first; returns the way to stop. */
export function registerReportChangeKeys(): () => void {
  return registerEnricher(noteChangeOfDoneTicket);
}

/**
 * The document of one office's day for a bulk writer (an import, the scale bench) that numbered the
 * day's keys itself: `created`/`changes` are how many keys the day has, `tickets` its tickets with the
 * slot of their created key. A ticket without a trail is left pending (the first report reads it).
 */
export function reportDayDocument(
  office: string,
  day: string,
  counts: { created: number; changes: number },
  tickets: ReadonlyArray<{ ticket: RawTicket; slot: number }>,
): ReportDayDoc {
  const sealed: DayTicket[] = [];
  const pending: Array<[string, { seq: number; slot: number }]> = [];
  for (const { ticket, slot } of [...tickets].sort((a, b) => a.slot - b.slot)) {
    const events = fromTrail(ticket);
    if (events && isDoneStatus(ticket.status)) sealed.push(toDayTicket(ticket, events, slot));
    else pending.push([String(ticket._id), { seq: 0, slot }]);
  }
  return { _id: `${office}:${day}`, ...counts, body: encode(sealed, pending), at: new Date() };
}

export async function writeReportDayDocuments(docs: readonly ReportDayDoc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 200) await days().insertMany(docs.slice(i, i + 200) as never[], { ordered: false });
}
