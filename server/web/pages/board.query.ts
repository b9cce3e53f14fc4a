/**
 * The supervisor board's data: every open escalation (tickets above tier 1 still
 * to do), grouped by tier and office, with the escalation that brought each one
 * there; and each person's load (tickets held against capacity) with whether they
 * are signed in right now.
 */
import { whoIsOnline, type OnlineSource } from '../../realtime/online.js';
import { Types } from 'mongoose';
import type { StaffActor } from '../../auth/actor.js';
import type { Translate } from '../../lib/i18n.js';
import { lastSeen, staffWatched } from '../../staff/staff.queries.js';
import type { Escalation } from '../../tickets/ticket.queries.js';
import { presentEscalation, presentTicket, type EscalationView, type TicketView } from '../../tickets/ticket.presenter.js';
import { escalationsOf, nameBook } from '../../tickets/ticket.queries.js';
import { heldCounts, readableWork } from '../../tickets/ticket-list.queries.js';

import { isOpenStatus } from '../../lib/ticket.vocabulary.js';
import type { PageCatalog } from './catalog.js';
import { initials, type DueView, type Formatter } from './format.js';
import { namedDue, type Labels } from './presenters.js';
import { shownErasedText } from './member-name.js';

/** A ticket as the working set holds it. */
type Ticket = Awaited<ReturnType<typeof readableWork>>[number];

/**
 * Rows shown per tier, shared among its offices (`rowShares`); in each office the escalations no one
 * has taken first, then the others, each by the deadline the row shows. The counts above them are
 * always of every open escalation, from the working set in memory; the supervisor can ask for more rows.
 */
export const boardRowsPerTier = { standard: 50, more: 200 } as const;
/**
 * A session used within this window counts as "online". The access token lives 15
 * minutes and each refresh stamps `lastUsedAt`, so someone working is never older.
 */
const onlineWindowMs = 20 * 60_000;

export interface BoardRow {
  kind: 'ticket';
  key: string;
  version: number;
  id: string;
  href: string;
  number: string;
  subject: string;
  /** The tier it is on (the reassign dialog says when a choice moves it to another). */
  tier: number;
  tierShort: string;
  officeName: string;
  teamName: string;
  reason: string | null;
  handoff: string | null;
  escalatedBy: string | null;
  escalatedAge: string | null;
  escalatedText: string | null;
  escalatedIso: string | null;
  bouncedBack: boolean;
  holderName: string | null;
  status: string;
  statusLabel: string;
  priority: string;
  priorityLabel: string;
  age: string;
  createdText: string;
  due: DueView;
}

export interface BoardGroup {
  kind: 'group';
  key: string;
  /** Changes when the group's count or waiting count does, so the live list redraws its header. */
  version: string;
  label: string;
  count: number;
  waiting: number;
}

export interface LoadPerson {
  id: string;
  name: string;
  initials: string;
  held: number;
  capacity: number;
  /** 0–100 in steps of 10, for a CSS width class (no inline styles under the CSP). */
  loadStep: number;
  over: boolean;
  presence: 'online' | 'away' | 'offline';
  presenceLabel: string;
  lastSeen: string | null;
}

export interface LoadTeam {
  name: string;
  tierShort: string;
  people: LoadPerson[];
}

export interface BoardData {
  rows: (BoardRow | BoardGroup)[];
  totals: { open: number; waiting: number; tier2: number; tier3: number; truncated: boolean; shown: number; matching: number; more: boolean };
  load: LoadTeam[];
  ticketIds: string[];
}

interface BoardContext {
  t: Translate;
  fmt: Formatter;
  labels: Labels;
  catalog: PageCatalog;
  online: OnlineSource;
  /** Rows per tier (boardRowsPerTier). */
  rowsPerTier: number;
  /** The rows asked for (the board's filters): one office's escalations, only those no one has taken. Counts stay whole. */
  only?: BoardFilter;
}

export interface BoardFilter {
  office: string | null;
  waiting: boolean;
}

function latestEscalations(escalations: Escalation[], tickets: TicketView[]): Map<string, Escalation> {
  const tierOf = new Map(tickets.map((t) => [t.id, t.tier]));
  const latest = new Map<string, Escalation>();
  for (const e of escalations) {
    const id = String(e.ticket);
    if (e.toTier !== tierOf.get(id)) continue; // an older escalation to another tier
    const seen = latest.get(id);
    if (!seen || new Date(e.at) > new Date(seen.at)) latest.set(id, e);
  }
  return latest;
}

/** How the ticket came to its tier: the escalation, or a supervisor's move since (their name, their words). */
function arrival(
  v: TicketView,
  e: EscalationView | undefined,
  c: BoardContext,
): { reason: string | null; handoff: string | null; by: string; at: string; bouncedBack: boolean } | null {
  const moved = v.escalated?.reassigned ? v.escalated : null;
  if (moved && (!e || new Date(moved.at) > new Date(e.at)))
    return { reason: c.t('board.moved_here'), handoff: moved.note, by: moved.by, at: moved.at, bouncedBack: false };
  if (!e) return null;
  return { reason: c.catalog.reasonLabel(e.reason), handoff: e.handoff, by: e.byName ?? c.t('common.a_colleague'), at: e.at, bouncedBack: e.bouncedBack };
}

function row(v: TicketView, e: EscalationView | undefined, c: BoardContext): BoardRow {
  const came = arrival(v, e, c);
  return {
    kind: 'ticket',
    key: v.id,
    version: v.version,
    id: v.id,
    href: `/staff/tickets/${v.id}?from=board`,
    number: v.number,
    subject: shownErasedText(v.subject, c.t),
    tier: v.tier,
    tierShort: c.labels.tierShort(v.tier),
    officeName: c.catalog.officeName(v.office) ?? v.officeName ?? '',
    teamName: c.catalog.teamName(v.team) ?? v.teamName ?? '',
    reason: came?.reason ?? null,
    handoff: came?.handoff ?? null,
    escalatedBy: came?.by ?? null,
    escalatedAge: came ? c.fmt.age(came.at) : null,
    escalatedText: came ? c.fmt.dateTime(came.at) : null,
    escalatedIso: came?.at ?? null,
    bouncedBack: came?.bouncedBack ?? false,
    holderName: v.assignee ? (v.assigneeName ?? c.t('common.a_colleague')) : null,
    status: v.status,
    statusLabel: c.labels.status(v.status),
    priority: v.priority,
    priorityLabel: c.labels.priority(v.priority),
    age: c.fmt.age(v.createdAt),
    createdText: c.fmt.dateTime(v.createdAt),
    due: boardDue(v, c),
  };
}

/**
 * The deadline that says what is urgent on the board: for an escalation no one has taken yet, the
 * receiving tier's deadline to take it ("Prise en charge"), not the resolution's, which on most
 * escalations has long passed and turned every row red.
 */
function boardDue(v: TicketView, c: BoardContext): DueView {
  const acceptance = v.assignee ? undefined : v.sla?.deadlines.find((d) => d.kind === 'acceptance' && d.state === 'running' && d.due);
  if (!acceptance?.due) return namedDue(v, c);
  return namedDue({ dueAt: acceptance.due, sla: null }, c, 'acceptance');
}

/**
 * When a board row falls due, as it shows it (`boardDue`): an escalation no one has taken yet by its
 * deadline to be taken, any other by the ticket's next deadline.
 */
function urgencyOf(t: Ticket): number {
  const acceptance = t.assignee ? undefined : t.sla?.deadlines.find((d) => d.kind === 'acceptance' && d.state === 'running' && d.due);
  const due = acceptance?.due ?? t.dueAt;
  return due ? new Date(due).getTime() : Number.MAX_SAFE_INTEGER;
}

/**
 * How many rows each office's group shows: a tier's rows shared among its offices, the smallest
 * first taking all they have, the rest split evenly among the others; at least ten each.
 */
export function rowShares(groups: ReadonlyMap<string, { tier: number; tickets: readonly unknown[] }>, rowsPerTier: number): Map<string, number> {
  const shares = new Map<string, number>();
  for (const tier of new Set([...groups.values()].map((g) => g.tier))) {
    const inTier = [...groups].filter(([, g]) => g.tier === tier).sort(([, a], [, b]) => a.tickets.length - b.tickets.length);
    let left = rowsPerTier;
    inTier.forEach(([key, g], i) => {
      const take = Math.min(g.tickets.length, Math.max(10, Math.floor(left / (inTier.length - i))));
      shares.set(key, take);
      left -= take;
    });
  }
  return shares;
}

async function escalationRows(actor: StaffActor, c: BoardContext) {
  // Every open escalation the supervisor may see, from memory (the working set): the counts, and the rows.
  // (cheap field tests first: the policy runs on the open escalations only, not on all the work)
  const open = await readableWork(actor, (t) => t.tier > 1 && isOpenStatus(t.status), { openOnly: true, tiers: [2, 3] });
  const groups = new Map<string, { tier: number; office: string; tickets: Ticket[]; waiting: number }>();
  const wanted = open.filter((t) => (!c.only?.office || String(t.office) === c.only.office) && (!c.only?.waiting || !t.assignee));
  for (const t of wanted) {
    const key = `g:${t.tier}:${String(t.office)}`;
    const group = groups.get(key) ?? { tier: t.tier, office: String(t.office), tickets: [], waiting: 0 };
    group.tickets.push(t);
    if (!t.assignee) group.waiting += 1;
    groups.set(key, group);
  }
  // Each tier's rows shared among its offices, so every office's escalations show, however many
  // another has (QA: three offices had no row among the 100 shown): the most urgent of each first.
  // In each office, the escalations no one has taken first (what a supervisor acts on: QA, an office's
  // held and long overdue ones filled its rows), then the others; each by its deadline, then its age.
  // The keys are worked out once per ticket, not per comparison (thousands at a year of data).
  const keyOf = new Map(open.map((t) => [t, [t.assignee ? 1 : 0, urgencyOf(t), new Date(t.createdAt).getTime()] as const]));
  const byUrgency = (a: Ticket, b: Ticket) => {
    const [ka, kb] = [keyOf.get(a), keyOf.get(b)];
    return !ka || !kb ? 0 : ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  };
  const shares = rowShares(groups, c.rowsPerTier);
  const shownOf = new Map<string, Ticket[]>();
  for (const [key, g] of groups) shownOf.set(key, [...g.tickets].sort(byUrgency).slice(0, shares.get(key) ?? 0));
  const nameOf = (g: { office: string }) => c.catalog.officeName(g.office) ?? g.office;
  const shown = [...shownOf.values()].flat();
  const people = await nameBook(shown.map((t) => t.assignee));
  const tickets = shown.map((t) => presentTicket(t, actor, people));
  const views = new Map(tickets.map((v) => [v.id, v]));
  // Each ticket's escalation records, read by `_id` (the ticket lists them).
  const escalations = await escalationsOf(tickets.map((t) => t.id));
  const latest = latestEscalations(escalations, tickets);
  const names = await nameBook([...latest.values()].map((e) => e.by));
  const rows: (BoardRow | BoardGroup)[] = [];
  // Tier, then the office whose first row comes first (the same in every language), then each office's rows.
  const ordered = [...groups.entries()].sort(
    ([ka, a], [kb, b]) => a.tier - b.tier || byUrgency(shownOf.get(ka)?.[0] as Ticket, shownOf.get(kb)?.[0] as Ticket) || nameOf(a).localeCompare(nameOf(b)),
  );
  for (const [key, g] of ordered) {
    const officeName = c.catalog.officeName(g.office) ?? views.get(String(shownOf.get(key)?.[0]?._id))?.officeName ?? '';
    rows.push({
      kind: 'group',
      key,
      version: `${g.tickets.length}:${g.waiting}`,
      label: `${c.labels.tier(g.tier)} · ${officeName}`,
      count: g.tickets.length,
      waiting: g.waiting,
    });
    for (const t of shownOf.get(key) ?? []) {
      const v = views.get(String(t._id));
      if (!v) continue;
      const e = latest.get(v.id);
      rows.push(row(v, e ? presentEscalation(e, names) : undefined, c));
    }
  }
  return {
    rows,
    tickets,
    totals: {
      open: open.length,
      waiting: open.filter((t) => !t.assignee).length,
      tier2: open.filter((t) => t.tier === 2).length,
      tier3: open.filter((t) => t.tier === 3).length,
      truncated: tickets.length < wanted.length,
      // How many the filters keep (the counts above stay whole).
      matching: wanted.length,
      shown: tickets.length,
      more: c.rowsPerTier < boardRowsPerTier.more,
    },
  };
}

/** The people a supervisor watches: their office's staff, and tiers 2 and 3 (who serve every office). */
async function loadPanel(actor: StaffActor, c: BoardContext): Promise<LoadTeam[]> {
  const upperTeams = c.catalog.teams.filter((t) => t.tier > 1).map((t) => new Types.ObjectId(t.value));
  const staff = await staffWatched(upperTeams, actor.office);
  const ids = staff.map((s) => s._id);
  const now = c.fmt.now.getTime();
  const [heldBy, seenAt, live] = await Promise.all([heldCounts(ids), lastSeen(ids, new Date(now)), whoIsOnline(c.online)]);
  return c.catalog.teams
    .map((team) => ({
      name: team.label,
      tierShort: c.labels.tierShort(team.tier),
      people: staff
        .filter((s) => String(s.team) === team.value)
        .map((s): LoadPerson => {
          const id = String(s._id);
          const count = heldBy.get(id) ?? 0;
          const capacity = s.capacity ?? 0;
          const seen = seenAt.get(id);
          // Online: a live socket now (or, without the live layer, a session used recently);
          // away: signed in but not connected; offline: no open session.
          const recent = seen !== undefined && now - seen <= onlineWindowMs;
          const presence = live
            ? live.has(id)
              ? 'online'
              : seen !== undefined
                ? 'away'
                : 'offline'
            : seen === undefined
              ? 'offline'
              : recent
                ? 'online'
                : 'away';
          const ratio = capacity > 0 ? count / capacity : count > 0 ? 1 : 0;
          return {
            id,
            name: s.name,
            initials: initials(s.name),
            held: count,
            capacity,
            loadStep: Math.min(100, Math.round(ratio * 10) * 10),
            over: capacity > 0 && count > capacity,
            presence,
            presenceLabel: c.t(`presence.${presence}`),
            lastSeen: seen === undefined ? null : c.t('presence.last_seen', { when: c.fmt.short(new Date(seen)) }),
          };
        }),
    }))
    .filter((team) => team.people.length > 0);
}

export async function boardData(actor: StaffActor, c: BoardContext): Promise<BoardData> {
  const [esc, load] = await Promise.all([escalationRows(actor, c), loadPanel(actor, c)]);
  return { rows: esc.rows, totals: esc.totals, load, ticketIds: esc.tickets.map((t) => t.id) };
}
