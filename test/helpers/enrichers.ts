/**
 * The test process composes Relais as index.ts does: every commit recomputes the SLA (registered
 * once, by the root hooks in global.ts), and changes send mail built with the configuration of the
 * app under test (`useMail`, called by `testApp` and by tests that run commands without an app).
 */
import type { MailConfig } from '../../server/mail/mail-parts.js';
import { registerTicketMail } from '../../server/mail/ticket-mail.js';
import { registerSlaMail } from '../../server/sla/actions.js';

let stopMail: (() => void) | undefined;

/** Ticket changes from now on send their mail built with `config` (the previous settings are dropped). */
export function useMail(config: MailConfig): void {
  stopMail?.();
  const stops = [registerTicketMail(config), registerSlaMail(config)];
  stopMail = () => stops.forEach((stop) => stop());
}
