/**
 * What an erasure left, as a staff page shows it. An erased member's name is a pseudonym stored in
 * French ("Membre effacé #631e7e35"), and their subjects and messages a neutral text in the member's
 * language (privacy/redaction.ts): a page says each in its own language (QA: a French-speaking advisor
 * read "Aanvraag gewist (AVG)").
 */
import type { Translate } from '../../lib/i18n.js';
import { erasedKind, pseudonymId } from '../../privacy/redaction.js';

export function shownMemberName(name: string, t: Translate): string {
  const id = pseudonymId(name);
  return id ? t('common.erased_member', { id }) : name;
}

/** A subject or a message's text: an erasure's neutral text in the page's language, any other text as it is. */
export function shownErasedText(text: string, t: Translate): string {
  const kind = erasedKind(text);
  return kind ? t(kind === 'subject' ? 'common.erased_subject' : 'common.erased_message') : text;
}
