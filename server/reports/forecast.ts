/**
 * The breach forecast on the supervisor board: for each queue a supervisor watches
 * (their office's tier 1, and tiers 2 and 3, which serve every office), how many
 * deadlines are expected to be missed in the next four hours, and the tickets most
 * at risk. The model is deliberately simple, and the board explains it:
 *
 *  - the work: tickets waiting in the queue (new or open, nobody holds them);
 *  - the people: staff of the queue's teams connected right now (unknown without the live layer);
 *  - their pace: replies and resolutions per person per business hour, over the past two weeks;
 *  - capacity in each coming hour = people × pace × the share of that hour the office is open;
 *  - the waiting tickets are taken in order of deadline (then age); a ticket whose
 *    deadline falls in the next four hours before the capacity reaches it is an expected breach;
 *  - expected arrivals: the average for that weekday and hour over the past four weeks
 *    (new tickets for tier 1, escalations for tiers 2 and 3); shown for the queue's
 *    size, they do not delay the waiting tickets, whose deadlines come first.
 *
 * `forecastQueue` is pure (test/unit/reports.forecast.test.ts); forecast.board.ts reads the data.
 */
export const horizonHours = 4;
const HOUR = 3_600_000;

export interface WaitingTicket {
  id: string;
  /** null: no deadline. */
  dueAt: Date | null;
  createdAt: Date;
  answered: boolean;
}

export interface QueueInput {
  now: Date;
  waiting: readonly WaitingTicket[];
  /** Expected arrivals in each of the next hours. */
  arrivals: readonly number[];
  /** Business minutes in each of the next hours (0 when closed). */
  openMinutes: readonly number[];
  /** Staff of the queue connected now; null when unknown. */
  online: number | null;
  /** Replies and resolutions per person per business hour; null without history. */
  throughput: number | null;
}

export interface QueueForecast {
  waiting: number;
  arrivals: number;
  /** Tickets the people online can handle within the horizon; null when unknown. */
  capacity: number | null;
  /** Deadlines already passed. */
  overdue: number;
  /** Deadlines falling within the horizon. */
  dueSoon: number;
  /** Of those, how many capacity will not reach in time; null when capacity is unknown. */
  expectedBreaches: number | null;
  /** When each waiting ticket is expected to be taken (null: not within the horizon, or unknown). */
  handledAt: Map<string, Date | null>;
  /** Waiting tickets plus arrivals minus capacity at the end of the horizon; null when unknown. */
  queueAtHorizon: number | null;
}

/** Deadlines first (earliest first), then the oldest: the order the model assumes work is taken in. */
export function workOrder(tickets: readonly WaitingTicket[]): WaitingTicket[] {
  return [...tickets].sort((a, b) => {
    if (a.dueAt && b.dueAt) return a.dueAt.getTime() - b.dueAt.getTime();
    if (a.dueAt || b.dueAt) return a.dueAt ? -1 : 1;
    if (a.answered !== b.answered) return a.answered ? 1 : -1;
    return a.createdAt.getTime() - b.createdAt.getTime();
  });
}

export function forecastQueue(input: QueueInput): QueueForecast {
  const now = input.now.getTime();
  const end = now + horizonHours * HOUR;
  const ordered = workOrder(input.waiting);
  const known = input.online !== null && input.throughput !== null;
  // Capacity per coming hour, and when each ticket (in order) is reached.
  const perHour = Array.from({ length: horizonHours }, (_, i) =>
    known ? (input.online ?? 0) * (input.throughput ?? 0) * ((input.openMinutes[i] ?? 0) / 60) : 0,
  );
  const handledAt = new Map<string, Date | null>();
  let before = 0;
  let slot = 0;
  ordered.forEach((ticket, index) => {
    const needed = index + 1;
    if (!known) {
      handledAt.set(ticket.id, null);
      return;
    }
    while (slot < horizonHours && before + (perHour[slot] ?? 0) < needed) {
      before += perHour[slot] ?? 0;
      slot += 1;
    }
    if (slot >= horizonHours) {
      handledAt.set(ticket.id, null);
      return;
    }
    const fraction = (needed - before) / (perHour[slot] ?? 1);
    handledAt.set(ticket.id, new Date(now + (slot + fraction) * HOUR));
  });
  const capacity = known ? perHour.reduce((a, b) => a + b, 0) : null;
  const due = ordered.filter((t) => t.dueAt !== null);
  const soon = due.filter((t) => (t.dueAt?.getTime() ?? 0) >= now && (t.dueAt?.getTime() ?? 0) <= end);
  const breaches = soon.filter((t) => {
    const at = handledAt.get(t.id);
    return !at || at.getTime() > (t.dueAt?.getTime() ?? 0);
  });
  const arrivals = input.arrivals.slice(0, horizonHours).reduce((a, b) => a + b, 0);
  return {
    waiting: ordered.length,
    arrivals,
    capacity,
    overdue: due.filter((t) => (t.dueAt?.getTime() ?? 0) < now).length,
    dueSoon: soon.length,
    expectedBreaches: known ? breaches.length : null,
    handledAt,
    queueAtHorizon: capacity === null ? null : Math.max(0, ordered.length + arrivals - capacity),
  };
}

/** Average arrivals per weekday (1–7) and hour (0–23) over `weeks` weeks of history. */
export function arrivalProfile(times: readonly { weekday: number; hour: number }[], weeks: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of times) counts.set(`${t.weekday}:${t.hour}`, (counts.get(`${t.weekday}:${t.hour}`) ?? 0) + 1);
  for (const [key, n] of counts) counts.set(key, n / weeks);
  return counts;
}

/** Replies and resolutions per person per business hour: handled / (people × business hours). */
export function throughputOf(handled: number, people: number, businessHours: number): number | null {
  return people > 0 && businessHours > 0 ? handled / (people * businessHours) : null;
}
