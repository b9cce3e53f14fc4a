/**
 * The working set (server/tickets/working-set.ts) is a read model: the queues, their counts, the
 * board and the workload figures are computed from it instead of the database. Property: after any
 * sequence of commands by several people — some of them at the same moment, with a restart in the
 * middle that leaves an event journaled but not applied — the working set holds exactly the tickets
 * the database says are working, at their current version, and every person's queue computed from
 * it equals the same queue asked of the database.
 */
import { filterStatuses, parseQueueQuery, queueCounts } from '../../server/web/pages/queue.query.js';
import { expect } from 'chai';
import fc from 'fast-check';
import type { StaffActor } from '../../server/auth/actor.js';
import { ConflictError } from '../../server/lib/errors.js';
import { claimTicket, releaseTicket, reopenTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket, returnTicket } from '../../server/tickets/ticket.moves.js';
import { actorRef, loadTicket } from '../../server/tickets/ticket.journal.js';
import { TicketEventModel, eventId } from '../../server/tickets/ticket-event.model.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { canRead, inWorkScope } from '../../server/tickets/ticket.policy.js';
import { handedOnBy } from '../../server/tickets/ticket.workers.js';
import { heldCounts, listTickets } from '../../server/tickets/ticket-list.queries.js';
import { openStatuses } from '../../server/lib/ticket.vocabulary.js';
import { isWorking, workingSet } from '../../server/tickets/working-set.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

type Step =
  | { kind: 'create' }
  | { kind: 'act'; who: number; what: 'claim' | 'release' | 'reply' | 'escalate' | 'return' | 'resolve' | 'reopen'; ticket: number }
  | { kind: 'race'; who: [number, number]; ticket: number }
  | { kind: 'restart'; halfDone: number };

const actions = ['claim', 'release', 'reply', 'escalate', 'return', 'resolve', 'reopen'] as const;

const inQueueOrder = (a: Ticket, b: Ticket): number =>
  new Date(a.dueAt).getTime() - new Date(b.dueAt).getTime() ||
  new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime() ||
  String(a._id).localeCompare(String(b._id));

describe('working set: always equal to the truth in the database', function () {
  this.timeout(600_000);
  useTestDatabase();
  let org: Org;
  let people: StaffActor[];

  before(async () => {
    org = await buildOrg();
    people = [org.staff.advisorLiege, org.staff.advisorLiege2, org.staff.support, org.staff.administrative, org.staff.supervisorLiege];
  });

  async function act(actor: StaffActor, what: (typeof actions)[number], id: string): Promise<void> {
    const ticket = await loadTicket(id);
    if (!ticket) return;
    const base = { actor, ticketId: id, version: ticket.version };
    try {
      if (what === 'claim') await claimTicket(base);
      else if (what === 'release') await releaseTicket(base);
      else if (what === 'reply') await replyToTicket({ ...base, text: 'Bonjour, voici la réponse.' });
      else if (what === 'escalate') await escalateTicket({ ...base, reason: 'payroll_correction', handoff: 'Vérifié le dossier; il faut le soutien.' });
      else if (what === 'return') await returnTicket({ ...base, note: 'Fait de notre côté.' });
      else if (what === 'resolve') await resolveTicket(base);
      else await reopenTicket(base);
    } catch (error) {
      // Refusals (not allowed, not now, someone was first) are part of the game.
      if (!(error instanceof ConflictError) && !['ForbiddenError', 'NotFoundError', 'BadRequestError'].includes((error as Error).name)) throw error;
    }
  }

  /** A crash after step 1 of a commit: the event is journaled, the ticket not yet written. */
  async function journalWithoutApplying(id: string): Promise<void> {
    const ticket = await loadTicket(id);
    if (!ticket || ticket.status !== 'resolved') return;
    const seq = ticket.version + 1;
    const patch = { status: 'open', resolvedAt: null, version: seq, updatedAt: new Date() };
    await TicketEventModel.collection.insertOne({
      _id: eventId(ticket._id, seq),
      ticket: ticket._id,
      seq,
      type: 'reopened',
      actor: actorRef(org.staff.advisorLiege),
      at: new Date(),
      from: null,
      to: { tier: ticket.tier, team: ticket.team, office: ticket.office, assignee: ticket.assignee, status: 'open' },
      reason: null,
      note: 'crash test',
      data: {},
      patch,
      writes: [],
    } as never);
  }

  // Who worked on it and the "returned to you" flag are read models too (the policy and the queues read them).
  const brief = (t: Ticket) =>
    `${String(t._id)}@${t.version}:${t.status}:${String(t.assignee)}:${t.tier}:${(t.workers ?? []).map(String).join('+')}:${String(t.returned?.to ?? null)}`;

  async function checkAgainstTruth(): Promise<void> {
    // The truth: every ticket, with any journaled-but-unapplied event replayed (loadTicket).
    const truth: Ticket[] = [];
    for (const { _id } of await TicketModel.find({}, { _id: 1 }).lean()) {
      const t = await loadTicket(_id);
      if (t) truth.push(t);
    }
    const expected = truth
      .filter((t) => isWorking(t))
      .map(brief)
      .sort();
    const actual = (await workingSet.all()).map(brief).sort();
    expect(actual).to.deep.equal(expected);
    // The open work by tier (the board reads tiers 2 and 3 only): each bucket holds exactly its tickets.
    const openOf = (tiers: number[]) =>
      truth
        .filter((t) => (openStatuses as readonly string[]).includes(t.status) && tiers.includes(t.tier))
        .map(brief)
        .sort();
    for (const tiers of [[1], [2], [3], [2, 3], [1, 2, 3]])
      expect((await workingSet.select({ openOnly: true, tiers })).map(brief).sort(), `open work of tiers ${tiers.join(',')}`).to.deep.equal(openOf(tiers));
    for (const person of people) {
      const mine = (await listTickets(person, { limit: 200 })).tickets.map((t) => t.id);
      const fromDb = truth
        .filter((t) => (openStatuses as readonly string[]).includes(t.status) && inWorkScope(person, t))
        .sort(inQueueOrder)
        .map((t) => String(t._id));
      expect(mine, `queue of ${person.name}`).to.deep.equal(fromDb);
      // "Mine" reads only what the person holds (the holder's place), open or resolved.
      for (const status of [undefined, ['resolved']]) {
        const held = (await listTickets(person, { limit: 200, assignee: 'me', ...(status ? { status } : {}) })).tickets.map((t) => t.id);
        const heldFromDb = truth
          .filter((t) => isWorking(t) && (status ?? (openStatuses as readonly string[])).includes(t.status) && String(t.assignee) === String(person.id))
          .sort(inQueueOrder)
          .map((t) => String(t._id));
        expect(held, `tickets ${person.name} holds (${status?.join() ?? 'open'})`).to.deep.equal(heldFromDb);
      }
      // "Tickets I handed on": worked on, not held, readable.
      const handed = (await listTickets(person, { limit: 200, handedOn: true })).tickets.map((t) => t.id);
      const handedFromDb = truth
        .filter((t) => (openStatuses as readonly string[]).includes(t.status) && handedOnBy(person.id, t) && canRead(person, t))
        .sort(inQueueOrder)
        .map((t) => String(t._id));
      expect(handed, `handed on by ${person.name}`).to.deep.equal(handedFromDb);
    }
    // The queue's faceted counts: each value's count is the rows passing every other filter and that value.
    for (const person of people) {
      for (const raw of [{}, { view: 'mine', language: 'fr' }, { view: 'unassigned', status: 'resolved' }, { view: 'handed' }]) {
        const q = parseQueueQuery(raw, person);
        const keys = { categories: ['invoices', 'contracts'], offices: [String(org.offices.liege), String(org.offices.charleroi)] };
        const { counts, total } = await queueCounts(person, q, keys);
        const handedOn = (t: Ticket) => handedOnBy(person.id, t) && canRead(person, t);
        const rows = truth.filter(
          (t) => isWorking(t) && (inWorkScope(person, t) || handedOn(t)) && [...filterStatuses, ...(q.status ? [q.status] : [])].includes(t.status),
        );
        const me = String(person.id);
        const pass: Record<string, (t: Ticket, v: string | undefined) => boolean> = {
          view: (t, v) =>
            v === 'handed' ? handedOn(t) : inWorkScope(person, t) && (v === 'mine' ? String(t.assignee) === me : v === 'unassigned' ? !t.assignee : true),
          status: (t, v) => (v ? t.status === v : (openStatuses as readonly string[]).includes(t.status)),
          language: (t, v) => !v || t.language === v,
          // `-`: no category (queue.query.ts `noCategory`).
          category: (t, v) => !v || (v === '-' ? !t.category : t.category === v),
          office: (t, v) => !v || String(t.office) === v,
        };
        const current: Record<string, string | undefined> = { view: q.view, status: q.status, language: q.language, category: q.category, office: q.office };
        const others = (t: Ticket, skip: string | null) =>
          Object.keys(pass).every((f) => f === skip || (pass[f] as (t: Ticket, v: string | undefined) => boolean)(t, current[f]));
        expect(total, `total for ${person.name}`).to.equal(rows.filter((t) => others(t, null)).length);
        for (const [key, n] of Object.entries(counts)) {
          const [facet = '', value = ''] = key.split(':');
          expect(n, `${key} for ${person.name}`).to.equal(
            rows.filter((t) => others(t, facet) && (pass[facet] as (t: Ticket, v: string | undefined) => boolean)(t, value || undefined)).length,
          );
        }
      }
    }
    const held = await heldCounts(people.map((p) => p.id));
    for (const person of people) {
      const count = truth.filter((t) => (openStatuses as readonly string[]).includes(t.status) && String(t.assignee) === String(person.id)).length;
      expect(held.get(String(person.id)) ?? 0, `load of ${person.name}`).to.equal(count);
    }
  }

  it('after random commands from several people, races and a restart', async () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 2, arbitrary: fc.constant({ kind: 'create' as const }) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('act' as const), who: fc.nat(4), what: fc.constantFrom(...actions), ticket: fc.nat(20) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('race' as const), who: fc.tuple(fc.nat(4), fc.nat(4)), ticket: fc.nat(20) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), halfDone: fc.nat(20) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const ids: string[] = [String((await buildTicket(org))._id)];
        for (const s of steps) {
          const pick = (n: number) => ids[n % ids.length] as string;
          if (s.kind === 'create') ids.push(String((await buildTicket(org, { subject: `Demande ${ids.length}` }))._id));
          else if (s.kind === 'act') await act(people[s.who] as StaffActor, s.what, pick(s.ticket));
          else if (s.kind === 'race')
            await Promise.all([act(people[s.who[0]] as StaffActor, 'claim', pick(s.ticket)), act(people[s.who[1]] as StaffActor, 'claim', pick(s.ticket))]);
          else {
            // A stop with a half-done commit, then a new process: the working set is read again.
            await journalWithoutApplying(pick(s.halfDone));
            workingSet.reset();
          }
        }
        await checkAgainstTruth();
      }),
      { numRuns: 12 },
    );
  });
});
