/**
 * The words an erasure leaves in place of a member's personal data (pure: no I/O). What replaces the
 * data is stored in the database, read later by staff of any language, so it is written here per
 * ticket language rather than taken from the interface's locales.
 *
 * What is kept and what goes (docs/ARCHITECTURE.md, "Members' data"): the member's own words (their
 * messages, the ticket's subject, the rating's comment, their files) are replaced whole; staff's words
 * stay, with every appearance of the member's name, address and member number replaced by the
 * pseudonym — templates and habits put "Bonjour Marie Dethier" in replies, and a free text cannot be
 * cleaned better than that without a person reading it.
 */

/** The display name an erased member keeps: stable, unique enough for staff to tell two apart. */
export function pseudonymFor(memberId: string): string {
  return `Membre effacé #${memberId.slice(-8)}`;
}

/** The short id in a stored pseudonym ("Membre effacé #631e7e35" → "631e7e35"), so a page says it in its own language; null for a name. */
export function pseudonymId(name: string): string | null {
  return /^Membre effacé #([0-9a-f]{8})$/.exec(name)?.[1] ?? null;
}

/** A unique address no mail can ever reach (`.invalid` is reserved, RFC 2606): the unique index on addresses stays satisfied. */
export function placeholderEmail(memberId: string): string {
  return `erased-${memberId}@erased.invalid`;
}

export function isPlaceholderEmail(email: string): boolean {
  return email.endsWith('@erased.invalid');
}

const erasedMessage: Record<string, string> = {
  fr: '[Message effacé : données personnelles supprimées]',
  nl: '[Bericht gewist: persoonsgegevens verwijderd]',
  en: '[Message erased: personal data removed]',
};
const erasedSubject: Record<string, string> = {
  fr: 'Demande effacée (RGPD)',
  nl: 'Aanvraag gewist (AVG)',
  en: 'Request erased (GDPR)',
};

export function erasedMessageText(language: string): string {
  return erasedMessage[language] ?? (erasedMessage.fr as string);
}

export function erasedSubjectText(language: string): string {
  return erasedSubject[language] ?? (erasedSubject.fr as string);
}

/** Which neutral text an erasure left in a subject or a message (in the member's language), or null for any other text. */
export function erasedKind(text: string): 'subject' | 'message' | null {
  if (Object.values(erasedSubject).includes(text)) return 'subject';
  if (Object.values(erasedMessage).includes(text)) return 'message';
  return null;
}

/** What identifies the member in free text. */
export interface MemberIdentity {
  name: string;
  email: string;
  memberNumber: string | null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The strings to look for in staff text: the whole name, the address and its local part, the
 * member number, and each word of the name of three letters or more ("Bonjour Marie," names the
 * member as surely as the full name). Longest first, so the full name is replaced before its parts.
 */
export function identityPatterns(identity: MemberIdentity): RegExp | null {
  const words = identity.name.split(/[\s,;]+/).filter((w) => w.length >= 3);
  const local = identity.email.split('@')[0] ?? '';
  const all = [identity.name, identity.email, local.length >= 4 ? local : '', identity.memberNumber ?? '', ...words]
    .map((s) => s.trim())
    .filter((s) => s.length >= 3);
  const unique = [...new Set(all)].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return null;
  // Letters around a word part mean another word ("Marie" in "Mariemont" stays).
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${unique.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

/** `text` with every mention of the member replaced by the pseudonym (null stays null). */
export function scrub<T extends string | null | undefined>(text: T, pattern: RegExp | null, pseudonym: string): T {
  if (!text || !pattern) return text;
  return text.replace(pattern, pseudonym) as T;
}
