/**
 * The backlog: a stock, not a cohort — the tickets open at an instant whatever their creation date,
 * with where each was then (from its journal events).
 */
import { currentPlace, type ReportEvent, type ReportPlace, type ReportTicket } from './facts.js';
import { isOpenStatus } from '../lib/ticket.vocabulary.js';

export interface BacklogItem {
  id: string;
  place: ReportPlace;
}

/**
 * Where a ticket was at instant `at`: the `to` of its last event at or before it.
 * Without events, its current place (the caller knows nothing changed since).
 * null when it did not exist yet.
 */
export function placeAt(ticket: ReportTicket, events: readonly ReportEvent[] | undefined, at: Date): ReportPlace | null {
  if (ticket.createdAt.getTime() > at.getTime()) return null;
  if (!events || events.length === 0) return currentPlace(ticket);
  let place: ReportPlace | null = null;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.at.getTime() > at.getTime()) break;
    place = e.to;
  }
  return place;
}

/** The tickets open (new, open or waiting on the member) at instant `at`, with where they were. */
export function backlogAt(tickets: readonly ReportTicket[], eventsOf: (id: string) => readonly ReportEvent[] | undefined, at: Date): BacklogItem[] {
  const items: BacklogItem[] = [];
  for (const t of tickets) {
    const place = placeAt(t, eventsOf(t.id), at);
    if (place && isOpenStatus(place.status)) items.push({ id: t.id, place });
  }
  return items;
}
