/**
 * What firing an SLA alert does to a ticket, always as exactly one journal event, so it is in
 * the ticket's history, replayed after a crash, and serialized like any command: two instances
 * firing the same alert insert the same event `_id`, one wins, the other gets a ConflictError.
 *
 *  - Usually an `sla_alert` event (actor: Relais) whose patch records the alert as fired and
 *    moves `nextAlertAt` on; when someone holds the ticket, the enricher `registerSlaMail` adds a
 *    `sla-warning` email to them in their language (the outbox, like ticket-mail.ts).
 *  - An acceptance breach of an unclaimed tier-1 or tier-2 ticket under a policy saying
 *    `onBreach.acceptance: 'escalate'` is an `escalated` event instead, with reason code
 *    `sla_breach`, a handoff note saying nobody in the tier took it within the target, and the
 *    same plan as a staff escalation (escalation record; the mail enricher tells the receiving team).
 */
import { labelIn } from '../lib/labels.js';
import { slaNames } from './sla-names.js';
import { systemActor } from '../auth/actor.js';
import { ReasonCodeModel } from '../catalog/category.model.js';
import { translator, type Locale } from '../lib/i18n.js';
import { buildOutboxMail } from '../mail/outbox.js';
import { refreshTemplateTexts } from '../mail/template-texts.model.js';
import { mailLocale, outboxWrites, staffTicketUrl, type MailConfig } from '../mail/mail-parts.js';
import { officeModelOf } from '../routing/office-models.js';
import { teamForTier } from '../routing/routing.service.js';
import { StaffModel } from '../staff/staff.model.js';
import { planEscalation } from '../tickets/ticket.moves.js';
import { escalationTarget, stateAllows } from '../tickets/ticket.lifecycle.js';
import { commit, loadTicket, notificationsSuppressed, registerEnricher, type CommitResult } from '../tickets/ticket.journal.js';
import type { Ticket } from '../tickets/ticket.model.js';
import type { JournalWrite, SlaAlertData } from '../tickets/ticket-event.model.js';
import { dueAlert, type DueAlert } from './engine.js';
import { businessDuration, explainDeadline, formatSlaDate } from './explain.js';
import type { SlaAlert } from '../tickets/ticket-sla.js';

/** The reason code of automatic escalations (seeded with the demo data; shown in the trail). */
export const SLA_BREACH_REASON = 'sla_breach';

/**
 * Makes sure the reason code automatic escalations carry exists (every installation, not only the demo),
 * so the trail and reports show its label. It is offered in no dialog (`appliesTo: []`).
 */
export async function ensureSlaReasonCode(): Promise<void> {
  try {
    await ReasonCodeModel.create({
      code: SLA_BREACH_REASON,
      label: { fr: 'Délai de prise en charge dépassé', nl: 'Opnametermijn overschreden', en: 'Pick-up deadline missed' },
      appliesTo: [],
      order: 900,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) throw error;
  }
}

export type AlertLevel = 'team' | 'supervisor';

export interface FiredAlert {
  /** The ticket after the event. */
  ticket: Ticket;
  seq: number;
  alert: SlaAlert;
  level: AlertLevel;
  escalated: boolean;
  at: Date;
}

export interface FireOutcome {
  /** The ticket as loaded (null: no such ticket). */
  ticket: Ticket | null;
  /** What was fired, or null when nothing was due. */
  fired: FiredAlert | null;
}

/** Who hears of it: a breach whose policy says so (or that escalates) goes to the supervisors too. */
function levelOf(due: DueAlert): AlertLevel {
  if (due.alert.kind !== 'breach') return 'team';
  const onBreach = due.policy.onBreach ?? {};
  if (due.alert.deadline === 'acceptance') return onBreach.acceptance === 'alert_supervisors' || onBreach.acceptance === 'escalate' ? 'supervisor' : 'team';
  if (due.alert.deadline === 'resolution') return onBreach.resolution === 'alert_supervisors' ? 'supervisor' : 'team';
  return 'team';
}

function alertData(due: DueAlert, level: AlertLevel): SlaAlertData {
  const { key, kind, deadline, label, dueAt } = due.alert;
  return { key, kind, deadline, label, dueAt, level };
}

/** The `sla-warning` email to the person holding the ticket, in their first language. */
async function holderMail(config: MailConfig, ticket: Ticket, due: DueAlert, at: Date): Promise<JournalWrite[]> {
  if (!ticket.assignee) return [];
  const holder = await StaffModel.findById(ticket.assignee, { email: 1, languages: 1, active: 1 }).lean();
  if (!holder || holder.active === false) return [];
  const locale = mailLocale(holder.languages?.[0], config);
  const t = translator(locale);
  await refreshTemplateTexts(); // administrators' texts (renderMail is synchronous)
  // The policy and calendar named in the holder's language (their labels), as the deadlines panel does.
  const labelled = new Map((await slaNames()).map((x) => [String(x._id), labelIn(x, locale)]));
  const nameOf = (ref: { id: string; name: string }) => labelled.get(ref.id) ?? ref.name;
  const mail = buildOutboxMail(
    {
      template: 'sla-warning',
      locale,
      to: holder.email,
      ticketId: ticket._id,
      data: {
        ticketNumber: ticket.number,
        subject: ticket.subject,
        breached: due.alert.kind === 'breach',
        deadlineLabel: t(`sla.kind.${due.alert.deadline}`),
        dueText: formatSlaDate(due.alert.dueAt ?? at, due.calendar.timeZone, t),
        explanation: explainDeadline(due.deadline, t, { nameOf }),
        staffTicketUrl: staffTicketUrl(config, ticket),
      },
    },
    { config, now: at },
  );
  return outboxWrites(mail);
}

/**
 * Makes every `sla_alert` event send the holder of the ticket a `sla-warning` email (an enricher,
 * registered by the composition root with the mail settings); returns the way to stop.
 */
export function registerSlaMail(config: MailConfig): () => void {
  return registerEnricher(async (input) => {
    if (input.type !== 'sla_alert' || notificationsSuppressed()) return input;
    const at = input.at ?? new Date();
    // The alert as the scheduler found it (recomputed from the journal: the explanation is not stored).
    const due = await dueAlert(input.ticket, at);
    if (!due || due.alert.key !== input.data.key) return input;
    const writes = await holderMail(config, input.ticket, due, at);
    return writes.length > 0 ? { ...input, writes: [...(input.writes ?? []), ...writes] } : input;
  });
}

function escalates(ticket: Ticket, due: DueAlert): boolean {
  return (
    due.alert.kind === 'breach' &&
    due.alert.deadline === 'acceptance' &&
    due.policy.onBreach?.acceptance === 'escalate' &&
    !ticket.assignee &&
    stateAllows('escalate', ticket)
  );
}

/** The automatic escalation: the same plan as a staff escalation (planEscalation), by Relais, with the reason said in `locale`. */
async function autoEscalate(ticket: Ticket, due: DueAlert, at: Date, locale: Locale): Promise<CommitResult> {
  const t = translator(locale);
  const handoff = t('slaAlerts.autoEscalation.handoff', {
    tier: ticket.tier,
    duration: businessDuration(due.deadline.targetMinutes, t),
    policy: labelIn(due.policy, locale),
  });
  // The SLA is recomputed by the journal's enricher, the alert counted as fired (its key is in `data.alert`).
  const plan = await planEscalation({
    ticket,
    actor: systemActor,
    reason: SLA_BREACH_REASON,
    handoff,
    at,
    data: { automatic: true, alert: alertData(due, 'supervisor') },
    closingNote: handoff,
  });
  return commit(plan);
}

/**
 * Fires the alert due on a ticket at `now`, if any, as one journal event. Throws ConflictError
 * when someone (another instance, a command) committed on the ticket first: reload and retry.
 * `locale` is the language of texts written into the ticket (the automatic handoff note).
 */
export async function fireDueAlert(ticketId: string, now: Date, options: { locale: Locale }): Promise<FireOutcome> {
  const ticket = await loadTicket(ticketId);
  if (!ticket) return { ticket: null, fired: null };
  const due = await dueAlert(ticket, now);
  if (!due) return { ticket, fired: null };
  if (escalates(ticket, due)) {
    const target = escalationTarget(ticket, officeModelOf(ticket.office));
    const teamExists =
      target !== null &&
      (await teamForTier(ticket.office, target).then(
        () => true,
        () => false,
      ));
    if (teamExists) {
      const { ticket: after, event } = await autoEscalate(ticket, due, now, options.locale);
      return { ticket, fired: { ticket: after, seq: event.seq, alert: due.alert, level: 'supervisor', escalated: true, at: now } };
    }
  }
  const level = levelOf(due);
  const { ticket: after, event } = await commit({
    ticket,
    type: 'sla_alert',
    actor: systemActor,
    at: now,
    data: alertData(due, level),
    patch: {},
  });
  return { ticket, fired: { ticket: after, seq: event.seq, alert: due.alert, level, escalated: false, at: now } };
}
