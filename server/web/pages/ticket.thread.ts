/**
 * The ticket page's thread: the messages, and the moves that carried a note — an escalation's handoff,
 * a return's note, a supervisor's reason, a release's note — at their time, so the conversation reads
 * in order ("what was tried, what is needed" next to the answers it led to). Each message shows the
 * way it really came or went (a staff reply: written in Relais and mailed; a call, a visit), not the
 * ticket's first channel.
 */
import { previewableImage } from '../../attachments/file-types.js';
import { shownErasedText, shownMemberName } from './member-name.js';
import type { Translate } from '../../lib/i18n.js';
import type { EventView, MessageView } from '../../tickets/ticket.presenter.js';
import type { PageCatalog } from './catalog.js';
import { initials, type Formatter } from './format.js';
import { mailProofBadge, type MailProofBadge } from './mail-proof.js';
import type { Labels } from './presenters.js';

export interface ThreadItem {
  id: string;
  kind: 'member' | 'reply' | 'note' | 'system' | 'move';
  kindLabel: string;
  authorName: string;
  initials: string;
  text: string;
  /** A staff reply's HTML (reply markup, allow-listed again when shown); null for the others. */
  html: string | null;
  atIso: string;
  atText: string;
  channelLabel: string;
  lang: string | null;
  /** Its files; `preview` for a photo, shown small above its name. */
  files: Array<{ url: string; name: string; size: string; preview: boolean }>;
  /** Images the message showed inline (`cid:`), through the authorized download route. */
  images: Array<{ url: string; name: string }>;
  /** The email it came in, as received (null when it did not come by mail). */
  originalUrl: string | null;
  quoted: string | null;
  /** Mail only: how it was shown to be its sender's. */
  proof: MailProofBadge | null;
  /** Moves only: what happened ("escalated it to …"), the note's label and the reason code's label. */
  what: string | null;
  noteLabel: string | null;
  reason: string | null;
}

export interface ThreadContext {
  t: Translate;
  fmt: Formatter;
  labels: Labels;
  catalog: PageCatalog;
  /** Staff names by id (the people a move named). */
  names: ReadonlyMap<string, string>;
}

/** An image the message showed in its text (an inline `cid:` part), shown as an image rather than listed. */
const shownInline = (a: { inline: boolean; contentType: string }): boolean => a.inline && previewableImage(a.contentType);

/** The way a message came or went: staff writing in Relais is not the member's web form. */
export function messageChannel(m: Pick<MessageView, 'channel' | 'visibility' | 'author'>, t: Translate, l: Labels, first = true): string {
  if (m.author.kind === 'staff' && m.channel === 'web') return t(m.visibility === 'public' ? 'workflow.channel.staff_reply' : 'workflow.channel.staff_note');
  // A colleague's own mail, kept on the ticket: it came by mail, it was not written in Relais.
  if (m.author.kind === 'staff' && m.channel === 'email') return t('workflow.channel.staff_email');
  // Only the request itself came by the web form: a member's later words on the web were written on their follow-up page.
  if (m.author.kind === 'member' && !m.author.staff && m.channel === 'web' && !first) return t('wording.channel.member_page');
  // A member's words a staff member took down during a call or a visit.
  if (m.author.kind === 'member' && m.author.staff && (m.channel === 'phone' || m.channel === 'visit')) return t(`workflow.channel.${m.channel}`);
  return l.channel(m.channel);
}

function messageItem(m: MessageView, ticketLanguage: string, c: ThreadContext, first: boolean): ThreadItem {
  const { t, fmt, labels: l } = c;
  const kind: ThreadItem['kind'] =
    m.visibility === 'internal' ? 'note' : m.author.kind === 'member' ? 'member' : m.author.kind === 'staff' ? 'reply' : 'system';
  return {
    id: m.id,
    kind,
    kindLabel: t(`thread.kind.${kind}`),
    authorName: m.author.kind === 'member' ? shownMemberName(m.author.name, t) : m.author.name,
    initials: initials(m.author.name),
    text: shownErasedText(m.text, t),
    html: kind === 'reply' ? m.html : null,
    atIso: m.createdAt,
    atText: fmt.dateTime(m.createdAt),
    channelLabel: messageChannel(m, t, l, first),
    // A member writes in the ticket's language; staff notes are in the office's.
    // The member's words in their language; an erasure's neutral text is in the page's.
    lang: kind === 'member' && shownErasedText(m.text, t) === m.text ? ticketLanguage : null,
    quoted: m.quoted,
    files: m.attachments
      .filter((a) => !shownInline(a))
      .map((a) => ({ url: `/api/v1/attachments/${a.id}`, name: a.filename, size: fmt.size(a.size), preview: previewableImage(a.contentType) })),
    images: m.attachments.filter(shownInline).map((a) => ({ url: `/api/v1/attachments/${a.id}`, name: a.filename })),
    proof: m.channel === 'email' ? mailProofBadge(m.mailAuth, t) : null,
    originalUrl: m.original ? `/api/v1/messages/${m.id}/original` : null,
    what: null,
    noteLabel: null,
    reason: null,
  };
}

/** What a returned ticket's escalator outcome means, in a sentence ("why is this ticket here?"). */
export function escalatorSentence(data: Record<string, unknown>, t: Translate): string | null {
  const back = data.escalator as { outcome?: string; name?: string | null } | undefined;
  if (!back?.outcome) return null;
  if (back.outcome === 'inactive' && !back.name) return t('workflow.escalator.inactive_unknown');
  return t(`workflow.escalator.${back.outcome}`, { name: back.name ?? '' });
}

/** Whether a move's note is shown in the thread, as an item of its own (id `ev-<seq>`). */
export function noteInThread(e: Pick<EventView, 'note' | 'type'>): boolean {
  return Boolean(e.note) && ['escalated', 'returned', 'reassigned', 'released'].includes(e.type);
}

/** A move with a note, as a thread item; null for events that are not shown in the thread. */
function moveItem(e: EventView, c: ThreadContext): ThreadItem | null {
  if (!noteInThread(e) || !e.note) return null;
  const { t, labels: l, catalog } = c;
  const team = catalog.teamName(e.to.team) ?? t('common.a_team');
  const person = (id: string | null) => (id ? (c.names.get(id) ?? t('common.a_colleague')) : t('common.nobody'));
  const vars = { actor: e.actor.name, team, tier: l.tier(e.to.tier) };
  let what: string;
  let noteLabel: string;
  let reason: string | null = null;
  switch (e.type) {
    case 'escalated':
      what = t(e.actor.kind === 'system' ? 'workflow.thread.escalated_auto' : 'workflow.thread.escalated', vars);
      noteLabel = t('workflow.thread.handoff');
      reason = catalog.reasonLabel(e.reason);
      break;
    case 'returned': {
      what = e.to.assignee ? t('workflow.thread.returned_to', { ...vars, person: person(e.to.assignee) }) : t('workflow.thread.returned', vars);
      const back = escalatorSentence(e.data, t);
      if (back) what = `${what}. ${back}`;
      noteLabel = t('workflow.thread.return_note');
      reason = catalog.reasonLabel(e.reason);
      break;
    }
    case 'reassigned':
      what = t('workflow.thread.reassigned', { ...vars, target: e.to.assignee ? person(e.to.assignee) : t('workflow.team_target', { team }) });
      noteLabel = t('workflow.thread.reason');
      break;
    default:
      what = t('workflow.thread.released', vars);
      noteLabel = t('trail.note');
  }
  return {
    id: `ev-${e.seq}`,
    kind: 'move',
    kindLabel: t('workflow.thread.kind'),
    authorName: e.actor.name,
    initials: initials(e.actor.name),
    text: e.note,
    html: null,
    atIso: e.at,
    atText: c.fmt.dateTime(e.at),
    channelLabel: '',
    lang: null,
    quoted: null,
    files: [],
    images: [],
    proof: null,
    originalUrl: null,
    what,
    noteLabel,
    reason: reason ? t('workflow.thread.why', { reason }) : null,
  };
}

/** The thread in time order: messages and the notes of moves, each at its time (a message first on a tie). */
export function buildThread(messages: readonly MessageView[], events: readonly EventView[], ticketLanguage: string, c: ThreadContext): ThreadItem[] {
  // The requests themselves: this ticket's first message, and each merged duplicate's (the first it moved).
  const openings = new Set(
    events.flatMap((e) => (e.type === 'merged_in' && Array.isArray(e.data.messages) && e.data.messages.length > 0 ? [String(e.data.messages[0])] : [])),
  );
  const items = [
    ...messages.map((m, i) => ({ at: new Date(m.createdAt).getTime(), order: 0, i, item: messageItem(m, ticketLanguage, c, i === 0 || openings.has(m.id)) })),
    ...events.flatMap((e, i) => {
      const item = moveItem(e, c);
      return item ? [{ at: new Date(e.at).getTime(), order: 1, i, item }] : [];
    }),
  ];
  items.sort((a, b) => a.at - b.at || a.order - b.order || a.i - b.i);
  return items.map((x) => x.item);
}
