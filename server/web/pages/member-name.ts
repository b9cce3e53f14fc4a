/**
 * A member's name as a staff page shows it. An erased member's name is a pseudonym stored in French
 * ("Membre effacé #631e7e35", privacy/redaction.ts): a Dutch or English page says it in its language.
 */
import type { Translate } from '../../lib/i18n.js';
import { pseudonymId } from '../../privacy/redaction.js';

export function shownMemberName(name: string, t: Translate): string {
  const id = pseudonymId(name);
  return id ? t('common.erased_member', { id }) : name;
}
