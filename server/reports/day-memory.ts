/**
 * The report days an instance keeps decoded (day-facts.ts), least recently used first out. Bounded by
 * the tickets they hold, not by days (a day of four offices holds about 70 at Smart's volume, a day of
 * ten offices fewer each): 40,000 tickets is about two months of every office at 100,000 tickets a
 * year twice over, some 40 MB. A day is taken out while it is folded (`take`), so a fold that fails
 * half-way leaves nothing half-changed behind, and put back when done (`keep`).
 */
export class DayMemory<T> {
  private readonly days = new Map<string, T>();
  private tickets = 0;

  constructor(
    private readonly sizeOf: (day: T) => number,
    private readonly maxTickets = 40_000,
  ) {}

  /** The day, taken out (null when not kept). */
  take(id: string): T | undefined {
    const day = this.days.get(id);
    if (day !== undefined) {
      this.days.delete(id);
      this.tickets -= this.sizeOf(day);
    }
    return day;
  }

  /** Keeps a day as the most recently used; forgets the least recently used beyond the bound. */
  keep(id: string, day: T): void {
    this.take(id);
    this.days.set(id, day);
    this.tickets += this.sizeOf(day);
    for (const oldest of this.days.keys()) {
      if (this.tickets <= this.maxTickets || oldest === id) break;
      this.take(oldest);
    }
  }

  /** Whether more can be kept without forgetting any. */
  hasRoom(): boolean {
    return this.tickets < this.maxTickets;
  }

  clear(): void {
    this.days.clear();
    this.tickets = 0;
  }
}
