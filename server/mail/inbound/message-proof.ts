/**
 * The compact proof kept on a thread message that came by email (message.model.ts `mailAuth`), from
 * the verdict stored on the inbound record and the way the pipeline let the mail in. Staff see it as
 * a badge next to the message (web/pages/mail-proof.ts); the full verdict stays on the inbound record.
 */
import type { MailProof } from '../../tickets/message.model.js';
import type { MailAuthentication } from './authentication.js';

/** How a mail was let into a ticket: a signed reply token, an aligned pass, a person's word, or nothing (a new ticket). */
export type Admission = { by: 'token' } | { by: 'authentication' } | { by: 'person'; who: string } | { by: 'none' };

/** An aligned pass, named by what proved it: DMARC when it passed, else (aligned without DMARC) the From domain's DKIM signature. */
function verified(verdict: MailAuthentication): MailProof {
  return { proof: verdict.dmarc === 'pass' ? 'dmarc' : 'dkim', domain: verdict.fromDomain };
}

/** The proof of a mail appended to a ticket (or opening one), as admitted. */
export function proofOf(verdict: MailAuthentication, admission: Admission): MailProof {
  switch (admission.by) {
    case 'authentication':
      return verified(verdict);
    case 'token':
      return { proof: 'token' };
    case 'person':
      return { proof: 'person', by: admission.who };
    case 'none':
      return verdict.aligned ? verified(verdict) : { proof: 'none' };
  }
}
