/**
 * View models for staff pages: what templates receive, already labelled in the
 * page's language and formatted. Built from the ticket presenter's output
 * (`TicketView`), never from documents.
 */
import { shownErasedText, shownMemberName } from './member-name.js';
import type { RoutingNames } from '../../routing/routing-facts.js';
import type { Translate } from '../../lib/i18n.js';
import { memberNamesByIds } from '../../members/member-lookup.js';
import type { TicketView } from '../../tickets/ticket.presenter.js';
import { deadlineDueAt } from '../../tickets/ticket-sla.js';
import type { PageCatalog } from './catalog.js';
import type { DueView, Formatter } from './format.js';

export interface Labels {
  status(status: string): string;
  priority(priority: string): string;
  tier(tier: number): string;
  tierShort(tier: number): string;
  language(code: string): string;
  channel(channel: string): string;
}

export function labels(t: Translate): Labels {
  // Each label is translated once per page, however many rows show it.
  const known = new Map<string, string>();
  const once = (key: string, make: () => string) => {
    let text = known.get(key);
    if (text === undefined) known.set(key, (text = make()));
    return text;
  };
  return {
    status: (s) => once(`status.${s}`, () => t(`status.${s}`)),
    priority: (p) => once(`priority.${p}`, () => t(`priority.${p}`)),
    tier: (n) => once(`tier.long_${n}`, () => t(`tier.long_${n}`)),
    tierShort: (n) => once(`tier.short:${n}`, () => t('tier.short', { tier: n })),
    language: (code) => once(`language.${code}`, () => t(`language.${code}`)),
    channel: (c) => once(`channel.${c}`, () => t(`channel.${c}`)),
  };
}

export interface PresentContext {
  t: Translate;
  fmt: Formatter;
  labels: Labels;
  catalog: PageCatalog;
  /** The viewer's staff id, to mark "mine". */
  me: string;
  memberNames: ReadonlyMap<string, string>;
}

export interface TicketRowView {
  id: string;
  key: string;
  version: number;
  number: string;
  subject: string;
  href: string;
  memberName: string;
  language: string;
  languageName: string;
  category: string | null;
  status: string;
  statusLabel: string;
  priority: string;
  priorityLabel: string;
  tier: number;
  tierShort: string;
  tierLabel: string;
  teamName: string;
  officeName: string;
  holderName: string | null;
  mine: boolean;
  /** "Returned to you by …" when a higher tier sent it back to me; null otherwise. */
  returnedToMe: string | null;
  /** "Escalated by … · reason" on a ticket a lower tier escalated (the receiving tier's queue). */
  escalatedBy: string | null;
  age: string;
  createdIso: string;
  createdText: string;
  due: DueView;
}

/** Member display names for a page of tickets, by member id. */
export async function memberNames(tickets: readonly { member: string }[]): Promise<Map<string, string>> {
  return memberNamesByIds([...new Set(tickets.map((t) => t.member))]);
}

export function presentRow(v: TicketView, ctx: PresentContext): TicketRowView {
  const { fmt, labels: l, catalog } = ctx;
  return {
    id: v.id,
    key: v.id,
    version: v.version,
    number: v.number,
    subject: shownErasedText(v.subject, ctx.t),
    href: `/staff/tickets/${v.id}`,
    // A member filed for by staff of another office: the name typed, never the member's own record.
    memberName: shownMemberName(v.withheldMember?.name ?? ctx.memberNames.get(v.member) ?? ctx.t('common.unknown_member'), ctx.t),
    language: v.language.toUpperCase(),
    languageName: l.language(v.language),
    category: catalog.categoryLabel(v.category),
    status: v.status,
    statusLabel: l.status(v.status),
    priority: v.priority,
    priorityLabel: l.priority(v.priority),
    tier: v.tier,
    tierShort: l.tierShort(v.tier),
    tierLabel: l.tier(v.tier),
    teamName: catalog.teamName(v.team) ?? v.teamName ?? '',
    officeName: catalog.officeName(v.office) ?? v.officeName ?? '',
    holderName: v.assignee ? (v.assigneeName ?? ctx.t('common.a_colleague')) : null,
    mine: v.assignee === ctx.me,
    // Sent back to me by a higher tier: flagged until I act on it (tickets/ticket.workers.ts).
    returnedToMe: v.returned && v.returned.to === ctx.me ? ctx.t('workflow.returned_flag', { name: v.returned.by }) : null,
    escalatedBy:
      v.escalated && v.tier > 1
        ? v.escalated.reassigned
          ? ctx.t('workflow.moved_here_flag', { name: v.escalated.by })
          : ctx.t('workflow.escalated_flag', { name: v.escalated.by, reason: catalog.reasonLabel(v.escalated.reason) ?? v.escalated.reason })
        : null,
    age: fmt.age(v.createdAt),
    createdIso: v.createdAt,
    createdText: fmt.dateTime(v.createdAt),
    due: namedDue(v, ctx),
  };
}

/**
 * A row's deadline with its name: the ticket's `dueAt` is its earliest running deadline, and "due
 * 14:00" alone leaves an advisor guessing whether the member waits for a first answer or the
 * request for its resolution.
 */
export function namedDue(v: Pick<TicketView, 'dueAt' | 'sla'>, ctx: Pick<PresentContext, 'fmt' | 't'>, kind?: string): DueView {
  const due = ctx.fmt.due(v.dueAt);
  const named = kind ?? (v.dueAt && v.sla ? deadlineDueAt(v.sla.deadlines, v.dueAt) : null);
  if (!named) return due;
  const name = ctx.t(`sla.kind.${named}`);
  return { ...due, kind: name, label: `${name} · ${due.label}` };
}

/** The fields the ticket page compares to tell the advisor what changed under them. */
export interface TicketSummary {
  version: number;
  status: string;
  holder: string;
  tier: string;
  team: string;
  office: string;
  priority: string;
  category: string;
}

export function summarize(v: TicketView, ctx: Pick<PresentContext, 't' | 'labels' | 'catalog'>): TicketSummary {
  return {
    version: v.version,
    status: ctx.labels.status(v.status),
    holder: v.assignee ? (v.assigneeName ?? ctx.t('common.a_colleague')) : ctx.t('common.nobody'),
    tier: ctx.labels.tier(v.tier),
    team: ctx.catalog.teamName(v.team) ?? v.teamName ?? '',
    office: ctx.catalog.officeName(v.office) ?? v.officeName ?? '',
    priority: ctx.labels.priority(v.priority),
    category: ctx.catalog.categoryLabel(v.category) ?? ctx.t('common.none'),
  };
}

/** The names a routing sentence needs (routing/routing-facts.ts), in the page's language. */
export function routingNames(catalog: PageCatalog, l: Labels): RoutingNames {
  return {
    team: (id) => catalog.teamName(id),
    office: (id) => catalog.officeName(id),
    category: (code) => catalog.categoryLabel(code),
    channel: (code) => l.channel(code),
    language: (code) => l.language(code),
  };
}
