/**
 * Everything the ticket page shows, as one view model: header, thread (member
 * messages, public replies, internal notes), member and their other tickets, the
 * trail of moves and the "why is this ticket here?" answer, in the page's language,
 * and the actions the policy allows this viewer now.
 */
import { shownErasedText, shownMemberName } from './member-name.js';
import { legacyRoutingRecord, routingSentence } from '../../routing/routing-facts.js';
import { namedDue, routingNames } from './presenters.js';
import { Types } from 'mongoose';
import type { StaffActor } from '../../auth/actor.js';
import type { Translate } from '../../lib/i18n.js';
import { memberById } from '../../members/member-lookup.js';
import { teamForTier } from '../../routing/routing.service.js';
import { priorities, ticketLanguages } from '../../lib/ticket.vocabulary.js';
import { canRead } from '../../tickets/ticket.policy.js';
import { presentTicket, type EventView, type TicketView } from '../../tickets/ticket.presenter.js';
import { memberTickets, moveTargets, nameBook, ticketDetailAndHistory } from '../../tickets/ticket.queries.js';
import type { PageCatalog } from './catalog.js';
import type { Formatter } from './format.js';
import { heldMailsCiting } from '../../mail/inbound/inbound-hints.js';
import { mayAdministerInbound } from '../../mail/inbound/inbound-admin.js';
import { reasonLabel } from './inbound-wording.js';
import { buildThread, escalatorSentence, noteInThread, type ThreadItem } from './ticket.thread.js';
import { labels as makeLabels, summarize, type Labels, type TicketSummary } from './presenters.js';
import { reassignOptions, type ReassignOptions } from './reassign-options.js';
import { fromTicketText, numbersCitingHere, relationTrailText, relationTrailTypes, relationsView, type RelationsView } from './ticket-relations.view.js';
import { slaPanel, type SlaPanel } from '../../sla/sla.view.js';

export type { ThreadItem } from './ticket.thread.js';

export interface TrailItem {
  type: string;
  direction: 'arrive' | 'up' | 'down' | 'move' | 'hold' | 'done' | 'edit';
  text: string;
  /** A sentence about an earlier move, said after this one's time ("… 7 déc., 03:03. It was Nadia who had escalated it."). */
  after: string | null;
  atIso: string;
  atText: string;
  reason: string | null;
  noteLabel: string | null;
  note: string | null;
  /** Set in the trail when the note is in the thread already (a handoff): a link to it instead of a third copy. */
  noteHref?: string;
}

export interface TicketPageView {
  ticket: TicketView;
  summary: TicketSummary;
  header: Record<string, unknown>;
  thread: ThreadItem[];
  messageIds: string[];
  /** `withheld`: staff of another office filed the ticket for this member; only what they typed is shown. */
  member: {
    name: string;
    email: string;
    memberNumber: string | null;
    language: string | null;
    office: string | null;
    bounce: string | null;
    withheld: boolean;
  } | null;
  otherTickets: { href: string; number: string; subject: string; status: string; statusLabel: string; age: string }[];
  why: { where: string; holder: string; lastMove: TrailItem | null; routing: string; routingOriginal: string | null };
  trail: TrailItem[];
  actions: Record<string, boolean>;
  escalateTarget: string | null;
  returnTarget: string | null;
  escalateReasons: { value: string; label: string }[];
  returnReasons: { value: string; label: string }[];
  priorityOptions: { value: string; label: string; selected: boolean }[];
  categoryOptions: { value: string; label: string; selected: boolean }[];
  /** The language mail and the member's pages use, corrected here when a short mail was misread. */
  languageOptions: { value: string; label: string; selected: boolean }[];
  reassign: ReassignOptions | null;
  /** The file limits are the page route's to add (they come from the configuration). */
  composer: { canReply: boolean; canNote: boolean; language?: string; maxFiles?: number; maxBytes?: number; maxSize?: string };
  /** The ticket's deadlines explained (null: no SLA policy applies). */
  sla: SlaPanel | null;
  /** The viewer follows the ticket without it being in their work: why, and where it is now. */
  readOnly: { text: string; where: string } | null;
  /** Mail in quarantine that cites this ticket; `href` for administrators, who decide. */
  heldMail: { text: string; href: string | null }[];
  heldMailHint: string | null;
  relations: RelationsView;
}

/** A person's words in the page's quotation marks (« … », „…”, “…”), or null. */
function quoted(text: string | null | undefined, t: Translate): string | null {
  return text ? t('workflow.quoted', { text }) : null;
}

const moveTypes = new Set(['created', 'escalated', 'returned', 'reassigned', 'released']);
const trailTypes = new Set([
  'created',
  'claimed',
  'assigned',
  'accepted',
  'released',
  'escalated',
  'returned',
  'reassigned',
  'resolved',
  'reopened',
  'closed',
  'rated',
  'priority_changed',
  'language_changed',
  'category_changed',
  'sla_alert',
  'sla_recomputed',
  'member_erased',
  ...relationTrailTypes,
]);
/** A member's message is in the trail when it reopened a resolved ticket, or only thanked and left it resolved. */
const inTrail = (e: EventView): boolean =>
  trailTypes.has(e.type) || (e.type === 'member_replied' && (e.data.thanks === true || (e.from?.status === 'resolved' && e.to.status !== 'resolved')));
const directions: Record<string, TrailItem['direction']> = {
  created: 'arrive',
  escalated: 'up',
  returned: 'down',
  reassigned: 'move',
  released: 'move',
  claimed: 'hold',
  assigned: 'hold',
  accepted: 'hold',
  resolved: 'done',
  reopened: 'move',
  closed: 'done',
  rated: 'done',
  priority_changed: 'edit',
  language_changed: 'edit',
  category_changed: 'edit',
  sla_alert: 'edit',
  sla_recomputed: 'edit',
  member_erased: 'edit',
  merged: 'done',
  merged_in: 'arrive',
  marked_spam: 'done',
  linked: 'edit',
  unlinked: 'edit',
};

interface TrailContext {
  t: Translate;
  fmt: Formatter;
  labels: Labels;
  catalog: PageCatalog;
  names: ReadonlyMap<string, string>;
}

function trailItem(e: EventView, c: TrailContext): TrailItem {
  const { t, labels: l, catalog } = c;
  const team = catalog.teamName(e.to.team) ?? t('common.a_team');
  const office = catalog.officeName(e.to.office) ?? '';
  const person = (id: string | null) => (id ? (c.names.get(id) ?? t('common.a_colleague')) : t('common.nobody'));
  const vars = {
    actor: e.actor.name,
    team,
    office,
    tier: l.tier(e.to.tier),
    channel: l.channel(String(e.data.channel ?? 'web')),
    score: Number(e.data.score ?? 0),
  };
  let text: string;
  let after: string | null = null;
  let reason: string | null = null;
  let note: string | null = e.note;
  let noteLabel: string | null = e.note ? t('trail.note') : null;
  switch (e.type) {
    case 'created':
      text = t('trail.created', vars);
      note = null; // the routing explanation is shown under "why is this ticket here?"
      noteLabel = null;
      break;
    case 'escalated':
      text = t('trail.escalated', vars);
      reason = catalog.reasonLabel(e.reason);
      noteLabel = t('trail.handoff');
      break;
    case 'returned': {
      text = e.to.assignee ? t('trail.returned_to', { ...vars, person: person(e.to.assignee) }) : t('trail.returned', vars);
      // Why it went to that person, or to the team's queue (ticket.escalator.ts): said after this
      // move's time, which is not the time of the escalation it names.
      after = escalatorSentence(e.data, t) || null;
      reason = catalog.reasonLabel(e.reason);
      break;
    }
    case 'assigned':
      text = t('trail.assigned', { ...vars, person: person(e.to.assignee), note: e.note ?? '' });
      note = null;
      noteLabel = null;
      break;
    case 'reassigned':
      text = t('trail.reassigned', { ...vars, target: e.to.assignee ? person(e.to.assignee) : t('workflow.team_target', { team }) });
      noteLabel = t('trail.reason');
      break;
    case 'priority_changed':
      text = t('trail.priority_changed', { ...vars, from: l.priority(String(e.data.from)), to: l.priority(String(e.data.to)) });
      break;
    case 'language_changed':
      text = t('trail.language_changed', { ...vars, from: l.language(String(e.data.from)), to: l.language(String(e.data.to)) });
      break;
    case 'category_changed': {
      const label = (v: unknown) => catalog.categoryLabel(typeof v === 'string' ? v : null) ?? t('common.none');
      text = t('trail.category_changed', { ...vars, from: label(e.data.from), to: label(e.data.to) });
      break;
    }
    case 'sla_alert':
      // Fired by the SLA timers (server/sla/scheduler.ts).
      text = t(e.data.kind === 'breach' ? 'slaAlerts.trail.breach' : 'slaAlerts.trail.warning', {
        deadline: t(`sla.kind.${String(e.data.deadline)}`),
        label: String(e.data.label ?? ''),
      });
      break;
    case 'member_replied':
      // Only the messages that moved the ticket, or pointedly did not, are in the trail (inTrail).
      text = t(e.data.thanks ? (e.to.status === 'closed' ? 'trail.member_thanked_closed' : 'trail.member_thanked') : 'trail.member_reopened', {
        actor: e.actor.name,
        via: t(e.data.channel === 'email' ? 'trail.via.email' : 'trail.via.web'),
      });
      note = null;
      noteLabel = null;
      break;
    case 'sla_recomputed':
      // An administrator changed a calendar or a policy (sla/recompute.ts): the deadlines moved, the ticket did not.
      text = t(`trail.sla_recomputed.${e.data.cause === 'policy' ? 'policy' : 'calendar'}`, { actor: e.actor.name, label: String(e.data.label ?? '') });
      break;
    default:
      text = relationTrailText(e, t) ?? t(`trail.${e.type}`, vars);
  }
  text = fromTicketText(e, text, t);
  return { type: e.type, direction: directions[e.type] ?? 'move', text, after, atIso: e.at, atText: c.fmt.dateTime(e.at), reason, noteLabel, note };
}

async function otherTicketsOf(actor: StaffActor, ticket: TicketView): Promise<TicketView[]> {
  // The nine latest cover the eight shown beside this one.
  const rows = (await memberTickets(ticket.member, 9))
    .filter((t) => String(t._id) !== ticket.id && canRead(actor, t))
    .sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime())
    .slice(0, 8);
  return rows.map((t) => presentTicket(t, actor));
}

/** Builds the ticket page for a reader; throws 404 when they may not read it. */
export async function ticketPageView(actor: StaffActor, ticketId: string, t: Translate, fmt: Formatter, catalog: PageCatalog): Promise<TicketPageView> {
  const { ticket, events: stored, detail, history } = await ticketDetailAndHistory(actor, ticketId);
  const v = detail.ticket;
  const l = makeLabels(t);
  const [events, member, others] = await Promise.all([
    Promise.resolve(history),
    memberById<{
      name: string;
      email: string;
      memberNumber?: string | null;
      language?: string | null;
      office?: unknown;
      lastBounce?: { at: Date; status: string | null; diagnostic: string | null } | null;
    }>(v.member, { name: 1, email: 1, memberNumber: 1, language: 1, office: 1, lastBounce: 1 }),
    otherTicketsOf(actor, v),
  ]);
  // A member filed for by staff of another office is shown in full only to staff of the member's office.
  const withheld = v.withheldMember !== null && !(member?.office && actor.office && String(member.office) === String(actor.office));
  const names = await nameBook(events.flatMap((e) => [e.to.assignee, e.from?.assignee]));
  // A handoff is read in the thread and under "why is this ticket here"; the trail links to it.
  const trail = events
    .filter(inTrail)
    .map((e) => ({ item: trailItem(e, { t, fmt, labels: l, catalog, names }), e }))
    .map(({ item, e }) => (noteInThread(e) && item.note ? { ...item, note: null, noteHref: `#msg-ev-${e.seq}` } : item));
  const lastMoveEvent = [...events].reverse().find((e) => moveTypes.has(e.type) && !e.fromTicket);
  const lastMove = lastMoveEvent ? trailItem(lastMoveEvent, { t, fmt, labels: l, catalog, names }) : null;
  const allowed = new Set<string>(v.allowedActions);
  const summary = summarize(v, { t, labels: l, catalog });
  const team = summary.team;
  const office = summary.office;
  const holderText = v.assignee ? t('why.held', { name: summary.holder }) : t('why.waiting');
  const whereText = t('why.where', { tier: l.tier(v.tier), team, office });
  // Following, not working: the page says so instead of offering nothing without a word.
  const readOnly = v.readOnly
    ? { text: t(`workflow.read_only.${v.readOnly}`), where: t('workflow.read_only.where', { where: whereText, holder: holderText }) }
    : null;

  // The dialogs name the tiers the commands would send the ticket to: the lifecycle table decides both.
  const targets = await moveTargets(
    { _id: v.id, tier: v.tier, office: v.office, version: v.version },
    { escalate: allowed.has('escalate'), return: allowed.has('return') },
  );
  const toTier = targets.escalate;
  const [escalateTarget, reassign, held] = await Promise.all([
    toTier
      ? teamForTier(new Types.ObjectId(v.office), toTier)
          .then((x) => `${l.tier(toTier)} — ${catalog.teamName(String(x._id)) ?? x.name}`)
          .catch(() => l.tier(toTier))
      : Promise.resolve(null),
    allowed.has('reassign') ? reassignOptions(t, catalog) : Promise.resolve(null),
    heldMailsCiting(numbersCitingHere(v, history)),
  ]);

  return {
    ticket: v,
    summary,
    header: {
      number: v.number,
      subject: shownErasedText(v.subject, t),
      status: v.status,
      statusLabel: l.status(v.status),
      priority: v.priority,
      priorityLabel: l.priority(v.priority),
      category: catalog.categoryLabel(v.category),
      language: v.language.toUpperCase(),
      languageName: l.language(v.language),
      channelLabel: l.channel(v.channel),
      tierShort: l.tierShort(v.tier),
      tierLabel: l.tier(v.tier),
      team,
      office,
      holder: v.assignee ? (v.assigneeName ?? t('common.a_colleague')) : null,
      mine: v.assignee === String(actor.id),
      createdText: fmt.dateTime(v.createdAt),
      createdIso: v.createdAt,
      age: fmt.age(v.createdAt),
      due: namedDue(v, { fmt, t }),
      // Sent back to me by a higher tier: said at the top with its note, as the queue flags it.
      returnedToMe:
        v.returned && v.returned.to === String(actor.id)
          ? { by: t('workflow.returned_flag', { name: v.returned.by }), note: quoted([...events].reverse().find((e) => e.type === 'returned')?.note, t) }
          : null,
    },
    thread: buildThread(detail.messages, events, v.language, { t, fmt, labels: l, catalog, names }),
    messageIds: detail.messages.map((m) => m.id),
    member:
      withheld && v.withheldMember
        ? { name: v.withheldMember.name, email: v.withheldMember.email, memberNumber: null, language: null, office: null, bounce: null, withheld: true }
        : member
          ? {
              name: shownMemberName(member.name, t),
              email: member.email,
              memberNumber: member.memberNumber ?? null,
              language: member.language ? l.language(member.language) : null,
              office: catalog.officeName(member.office ? String(member.office) : null),
              // Mail to this address came back: staff should know before counting on an email answer.
              bounce: member.lastBounce
                ? t('member.bounced', {
                    date: fmt.dateTime(member.lastBounce.at.toISOString()),
                    status: member.lastBounce.status ?? '?',
                    diagnostic: member.lastBounce.diagnostic ?? '',
                  })
                : null,
              withheld: false,
            }
          : null,
    otherTickets: (withheld ? [] : others).map((o) => ({
      href: `/staff/tickets/${o.id}`,
      number: o.number,
      subject: shownErasedText(o.subject, t),
      status: o.status,
      statusLabel: l.status(o.status),
      age: fmt.age(o.createdAt),
    })),
    why: {
      where: whereText,
      holder: holderText,
      lastMove,
      routing: routingSentence(v.routing, t, routingNames(catalog, l)),
      // A ticket routed before the facts were stored: its English sentence, shown as the original record.
      routingOriginal: legacyRoutingRecord(v.routing),
    },
    trail,
    actions: Object.fromEntries(
      ['claim', 'release', 'escalate', 'return', 'resolve', 'reopen', 'reassign', 'update', 'reply', 'note', 'merge', 'link'].map((a) => [a, allowed.has(a)]),
    ),
    relations: relationsView(v, t, l),
    escalateTarget,
    returnTarget: targets.return ? l.tier(targets.return) : null,
    escalateReasons: catalog.reasonCodes.filter((r) => r.appliesTo.includes('escalate')).map(({ value, label }) => ({ value, label })),
    returnReasons: catalog.reasonCodes.filter((r) => r.appliesTo.includes('return')).map(({ value, label }) => ({ value, label })),
    priorityOptions: priorities.map((p) => ({ value: p, label: l.priority(p), selected: p === v.priority })),
    categoryOptions: catalog.categories.map((c) => ({ ...c, selected: c.value === v.category })),
    languageOptions: ticketLanguages.map((code) => ({ value: code, label: l.language(code), selected: code === v.language })),
    reassign,
    composer: { canReply: allowed.has('reply'), canNote: allowed.has('note'), language: v.language },
    // The ticket just read (replayed by loadTicket), not a second read of it.
    sla: await slaPanel(ticket, t, new Date(), stored, catalog.slaName),
    readOnly,
    // Mail that cites this ticket and waits in quarantine: said here, so nobody answers without it; only administrators decide.
    heldMail: held.map((m) => ({
      // The address only: the display name is the sender's to choose ("URGENT call 04…"), not a fact.
      text: t(m.outcome?.relatedTicket === v.number ? 'ticket.held_mail.one' : 'ticket.held_mail.merged', {
        from: (/<([^<>]+)>\s*$/.exec(m.from ?? '')?.[1] ?? m.from) || t('inboundAdmin.no_from'),
        at: fmt.dateTime(m.receivedAt.toISOString()),
        reason: reasonLabel(t, m.outcome?.reason ?? null),
        number: m.outcome?.relatedTicket ?? '',
      }),
      href: mayAdministerInbound(actor) ? `/staff/inbound/${encodeURIComponent(m._id)}` : null,
    })),
    heldMailHint: held.length > 0 && !mayAdministerInbound(actor) ? t('ticket.held_mail.hint') : null,
  };
}
