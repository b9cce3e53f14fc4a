/**
 * The figures of the supervisor board's forecast panel (shown by web/pages/board-forecast.ts):
 * reads the queues a supervisor watches, their waiting tickets, and four weeks of history
 * (arrivals by weekday and hour, two weeks of replies and resolutions per person), runs
 * `forecastQueue` (forecast.ts) on each queue with the people online (given by the caller:
 * presence is the live layer's, above this one) and picks the tickets most at risk. The history
 * is read in the background and kept three hours per process, so opening the board stays cheap.
 */
import { workingSet } from '../tickets/working-set.js';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { OfficeModel } from '../offices/office.model.js';
import type { Locale } from '../lib/i18n.js';
import { labelIn } from '../lib/labels.js';
import { whoIsOnline, type OnlineSource } from '../realtime/online.js';
import { calendarForOffice, SlaCalendarModel, type SlaCalendarData } from '../sla/calendar.model.js';
import { businessMinutesBetween, type BusinessCalendar } from '../sla/calendar.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel } from '../teams/team.model.js';
import { ticketIdsOfDays } from '../tickets/ticket.keys.js';
import { readByIds } from '../db/point-reads.js';
import { NO_DUE_DATE, TicketModel, trailFrom, type TrailEntry } from '../tickets/ticket.model.js';
import { deadlineDueAt } from '../tickets/ticket-sla.js';
import { arrivalProfile, forecastQueue, horizonHours, throughputOf, workOrder, type QueueForecast, type WaitingTicket } from './forecast.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const historyWeeks = 4;
const throughputDays = 14;
/**
 * Four weeks of arrivals and two of throughput change little within hours, and reading them reads the
 * tickets and events of the period (a scan of the whole history on the embedded database): once every
 * three hours, in the background.
 */
const historyTtlMs = 3 * HOUR;
const atRiskCount = 6;
/** A board never reads more waiting tickets than this (the forecast would be "far too many" anyway). */
const waitingLimit = 5_000;

interface Queue {
  key: string;
  tier: number;
  office: string | null;
  officeName: string | null;
  teams: Set<string>;
  calendar: BusinessCalendar;
}

interface History {
  /** Per queue key: average arrivals per `weekday:hour`. */
  arrivals: Map<string, Map<string, number>>;
  /** Per queue key: replies and resolutions over the past two weeks, and by how many people. */
  handled: Map<string, { count: number; people: Set<string> }>;
}

let cache: { key: string; at: number; history: History } | undefined;

/** Forgets the cached history (tests, or after loading data). */
export function clearForecastCache(): void {
  cache = undefined;
}

const tier1Key = (office: string) => `1:${office}`;

function slotOf(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone });
  return `${local.weekday}:${local.hour}`;
}

/**
 * The tickets the history is made of, without a query on the tickets or the events: those created in
 * the past weeks (the day keys of every office), those done in the throughput window (the "done" day
 * keys) and the working set, each read by `_id`; what happened to them is their `trail`. A ticket
 * created earlier and escalated or answered in the window without being done is missed unless it is
 * still open (then the working set has it): the forecast is an estimate, and this is a small part.
 */
async function readHistory(now: Date, zone: string): Promise<History> {
  const since = new Date(now.getTime() - historyWeeks * 7 * DAY);
  const recent = now.getTime() - throughputDays * DAY;
  const offices = (await OfficeModel.find({}, { _id: 1 }).lean()).map((o) => o._id);
  const ids = [
    ...(await Promise.all(offices.map((office) => ticketIdsOfDays({ kind: 'created', office }, since, now)))).flat(),
    ...(await ticketIdsOfDays({ kind: 'done' }, new Date(recent), now)),
  ];
  const working = await workingSet.all();
  const known = new Set(working.map((t) => String(t._id)));
  const read = await readByIds(
    ids.filter((id) => !known.has(String(id)) && Boolean(known.add(String(id)))),
    (id) =>
      TicketModel.collection.findOne({ _id: id as Types.ObjectId }, { projection: { office: 1, createdAt: 1, trail: 1 } }) as Promise<{
        office: Types.ObjectId;
        createdAt: Date;
        trail?: TrailEntry[];
      } | null>,
    32,
  );
  const all = [...working, ...read];
  const tickets = all.filter((t) => new Date(t.createdAt) >= since && new Date(t.createdAt) < now);
  const events = all.flatMap((t) =>
    (t.trail ?? [])
      .map((e, i, trail) => ({ type: e.type, at: new Date(e.at), actor: { staff: e.staff ?? null }, from: trailFrom(trail, i), to: e.to }))
      .filter((e) => (e.type === 'escalated' || e.type === 'replied' || e.type === 'resolved') && e.at >= since && e.at < now),
  );
  const times = new Map<string, Array<{ weekday: number; hour: number }>>();
  const arrive = (key: string, at: Date) => {
    const local = DateTime.fromJSDate(new Date(at), { zone });
    const list = times.get(key) ?? [];
    list.push({ weekday: local.weekday, hour: local.hour });
    times.set(key, list);
  };
  for (const t of tickets) arrive(tier1Key(String(t.office)), t.createdAt);
  const handled = new Map<string, { count: number; people: Set<string> }>();
  for (const e of events) {
    if (e.type === 'escalated') {
      if (e.to?.tier && e.to.tier > 1) arrive(String(e.to.tier), e.at);
      continue;
    }
    const staff = e.actor?.staff;
    if (!staff || !e.from?.tier || new Date(e.at).getTime() < recent) continue;
    const key = e.from.tier === 1 ? tier1Key(String(e.from.office ?? '')) : String(e.from.tier);
    const entry = handled.get(key) ?? { count: 0, people: new Set<string>() };
    entry.count += 1;
    entry.people.add(String(staff));
    handled.set(key, entry);
  }
  return { arrivals: new Map([...times].map(([key, list]) => [key, arrivalProfile(list, historyWeeks)])), handled };
}

let refreshing: Promise<History> | null = null;

/**
 * The past weeks' arrivals and throughput. Reading them reads weeks of tickets and events (a scan on
 * the embedded database), so a stale history is served while a fresh one is read in the background;
 * only the very first board of a process waits (`warmForecast` at start avoids even that).
 */
async function history(now: Date, zone: string): Promise<History> {
  if (cache && cache.key === zone && now.getTime() - cache.at < historyTtlMs) return cache.history;
  refreshing ??= readHistory(now, zone)
    .then((value) => {
      cache = { key: zone, at: now.getTime(), history: value };
      return value;
    })
    .finally(() => {
      refreshing = null;
    });
  if (cache && cache.key === zone) {
    refreshing.catch(() => undefined);
    return cache.history;
  }
  return refreshing;
}

/** Reads the forecast's history once, so the first board after a start does not wait for it. */
export async function warmForecast(zone: string): Promise<void> {
  await history(new Date(), zone);
}

/** One queue the supervisor watches: its forecast and what it was made from. */
export interface QueueOutlook {
  key: string;
  tier: number;
  /** The office of a tier-1 queue; null for tiers 2 and 3 (they serve every office). */
  officeName: string | null;
  forecast: QueueForecast;
  /** People of the queue's teams online now; null when presence is unknown. */
  online: number | null;
  /** Tickets handled per person and business hour over the past two weeks; null without history. */
  throughput: number | null;
  /** Some waiting ticket of this queue has a deadline. */
  anyDeadline: boolean;
}

export interface AtRiskTicket {
  id: string;
  number: string;
  subject: string;
  /** The key of its queue (`QueueOutlook.key`). */
  queue: string;
  dueAt: Date | null;
  createdAt: Date;
  /** `overdue`, `breach` (expected), `soon` (due within the horizon) or `old` (oldest, no deadline). */
  kind: 'overdue' | 'breach' | 'soon' | 'old';
  /** Which deadline `dueAt` is (the board's row may show another: a waiting escalation's pick-up). */
  deadline: string | null;
}

export interface BoardForecast {
  now: Date;
  horizon: number;
  queues: QueueOutlook[];
  atRisk: AtRiskTicket[];
  liveKnown: boolean;
  anyDeadline: boolean;
}

/**
 * The forecast for the queues `actor` watches: their office's tier 1 (every office without one),
 * tiers 2 and 3. `online` gives the ids of staff connected now (null: presence unknown).
 */
export async function boardForecast(actor: StaffActor, c: { timeZone: string; online: OnlineSource; now?: Date; locale?: Locale }): Promise<BoardForecast> {
  const now = c.now ?? new Date();
  const [offices, teams, calendars, live] = await Promise.all([
    OfficeModel.find({ active: true }, { name: 1, labels: 1 }).sort({ name: 1 }).lean(),
    TeamModel.find({ active: true }, { tier: 1, office: 1 }).lean(),
    SlaCalendarModel.find({}).lean<SlaCalendarData[]>(),
    whoIsOnline(c.online),
  ]);
  const watched = actor.office ? offices.filter((o) => String(o._id) === String(actor.office)) : offices;
  const teamsOf = (tier: number, office: string | null) =>
    new Set(teams.filter((tm) => tm.tier === tier && (office === null || String(tm.office) === office)).map((tm) => String(tm._id)));
  const queues: Queue[] = [
    ...watched.map((o) => ({
      key: tier1Key(String(o._id)),
      tier: 1,
      office: String(o._id),
      officeName: labelIn(o, c.locale ?? 'fr'),
      teams: teamsOf(1, String(o._id)),
      calendar: calendarForOffice(calendars, o._id),
    })),
    ...[2, 3].map((tier) => ({
      key: String(tier),
      tier,
      office: null,
      officeName: null,
      teams: teamsOf(tier, null),
      calendar: calendarForOffice(calendars, ''),
    })),
  ];

  const [waitingDocs, staff, past] = await Promise.all([
    // Waiting tickets come from the working set (in memory), not from a query on the tickets.
    workingSet.select({ openOnly: true }).then((all) => {
      const offices = new Set(watched.map((o) => String(o._id)));
      return all
        .filter((d) => (d.status === 'new' || d.status === 'open') && !d.assignee && (d.tier > 1 || offices.has(String(d.office))))
        .slice(0, waitingLimit);
    }),
    StaffModel.find({ active: true, team: { $in: queues.flatMap((q) => [...q.teams].map((id) => new Types.ObjectId(id))) } }, { team: 1 }).lean(),
    history(now, c.timeZone),
  ]);

  const queueOf = (doc: { tier: number; office: Types.ObjectId }) => (doc.tier === 1 ? tier1Key(String(doc.office)) : String(doc.tier));
  const waitingOf = (d: (typeof waitingDocs)[number]): WaitingTicket => ({
    id: String(d._id),
    dueAt: d.dueAt && d.dueAt.getTime() !== NO_DUE_DATE.getTime() ? d.dueAt : null,
    createdAt: d.createdAt,
    answered: Boolean(d.firstResponseAt),
  });
  const forecasts = new Map<string, QueueForecast>();
  const outlooks: QueueOutlook[] = queues.map((q) => {
    const waiting = waitingDocs.filter((d) => queueOf(d) === q.key).map(waitingOf);
    const starts = Array.from({ length: horizonHours }, (_, i) => new Date(now.getTime() + i * HOUR));
    const profile = past.arrivals.get(q.key);
    const handled = past.handled.get(q.key);
    const online = live ? staff.filter((s) => q.teams.has(String(s.team)) && live.has(String(s._id))).length : null;
    const businessHours = businessMinutesBetween(new Date(now.getTime() - throughputDays * DAY), now, q.calendar) / 60;
    const throughput = handled ? throughputOf(handled.count, handled.people.size, businessHours) : null;
    const f = forecastQueue({
      now,
      waiting,
      arrivals: starts.map((s) => profile?.get(slotOf(s, q.calendar.timeZone)) ?? 0),
      openMinutes: starts.map((s) => businessMinutesBetween(s, new Date(s.getTime() + HOUR), q.calendar)),
      online,
      throughput,
    });
    forecasts.set(q.key, f);
    return { key: q.key, tier: q.tier, officeName: q.officeName, forecast: f, online, throughput, anyDeadline: waiting.some((w) => w.dueAt) };
  });

  const horizonEnd = now.getTime() + horizonHours * HOUR;
  const candidates = waitingDocs.map((d) => ({ doc: d, w: waitingOf(d) }));
  const byId = new Map(candidates.map((x) => [x.w.id, x]));
  const atRisk = workOrder(candidates.map((x) => x.w))
    .slice(0, atRiskCount)
    .flatMap((w): AtRiskTicket[] => {
      const x = byId.get(w.id);
      if (!x) return [];
      const key = queueOf(x.doc);
      const f = forecasts.get(key);
      const at = f?.handledAt.get(w.id) ?? null;
      const due = w.dueAt?.getTime() ?? null;
      let kind: AtRiskTicket['kind'] = 'old';
      if (due !== null && due < now.getTime()) kind = 'overdue';
      else if (due !== null && due <= horizonEnd && f !== undefined && f.expectedBreaches !== null && (at === null || at.getTime() > due)) kind = 'breach';
      else if (due !== null) kind = 'soon';
      const deadline = w.dueAt && x.doc.sla ? deadlineDueAt(x.doc.sla.deadlines, w.dueAt) : null;
      return [{ id: w.id, number: x.doc.number, subject: x.doc.subject, queue: key, dueAt: w.dueAt, createdAt: w.createdAt, kind, deadline }];
    });
  return {
    now,
    horizon: horizonHours,
    queues: outlooks,
    atRisk,
    liveKnown: live !== null,
    anyDeadline: candidates.some((x) => x.w.dueAt !== null),
  };
}
