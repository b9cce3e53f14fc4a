/**
 * The export's `summary.txt`: the member's requests and what was written in them, in the member's
 * language and with the words the member pages use (a state, a category), so the person who asked
 * for their data can read it without opening JSON (GDPR art. 12: "in a concise, intelligible and
 * easily accessible form"; QA: the export was English JSON with internal codes). The JSON files stay
 * the complete record; this is their reading.
 */
import { referenceLists } from '../catalog/catalog.queries.js';
import { intlTags, isLocale, translator, type Locale } from '../lib/i18n.js';

export interface SummaryMessage {
  at: Date;
  author: { kind: string; name: string };
  internal: boolean;
  text: string;
  files: string[];
}

export interface SummaryTicket {
  number: string;
  subject: string;
  status: string;
  category: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  rating: { score: number; comment: string | null } | null;
  messages: SummaryMessage[];
}

/** The text, in the member's language (the default's when they have none Relais writes). */
export async function exportSummary(
  member: { name: string; email: string; memberNumber?: string | null; language?: string | null },
  tickets: readonly SummaryTicket[],
  options: { defaultLocale: Locale; timeZone: string; internalIncluded: boolean },
): Promise<string> {
  const locale: Locale = isLocale(member.language) ? member.language : options.defaultLocale;
  const t = translator(locale);
  const { categories } = await referenceLists();
  const categoryLabel = (code: string | null) => (code ? (categories.find((c) => c.code === code)?.label?.[locale] ?? code) : t('portal.export.none'));
  const date = (at: Date | null) =>
    at ? new Intl.DateTimeFormat(intlTags[locale], { dateStyle: 'long', timeStyle: 'short', timeZone: options.timeZone }).format(at) : '—';
  const rule = '='.repeat(72);
  const lines: string[] = [
    t('portal.export.title'),
    rule,
    t('portal.export.member', { name: member.name, email: member.email }),
    ...(member.memberNumber ? [t('portal.export.member_number', { number: member.memberNumber })] : []),
    t(options.internalIncluded ? 'portal.export.with_internal' : 'portal.export.without_internal'),
    '',
    t('portal.export.requests', { count: tickets.length }),
  ];
  for (const ticket of tickets) {
    lines.push(
      '',
      rule,
      `${ticket.number} — ${ticket.subject}`,
      rule,
      t('portal.export.state', { state: t(`portal.status.${ticket.status}`) }),
      t('portal.export.category', { category: categoryLabel(ticket.category) }),
      t('portal.export.created', { at: date(ticket.createdAt) }),
    );
    if (ticket.resolvedAt) lines.push(t('portal.export.resolved', { at: date(ticket.resolvedAt) }));
    if (ticket.closedAt) lines.push(t('portal.export.closed', { at: date(ticket.closedAt) }));
    if (ticket.rating) {
      const { score, comment } = ticket.rating;
      lines.push(comment ? t('portal.export.rating', { score, comment }) : t('portal.export.rating_only', { score }));
    }
    for (const m of ticket.messages) {
      const who = m.author.kind === 'member' ? t('portal.export.you', { name: m.author.name }) : m.author.name;
      lines.push('', `--- ${date(m.at)} · ${who}${m.internal ? ` · ${t('portal.export.internal')}` : ''}`, m.text.trim());
      if (m.files.length > 0) lines.push(t('portal.export.files', { files: m.files.join(', ') }));
    }
  }
  lines.push('', rule, t('portal.export.more'));
  return `${lines.join('\n')}\n`;
}
