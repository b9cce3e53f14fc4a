/**
 * Sequence numbers per stream room. Every message to a room takes the room's next
 * number, so a client that sees anything but "last + 1" knows it missed (or may
 * have missed) something and refetches a snapshot. With several instances the
 * numbers live in Redis (`INCR`), so every instance numbers a room the same way.
 */
import type { RedisClientType } from 'redis';

export interface Sequencer {
  /** Takes the next number of each room (one round trip with Redis). */
  next(rooms: readonly string[]): Promise<Record<string, number>>;
  /** The last number given in each room (0 when none yet). */
  current(rooms: readonly string[]): Promise<Record<string, number>>;
}

/** One process: a map. Numbers restart at 0 with the process, whose sockets reconnect and resync anyway. */
export function memorySequencer(): Sequencer {
  const last = new Map<string, number>();
  return {
    next: (rooms) => {
      const out: Record<string, number> = {};
      for (const room of rooms) {
        const n = (last.get(room) ?? 0) + 1;
        last.set(room, n);
        out[room] = n;
      }
      return Promise.resolve(out);
    },
    current: (rooms) => Promise.resolve(Object.fromEntries(rooms.map((room) => [room, last.get(room) ?? 0]))),
  };
}

// `redis` v6's client type carries its module and RESP generics; this is the shape used here.
type Client = Pick<RedisClientType, 'multi' | 'mGet'>;

const keyPrefix = 'relais:realtime:seq:';

/**
 * Several instances: `INCR` per room in one MULTI, `MGET` to read. Replies come back
 * in the order the commands were sent, so on one instance numbers are emitted in
 * the order they were taken (see publisher.ts).
 */
export function redisSequencer(client: Client): Sequencer {
  return {
    async next(rooms) {
      if (rooms.length === 0) return {};
      const multi = client.multi();
      for (const room of rooms) multi.incr(keyPrefix + room);
      const replies: unknown[] = await multi.exec();
      return Object.fromEntries(rooms.map((room, i) => [room, Number(replies[i])]));
    },
    async current(rooms) {
      if (rooms.length === 0) return {};
      const values = await client.mGet(rooms.map((room) => keyPrefix + room));
      return Object.fromEntries(rooms.map((room, i) => [room, Number(values[i] ?? 0)]));
    },
  };
}
