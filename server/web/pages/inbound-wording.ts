/**
 * Received mail in the reader's language: a quarantine reason's name and what it means, the
 * reading notes of the parser, and the pipeline's own history notes ("quarantine · bulk"). The
 * pipeline records codes and technical details in English (they are logged and searched as such);
 * pages say them in words, and show a detail that only the parser can word (an error message) as a
 * technical detail, marked as such and as English.
 */
import type { Translate } from '../../lib/i18n.js';
import { quarantineReasons } from '../../mail/inbound/inbound-admin.js';
import type { OutcomeKind } from '../../mail/inbound/inbound-admin.js';

const isReason = (code: string): boolean => (quarantineReasons as readonly string[]).includes(code);

// Every outcome kind (the type makes it complete): what a pipeline note may start with.
const outcomeKinds: Record<OutcomeKind, true> = {
  new_ticket: true,
  follow_up: true,
  bounce: true,
  auto_reply: true,
  machine: true,
  ignored_own: true,
  duplicate: true,
  quarantine: true,
  discarded: true,
};

/** A quarantine reason in words; an unknown code is shown as it is. */
export function reasonLabel(t: Translate, code: string | null): string {
  if (!code) return t('inboundAdmin.reason.none');
  return isReason(code) ? t(`inboundAdmin.reason.${code}`) : t('inboundAdmin.reason.other', { code });
}

/** What a quarantine reason means and what to do about it, in a sentence or two. */
export function reasonExplanation(t: Translate, code: string | null): string {
  return code && isReason(code) ? t(`inboundAdmin.explain.${code}`) : t('inboundAdmin.explain.other');
}

/** A reading note in words, with the part only the parser can word kept as a technical detail. */
export interface ReadingNote {
  text: string;
  technical: string | null;
}

const plainWarnings = new Set([
  'boundary_guessed',
  'charset_utf-7_decoded',
  'header_8bit_windows-1252',
  'header_syntax_repaired',
  'missing_date',
  'missing_from',
  'missing_message_id',
  'multipart_read_as_text',
  'undecodable_characters',
]);

// Keys without the hyphens some codes carry.
const warningKey = (code: string): string => `inboundAdmin.warning.${code.replace(/-/g, '_')}`;

export function readingNote(t: Translate, warning: string): ReadingNote {
  if (plainWarnings.has(warning)) return { text: t(warningKey(warning)), technical: null };
  const charset = /^charset_(.+)_read_as_(.+)$/.exec(warning);
  if (charset) return { text: t('inboundAdmin.warning.charset_read_as', { declared: charset[1], used: charset[2] }), technical: null };
  const htmlFailed = /^html_to_text_failed: ?(.*)$/s.exec(warning);
  if (htmlFailed) return { text: t('inboundAdmin.warning.html_to_text_failed'), technical: htmlFailed[1] || null };
  return { text: t('inboundAdmin.warning.other'), technical: warning };
}

/**
 * A history note in the reader's language. The pipeline ends its own notes with what it decided,
 * `<kind> · <ticket number> · <reason>` (after the person's words and " — " when there are any):
 * that part is said in words; a note that does not end so (a person's) is shown as written.
 */
export function historyNote(t: Translate, note: string | null): string | null {
  if (!note) return null;
  const cut = note.lastIndexOf(' — ');
  const words = cut >= 0 ? note.slice(0, cut) : '';
  const parts = (cut >= 0 ? note.slice(cut + 3) : note).split(' · ');
  const [kind, ...rest] = parts;
  if (!kind || !Object.hasOwn(outcomeKinds, kind)) return note;
  let said: string;
  if (kind === 'quarantine') said = reasonLabel(t, rest.find(isReason) ?? rest.at(-1) ?? null);
  else said = t(`inboundAdmin.kind.${kind}`, { number: rest.find((p) => /^[A-Z]+-\d{4}-\d+$/.test(p)) ?? '—' });
  return words ? `${words} — ${said}` : said;
}
