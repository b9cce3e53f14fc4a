/**
 * The ticket page's parts (`GET /staff/tickets/:id/parts`): the server-rendered pieces of the page
 * with the version, summary and message ids they show, read defensively, and what changed between
 * what the advisor sees and a newer version, in words.
 */
import { isRecord, num, str } from './dom.js';
import { t, tp } from './i18n.js';

export const summaryFields = ['status', 'holder', 'tier', 'team', 'office', 'priority', 'category'] as const;
export type Summary = Record<(typeof summaryFields)[number], string>;

export interface Parts {
  version: number;
  summary: Summary;
  messageIds: string[];
  composer: { canReply: boolean; canNote: boolean };
  html: Record<string, string>;
}

export function parseSummary(value: unknown): Summary | null {
  if (!isRecord(value)) return null;
  const out: Partial<Summary> = {};
  for (const field of summaryFields) out[field] = str(value, field) ?? '';
  return out as Summary;
}

/** Ids out of an unknown list (strings only). */
export function idList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

export function parseParts(value: unknown): Parts | null {
  if (!isRecord(value) || !isRecord(value.parts) || !isRecord(value.composer)) return null;
  const version = num(value, 'version');
  const summary = parseSummary(value.summary);
  if (version === undefined || !summary) return null;
  const html: Record<string, string> = {};
  for (const [k, v] of Object.entries(value.parts)) if (typeof v === 'string') html[k] = v;
  return {
    version,
    summary,
    messageIds: idList(value.messageIds),
    composer: { canReply: value.composer.canReply === true, canNote: value.composer.canNote === true },
    html,
  };
}

/** What changed from what is shown (`summary`, `messageIds`) to `next`, one line each. */
export function changesTo(shown: { summary: Summary; messageIds: ReadonlySet<string> }, next: Parts): string[] {
  const lines: string[] = [];
  for (const field of summaryFields) {
    if (shown.summary[field] !== next.summary[field]) {
      lines.push(t('client.ticket.change_line', { field: t(`client.field.${field}`), from: shown.summary[field], to: next.summary[field] }));
    }
  }
  const added = next.messageIds.filter((m) => !shown.messageIds.has(m)).length;
  if (added > 0) lines.push(tp('client.ticket.new_messages', added));
  return lines;
}

/** Fills a list element with one item per line (text, never HTML). */
export function fillList(list: Element | null, lines: string[]): void {
  if (!list) return;
  list.replaceChildren(
    ...lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }),
  );
}
