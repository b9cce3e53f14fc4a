/**
 * What processing a received message ends in: an outcome recorded on the message (a new ticket, a
 * follow-up, machine mail…), or a quarantine with its reason, thrown by the rules and recorded by the
 * pipeline (pipeline.ts), which also tells the member when asked (held-notice.ts).
 */
import type { InboundOutcome, OutcomeKind } from './inbound.model.js';

export class Quarantine extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
    readonly relatedTicket: string | null = null,
    /** Tell the member of `relatedTicket`, at the ticket's address, that their mail is held (mail/inbound/held-notice.ts). */
    readonly tellMember = false,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export function outcome(kind: OutcomeKind, props: Partial<Omit<InboundOutcome, 'kind' | 'at'>> = {}): InboundOutcome {
  return {
    kind,
    ticket: props.ticket ?? null,
    ticketNumber: props.ticketNumber ?? null,
    reason: props.reason ?? null,
    detail: props.detail ?? null,
    relatedTicket: props.relatedTicket ?? null,
    at: new Date(),
  };
}
