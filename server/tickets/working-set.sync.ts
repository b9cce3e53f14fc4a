/**
 * Keeps the working sets of several instances coherent through Redis (the one Socket.io already
 * uses). Each instance publishes `{ origin, seq, ticket, version }` for every commit it makes (seq
 * counts that instance's messages); the others re-read that ticket by `_id`. A gap in an origin's
 * seq (a message lost) or a reconnection to Redis (messages missed meanwhile) makes an instance
 * rebuild its whole working set from the database, so it can be late by a round trip, never wrong
 * for long. The same stream carries `{ origin, seq, member }` when a member's details changed, so the
 * others forget the name and the card they remember (members/member-names.ts, member-cards.ts; every one, on a gap), and
 * `{ origin, seq, staff }` when a staff member's record changed (staff/staff-records.ts, the same way).
 * Without REDIS_URL there is one instance and nothing to do.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { Logger } from '../lib/logger.js';
import { domainEvents } from '../lib/domain-events.js';
import { forgetMemberCard, forgetMemberCards } from '../members/member-cards.js';
import { forgetMemberName, forgetMemberNames } from '../members/member-names.js';
import { forgetStaffRecord, forgetStaffRecords } from '../staff/staff-records.js';
import { applied, observeCommits } from './ticket.journal.js';
import type { WorkingSet } from './working-set.js';

export const workingSetChannel = 'relais:working-set';

/** A ticket's new version (`t`, `v`), a member whose details changed (`m`), or a staff member whose record changed (`p`). */
type News = { o: string; s: number } & ({ t: string; v: number } | { m: string } | { p: string });

const objectId = /^[0-9a-f]{24}$/;

function parse(message: string): News | null {
  try {
    const m = JSON.parse(message) as { o?: unknown; s?: unknown; t?: unknown; v?: unknown; m?: unknown; p?: unknown };
    if (typeof m.o !== 'string' || typeof m.s !== 'number') return null;
    if (typeof m.t === 'string' && objectId.test(m.t) && typeof m.v === 'number') return { o: m.o, s: m.s, t: m.t, v: m.v };
    if (typeof m.m === 'string' && objectId.test(m.m)) return { o: m.o, s: m.s, m: m.m };
    if (typeof m.p === 'string' && objectId.test(m.p)) return { o: m.o, s: m.s, p: m.p };
    return null;
  } catch {
    return null;
  }
}

export interface WorkingSetSync {
  readonly origin: string;
  /** Rebuilds caused by a gap or a reconnection (for tests and logs). */
  readonly resyncs: number;
  close(): Promise<void>;
}

/** Subscribes before returning: call it before the first `rebuild()`, so no news falls between. */
export async function startWorkingSetSync(props: { redisUrl: string; workingSet: WorkingSet; logger: Logger }): Promise<WorkingSetSync> {
  const { workingSet } = props;
  const logger = props.logger.child({ component: 'working-set' });
  const origin = randomBytes(6).toString('hex');
  const pub = createClient({ url: props.redisUrl });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (error: Error) => logger.warn({ error: error.message }, 'working set: Redis connection problem'));
  await Promise.all([pub.connect(), sub.connect()]);
  let seq = 0;
  let resyncs = 0;
  const lastSeen = new Map<string, number>();
  const resync = (why: string) => {
    resyncs += 1;
    lastSeen.clear();
    forgetMemberNames();
    forgetMemberCards();
    forgetStaffRecords();
    logger.info({ why }, 'working set: rebuilding from the database');
    workingSet.rebuild().catch((error: unknown) => logger.error({ err: error }, 'working set: rebuild failed'));
  };

  await sub.subscribe(workingSetChannel, (message) => {
    const news = parse(message);
    if (!news || news.o === origin) return;
    const last = lastSeen.get(news.o);
    lastSeen.set(news.o, news.s);
    if (last !== undefined && news.s !== last + 1) return resync(`gap in the news of instance ${news.o} (${last} → ${news.s})`);
    if ('m' in news) {
      forgetMemberName(news.m);
      return forgetMemberCard(news.m);
    }
    if ('p' in news) return forgetStaffRecord(news.p);
    workingSet.refresh(news.t, news.v).catch((error: unknown) => logger.warn({ err: error, ticket: news.t }, 'working set: could not re-read a ticket'));
  });
  // node-redis resubscribes by itself after a lost connection; what was published meanwhile is lost.
  let connected = true;
  sub.on('end', () => (connected = false));
  sub.on('reconnecting', () => (connected = false));
  sub.on('ready', () => {
    if (!connected) resync('reconnected to Redis');
    connected = true;
  });

  // A commit is announced while it is being applied (ticket.journal.ts): the others re-read the
  // ticket, so they are told once it is applied here, in the order of the commits (a later news
  // overtaking an earlier one would look like a gap).
  let told: Promise<unknown> = Promise.resolve();
  const tell = (news: News, after: () => Promise<unknown> = async () => undefined) => {
    told = told
      .then(after)
      .then(() => pub.publish(workingSetChannel, JSON.stringify(news)))
      .catch((error: unknown) => logger.warn({ err: error }, 'working set: could not tell the other instances'));
  };
  const unobserve = observeCommits((ticket) => tell({ o: origin, s: ++seq, t: String(ticket._id), v: ticket.version }, () => applied(ticket._id)));
  const unsubscribe = domainEvents.subscribe('member.changed', ({ memberId }) => tell({ o: origin, s: ++seq, m: memberId }));
  const unsubscribeStaff = domainEvents.subscribe('staff.changed', ({ staffId }) => tell({ o: origin, s: ++seq, p: staffId }));

  return {
    origin,
    get resyncs() {
      return resyncs;
    },
    async close() {
      unobserve();
      unsubscribe();
      unsubscribeStaff();
      await told; // the news of the commits made so far leaves first
      await Promise.allSettled([sub.close(), pub.close()]);
    },
  };
}
