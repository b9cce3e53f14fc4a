/**
 * The ticket page's related tickets and merges: the banner of a merged duplicate (a link to the ticket
 * that stays), the duplicates merged into this one, the closed-as-spam notice, the list of related
 * tickets with their status, and the trail's sentences for these events (a duplicate's events shown
 * with the ticket it joined say which ticket they come from).
 */
import type { Translate } from '../../lib/i18n.js';
import type { EventView, TicketView } from '../../tickets/ticket.presenter.js';
import type { Labels } from './presenters.js';
import { shownErasedText } from './member-name.js';

export const relationTrailTypes = ['merged', 'merged_in', 'marked_spam', 'linked', 'unlinked'] as const;

export interface RelationsView {
  merged: { href: string; text: string; number: string } | null;
  mergedFrom: { href: string; number: string }[];
  spam: boolean;
  links: { href: string; id: string; number: string; subject: string | null; statusLabel: string | null; status: string | null; removeLabel: string }[];
  canLink: boolean;
}

/** The trail's sentence for a merge, spam or link event; null for other events. */
export function relationTrailText(e: EventView, t: Translate): string | null {
  const actor = e.actor.name;
  const number = String(e.data.intoNumber ?? e.data.sourceNumber ?? e.data.otherNumber ?? '');
  switch (e.type) {
    case 'merged':
    case 'merged_in':
    case 'linked':
    case 'unlinked':
      return t(`bulk.trail.${e.type}`, { actor, number });
    case 'marked_spam':
      return typeof e.data.blocked === 'string'
        ? t('bulk.trail.marked_spam_blocked', { actor, address: e.data.blocked })
        : t('bulk.trail.marked_spam', { actor });
    default:
      return null;
  }
}

/**
 * The numbers a mail waiting in quarantine may cite and still be about this ticket: its own, the last
 * few duplicates merged straight into it, then those merged into them (their events are in `history`).
 */
export function numbersCitingHere(v: Pick<TicketView, 'number' | 'mergedFrom'>, history: readonly EventView[]): string[] {
  const deeper = history.flatMap((e) => (e.fromTicket ? [e.fromTicket] : []));
  return [...new Set([v.number, ...v.mergedFrom.slice(-5).map((m) => m.number), ...deeper])].slice(0, 8);
}

/** A duplicate's event, shown with the ticket it was merged into: prefixed with the duplicate's number. */
export function fromTicketText(e: EventView, text: string, t: Translate): string {
  return e.fromTicket ? t('bulk.trail.from', { number: e.fromTicket, text }) : text;
}

export function relationsView(v: TicketView, t: Translate, l: Labels): RelationsView {
  return {
    merged: v.merged ? { href: `/staff/tickets/${v.merged.id}`, text: t('bulk.banner.merged', { number: v.merged.number }), number: v.merged.number } : null,
    mergedFrom: v.mergedFrom.map((m) => ({ href: `/staff/tickets/${m.id}`, number: m.number })),
    spam: v.spam,
    links: (v.links ?? []).map((x) => ({
      href: `/staff/tickets/${x.id}`,
      id: x.id,
      number: x.number,
      subject: x.subject === null ? null : shownErasedText(x.subject, t),
      status: x.status,
      statusLabel: x.status ? l.status(x.status) : null,
      removeLabel: t('bulk.link.remove', { number: x.number }),
    })),
    canLink: v.allowedActions.includes('link'),
  };
}
