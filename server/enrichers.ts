/**
 * What every ticket change carries with it, registered once per process by whoever composes Relais
 * (index.ts; the test harness and the benchmarks do the same): the SLA recompute, the reports'
 * change keys of done tickets (reports/day-facts.ts), the member's last activity (privacy/activity.ts), and with mail
 * settings the mail each change sends (ticket mail, SLA warnings). The journal runs them in this
 * order inside `commit()` (tickets/ticket.journal.ts).
 */
import type { MailConfig } from './mail/mail-parts.js';
import { registerTicketMail } from './mail/ticket-mail.js';
import { registerSlaMail } from './sla/actions.js';
import { registerSlaRecompute } from './sla/engine.js';
import { registerReportChangeKeys } from './reports/day-facts.js';
import { registerMemberActivity } from './privacy/activity.js';

export interface TicketEnricherOptions {
  /** The mail settings; null: changes send no mail. */
  mail: MailConfig | null;
}

/** Registers the enrichers; returns the way to unregister them all. */
export function registerTicketEnrichers(options: TicketEnricherOptions): () => void {
  const stops = [registerSlaRecompute(), registerReportChangeKeys(), registerMemberActivity()];
  if (options.mail) stops.push(registerTicketMail(options.mail), registerSlaMail(options.mail));
  return () => {
    for (const stop of stops.reverse()) stop();
  };
}
