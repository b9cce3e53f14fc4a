/**
 * What a socket message shows of a ticket: the ticket presenter's output without
 * `allowedActions`, because one message goes to everyone in a room and what each
 * person may do differs (the detail page asks HTTP for its own view).
 */
import { systemActor } from '../auth/actor.js';
import { StaffModel } from '../staff/staff.model.js';
import type { Ticket } from '../tickets/ticket.model.js';
import { presentTicket, type NameBook, type TicketView } from '../tickets/ticket.presenter.js';
import { nameBook } from '../tickets/ticket.queries.js';

export type StreamTicketView = Omit<TicketView, 'allowedActions' | 'readOnly'>;

/** The viewer-neutral ticket view, built by the same presenter as HTTP so the two never drift. */
export function presentStreamTicket(ticket: Ticket, names: NameBook): StreamTicketView {
  const { allowedActions: _perViewer, readOnly: _alsoPerViewer, ...view } = presentTicket(ticket, systemActor, names);
  return view;
}

export interface NameSource {
  /** The names of a ticket's team, office and holder. */
  forTicket(ticket: Pick<Ticket, 'team' | 'office' | 'assignee'>): Promise<NameBook>;
}

/**
 * Every published update needs team, office and holder names. They are few and rarely
 * change, so they are kept for `ttlMs` instead of read on every update (a rename shows
 * within that time; a team or office not in the book yet is read at once): `nameBook()`
 * for teams and offices, and one `_id` lookup per holder
 * not seen lately (the only filter FerretDB's SQLite storage pushes down, where
 * `nameBook`'s `$in` would read the whole staff collection).
 */
export function cachedNames(ttlMs = 30_000): NameSource {
  const places = ttlCache<NameBook>(ttlMs);
  const people = ttlCache<string | null>(ttlMs);
  return {
    async forTicket(ticket) {
      const id = ticket.assignee ? String(ticket.assignee) : null;
      const placesOf = (force: boolean) => places('teams and offices', () => nameBook(), force);
      const [cachedBook, name] = await Promise.all([
        placesOf(false),
        id ? people(id, async () => (await StaffModel.findById(id, { name: 1 }).lean())?.name ?? null) : null,
      ]);
      const book = cachedBook.has(String(ticket.team)) && cachedBook.has(String(ticket.office)) ? cachedBook : await placesOf(true);
      if (!id || name === null) return book;
      return new Map(book).set(id, name);
    },
  };
}

/** Keeps each key's promise for `ttlMs`; a rejected one is forgotten, so the next call reads again. */
function ttlCache<T>(ttlMs: number): (key: string, read: () => Promise<T>, force?: boolean) => Promise<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key, read, force = false) => {
    const hit = entries.get(key);
    if (hit && !force && Date.now() - hit.at <= ttlMs) return hit.value;
    const value = read();
    entries.set(key, { at: Date.now(), value });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
