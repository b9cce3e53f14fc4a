/**
 * The "Deadlines" panel of the staff ticket page (views/partials/ticket-sla.hbs): each deadline
 * of the ticket with its sentence from explain.ts, in the page's language, recomputed from the
 * journal as of now (the stored `sla` keeps no explanations, see tickets/ticket-sla.ts).
 */
import type { Translate } from '../lib/i18n.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import type { Ticket } from '../tickets/ticket.model.js';
import type { Deadline, ExplanationCode } from './deadline.types.js';
import { currentDeadlines, type KnownEvent } from './engine.js';
import { explainDeadline, formatSlaDate } from './explain.js';

/** Folded away under "earlier deadlines": at most this many (the panel shows open ones and the last of each kind). */
const MAX_EARLIER = 8;

export interface SlaPanelItem {
  kind: string;
  kindLabel: string;
  code: ExplanationCode;
  stateLabel: string;
  /** Whether the kind is named beside the chip: when the chip's words do not say which ("En pause", "Réponse attendue"; not "Résolution attendue"). */
  showKind: boolean;
  /** Chip colour, reusing the status chips of the page. */
  chip: string;
  dueIso: string | null;
  dueText: string | null;
  sentence: string;
  /**
   * The current rules would put it elsewhere (a policy or calendar changed since it was computed):
   * the ticket keeps its stored deadline until an administrator recomputes, and this says both.
   */
  staleText: string | null;
}

export interface SlaPanel {
  policyText: string;
  paused: boolean;
  /** The deadlines running now and, for each kind, the last one that ended. */
  items: SlaPanelItem[];
  /** Older ended deadlines (every next response of a long thread), folded away under `earlierLabel`. */
  earlier: SlaPanelItem[];
  earlierLabel: string;
}

/** How a person says a deadline's state, by what it measures: "Answered late", "Resolved in time". */
const stateGroup: Record<string, 'response' | 'resolution' | 'acceptance'> = {
  first_response: 'response',
  next_response: 'response',
  resolution: 'resolution',
  acceptance: 'acceptance',
};

const chips: Record<ExplanationCode, string> = {
  running: 'open',
  overdue: 'waiting',
  paused: 'pending_member',
  met: 'resolved',
  met_late: 'waiting',
  stopped: 'closed',
};

const isOpen = (d: Deadline): boolean => d.state === 'running' || d.state === 'paused';

/**
 * Open deadlines first (soonest due first), then the last ended one of each kind (latest first); the
 * other ended ones, latest first, apart: a thread of six answers should not stack six "answered" lines.
 */
function ordered(deadlines: readonly Deadline[]): { shown: Deadline[]; earlier: Deadline[] } {
  const time = (d: Date | null): number => d?.getTime() ?? Infinity;
  const open = deadlines.filter(isOpen).sort((a, b) => time(a.due) - time(b.due));
  const done = deadlines.filter((d) => !isOpen(d)).sort((a, b) => b.start.getTime() - a.start.getTime());
  const kinds = new Set(open.map((d) => d.kind));
  const lastOfKind: Deadline[] = [];
  const earlier: Deadline[] = [];
  for (const d of done) {
    if (kinds.has(d.kind)) earlier.push(d);
    else {
      kinds.add(d.kind);
      lastOfKind.push(d);
    }
  }
  return { shown: [...open, ...lastOfKind], earlier: earlier.slice(0, MAX_EARLIER) };
}

/** The panel for a ticket as of `now`; null when no SLA policy applies to it. */
export async function slaPanel(
  ticket: Ticket,
  t: Translate,
  now = new Date(),
  known: readonly KnownEvent[] = [],
  nameOf: (ref: { id: string; name: string }) => string = (ref) => ref.name,
): Promise<SlaPanel | null> {
  const current = await currentDeadlines(ticket, now, known);
  if (!current) return null;
  const { shown, earlier } = ordered(current.set.deadlines);
  // The deadline the ticket carries (header, queue, alerts) is the stored one: the panel shows it, and
  // says so when today's rules would give another (QA: two times for one deadline on one page).
  const stored = new Map((ticket.sla?.deadlines ?? []).filter((d) => d.due).map((d) => [d.kind, d.due as Date]));
  const when = (due: Date): string => formatSlaDate(due, current.calendar.timeZone, t, now);
  const item = (d: Deadline): SlaPanelItem => {
    const code = d.explanation.code;
    const kept = isOpen(d) ? stored.get(d.kind) : undefined;
    const stale = kept !== undefined && d.due !== null && Math.abs(kept.getTime() - d.due.getTime()) >= 60_000;
    const due = stale ? kept : d.due;
    return {
      kind: d.kind,
      kindLabel: t(`sla.kind.${d.kind}`),
      code,
      stateLabel: t(`workflow.sla.state.${stateGroup[d.kind] ?? 'response'}.${code}`),
      // First and next response share the chip's words ("Réponse attendue"): their kind tells them apart.
      showKind: code === 'paused' || code === 'stopped' || stateGroup[d.kind] === 'response',
      chip: chips[code],
      dueIso: due ? due.toISOString() : null,
      dueText: due ? t('slaAlerts.panel.due', { due: when(due) }) : null,
      // Kept from before a change: today's rule would not explain it (the note below says both times).
      sentence: stale ? '' : explainDeadline(d, t, { now, nameOf, brief: true }),
      staleText: stale && d.due ? t('slaAlerts.panel.stale', { kept: when(kept), now: when(d.due) }) : null,
    };
  };
  return {
    policyText: t('slaAlerts.panel.policy', { policy: nameOf(current.set.policy), calendar: nameOf(current.set.calendar) }),
    paused: current.set.paused,
    items: shown.map(item),
    earlier: earlier.map(item),
    earlierLabel: t('workflow.sla.earlier', { count: earlier.length }),
  };
}

/** Loads the ticket (replaying its journal) and builds its panel. */
export async function slaPanelFor(ticketId: string, t: Translate, now = new Date()): Promise<SlaPanel | null> {
  const ticket = await loadTicket(ticketId);
  return ticket ? slaPanel(ticket, t, now) : null;
}
