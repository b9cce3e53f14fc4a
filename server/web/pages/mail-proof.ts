/**
 * The small badge next to a message that came by email on the staff ticket page: how Relais knows the
 * mail is its sender's (an aligned DKIM or DMARC pass, the signed reply address, a person's word) or
 * that nothing proves it. Staff read it before trusting what a mail says (a new bank account number…).
 */
import type { Translate } from '../../lib/i18n.js';
import type { MailProof } from '../../tickets/ticket.queries.js';

export interface MailProofBadge {
  /** A CSS hook: `verified`, `token`, `confirmed` or `none`. */
  kind: 'verified' | 'token' | 'confirmed' | 'none';
  text: string;
}

/** The badge for a message's proof, or null for a message that did not come by email (or before proofs were kept). */
export function mailProofBadge(proof: MailProof | null, t: Translate): MailProofBadge | null {
  if (!proof) return null;
  switch (proof.proof) {
    case 'dkim':
    case 'dmarc':
      return { kind: 'verified', text: t('thread.proof.verified', { method: proof.proof.toUpperCase(), domain: proof.domain ?? '?' }) };
    case 'token':
      return { kind: 'token', text: t('thread.proof.token') };
    case 'person':
      return { kind: 'confirmed', text: t('thread.proof.confirmed', { name: proof.by ?? '?' }) };
    case 'none':
      return { kind: 'none', text: t('thread.proof.none') };
  }
}
