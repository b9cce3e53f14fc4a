/**
 * The "Deadlines" panel of the staff ticket page (views/partials/ticket-sla.hbs): each deadline
 * of the ticket with its sentence from explain.ts, in the page's language. Read from the SLA
 * state stored on the ticket (one `_id` read); a running deadline whose time has passed since
 * it was stored is shown as overdue.
 */
import { Types } from 'mongoose';
import type { Translate } from '../lib/i18n.js';
import { TicketModel } from '../tickets/ticket.model.js';
import type { ExplanationCode } from './deadlines.js';
import { explainDeadline, formatSlaDate } from './explain.js';
import type { StoredDeadline, TicketSla } from './ticket-sla.js';

const MAX_ITEMS = 8;

export interface SlaPanelItem {
  kind: string;
  kindLabel: string;
  code: ExplanationCode;
  stateLabel: string;
  /** Chip colour, reusing the status chips of the page. */
  chip: string;
  dueIso: string | null;
  dueText: string | null;
  sentence: string;
}

export interface SlaPanel {
  policyText: string;
  paused: boolean;
  items: SlaPanelItem[];
}

const chips: Record<ExplanationCode, string> = {
  running: 'open',
  overdue: 'waiting',
  paused: 'pending_member',
  met: 'resolved',
  met_late: 'waiting',
  stopped: 'closed',
};

function isOpen(d: StoredDeadline): boolean {
  return d.state === 'running' || d.state === 'paused';
}

/** Open deadlines first (soonest due first), then the others, latest first. */
function ordered(deadlines: readonly StoredDeadline[]): StoredDeadline[] {
  const time = (d: Date | null | undefined): number => (d ? new Date(d).getTime() : Infinity);
  const open = deadlines.filter(isOpen).sort((a, b) => time(a.due) - time(b.due));
  const done = deadlines.filter((d) => !isOpen(d)).sort((a, b) => time(b.start) - time(a.start));
  return [...open, ...done].slice(0, MAX_ITEMS);
}

/** The panel for a ticket's stored SLA; null when no policy applies. */
export function slaPanel(sla: TicketSla | null | undefined, t: Translate, now = new Date()): SlaPanel | null {
  if (!sla) return null;
  const items = ordered(sla.deadlines).map((d): SlaPanelItem => {
    const due = d.due ? new Date(d.due) : null;
    const code: ExplanationCode = d.state === 'running' && due && due.getTime() <= now.getTime() ? 'overdue' : d.explanation.code;
    const zone = String(d.explanation.params.timeZone ?? 'Europe/Brussels');
    return {
      kind: d.kind,
      kindLabel: t(`sla.kind.${d.kind}`),
      code,
      stateLabel: t(`slaAlerts.panel.state.${code}`),
      chip: chips[code],
      dueIso: due ? due.toISOString() : null,
      dueText: due ? t('slaAlerts.panel.due', { due: formatSlaDate(due, zone, t, now) }) : null,
      sentence: explainDeadline({ ...d, explanation: { ...d.explanation, code } }, t, { now }),
    };
  });
  return { policyText: t('slaAlerts.panel.policy', { policy: sla.policy.name, calendar: sla.calendar.name }), paused: sla.paused, items };
}

/** Reads the ticket's stored SLA by `_id` and builds its panel. */
export async function slaPanelFor(ticketId: string, t: Translate, now = new Date()): Promise<SlaPanel | null> {
  if (!Types.ObjectId.isValid(ticketId)) return null;
  const row = await TicketModel.collection.findOne<{ sla?: TicketSla | null }>({ _id: new Types.ObjectId(ticketId) }, { projection: { sla: 1 } });
  return slaPanel(row?.sla, t, now);
}
