/**
 * Reports read the tickets of their period from the day documents (server/reports/day-facts.ts),
 * which are stored by the reports themselves and kept up to date from the day keys. Property: after
 * any sequence of staff and member commands on tickets created over several days and in two offices
 * — reports computed (and day documents stored) in between, tickets changed after their day was
 * stored (rated, noted, closed, reopened, moved), and restarts that leave a change journaled but not
 * applied — every report, for every reader, equals the same report computed from scratch (the day
 * keys, then each ticket read by `_id`).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { MemberActor, StaffActor } from '../../server/auth/actor.js';
import { ConflictError } from '../../server/lib/errors.js';
import { byOffice, byPeriod, byPlacement } from '../../server/reports/compute.js';
import { forgetReportDays, ReportDayModel, noteChangeOfDoneTicket } from '../../server/reports/day-facts.js';
import { loadReports, type ReportDataset } from '../../server/reports/load.js';
import { parseFilters, periodBuckets, type ReportFilters } from '../../server/reports/period.js';
import { memberClose, memberReply, rateTicket } from '../../server/tickets/member.commands.js';
import { addNote, claimTicket, reopenTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket, reassignTicket, returnTicket } from '../../server/tickets/ticket.moves.js';
import { actorRef, loadTicket, placementOf, trailEntry, type CommitInput } from '../../server/tickets/ticket.journal.js';
import { TicketEventModel, eventId, type TicketEvent } from '../../server/tickets/ticket-event.model.js';
import { dayOf, resetTicketKeyCaches } from '../../server/tickets/ticket.keys.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { isDoneStatus } from '../../server/lib/ticket.vocabulary.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

const zone = 'Europe/Brussels';
const hour = 3600 * 1000;
const staffActions = ['claim', 'reply', 'escalate', 'return', 'resolve', 'reopen', 'note', 'move'] as const;
const memberActions = ['rate', 'close', 'answer'] as const;

type Step =
  | { kind: 'create'; hoursAgo: number; charleroi: boolean }
  | { kind: 'staff'; what: (typeof staffActions)[number]; ticket: number }
  | { kind: 'member'; what: (typeof memberActions)[number]; ticket: number; score: number }
  | { kind: 'report' }
  | { kind: 'restart'; halfDone: number };

describe('report day documents: always the same report as from scratch', function () {
  this.timeout(600_000);
  useTestDatabase();
  let org: Org;

  before(async () => {
    org = await buildOrg();
  });

  const staffFor = (t: Ticket): StaffActor => {
    if (t.tier === 2) return org.staff.support;
    if (t.tier === 3) return org.staff.administrative;
    return String(t.office) === String(org.offices.charleroi) ? org.staff.advisorCharleroi : org.staff.advisorLiege;
  };
  const memberOf = (t: Ticket): MemberActor => ({ kind: 'member', id: t.member, name: 'Claire Martin', email: 'claire@example.be' });

  async function refusalsAllowed(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      // Refusals (not allowed, not now, someone was first) are part of the game.
      if (!(error instanceof ConflictError) && !['ForbiddenError', 'NotFoundError', 'BadRequestError'].includes((error as Error).name)) throw error;
    }
  }

  async function staffAct(what: (typeof staffActions)[number], id: string): Promise<void> {
    const t = await loadTicket(id);
    if (!t) return;
    const base = { actor: staffFor(t), ticketId: id, version: t.version };
    const supervisor = String(t.office) === String(org.offices.charleroi) ? org.staff.supervisorCharleroi : org.staff.supervisorLiege;
    await refusalsAllowed(async () => {
      if (what === 'claim') await claimTicket(base);
      else if (what === 'reply') await replyToTicket({ ...base, text: 'Bonjour, voici la réponse.' });
      else if (what === 'escalate') await escalateTicket({ ...base, reason: 'payroll_correction', handoff: 'Vérifié le dossier; il faut le soutien.' });
      else if (what === 'return') await returnTicket({ ...base, note: 'Fait de notre côté.' });
      else if (what === 'resolve') await resolveTicket(base);
      else if (what === 'reopen') await reopenTicket({ ...base, actor: supervisor });
      else if (what === 'note') await addNote({ ...base, actor: supervisor, text: 'Vu en réunion.' });
      else {
        // To the other office's tier 1: the ticket changes office (and day document).
        const team = String(t.office) === String(org.offices.liege) ? org.teams.charleroi : org.teams.liege;
        await reassignTicket({ ...base, actor: supervisor, team: String(team), reason: 'Mauvaise agence' });
      }
    });
  }

  async function memberAct(what: (typeof memberActions)[number], id: string, score: number): Promise<void> {
    const t = await loadTicket(id);
    if (!t) return;
    const actor = memberOf(t);
    await refusalsAllowed(async () => {
      if (what === 'rate') await rateTicket({ actor, ticketId: id, score });
      else if (what === 'close') await memberClose({ actor, ticketId: id });
      else await memberReply({ actor, ticketId: id, text: 'Merci, mais ce n’est pas réglé.', channel: 'web' });
    });
  }

  /**
   * A crash after step 1 of a commit: what `commit()` does before the event (the enrichers, so the
   * day's change key too), then the event — and nothing of the ticket. A done ticket is rated (or
   * reopened once rated); an open one resolved.
   */
  async function journalWithoutApplying(id: string): Promise<void> {
    const ticket = await loadTicket(id);
    if (!ticket) return;
    const at = new Date();
    const done = isDoneStatus(ticket.status);
    const type = done ? (ticket.rating ? 'reopened' : 'rated') : 'resolved';
    const rating = { score: 2, comment: null, at, tier: ticket.tier, team: ticket.team, office: ticket.office, resolvedBy: null };
    const change: Partial<Ticket> =
      type === 'rated' ? { rating } : type === 'reopened' ? { status: 'open', resolvedAt: null, closedAt: null } : { status: 'resolved', resolvedAt: at };
    const actor = type === 'rated' ? memberOf(ticket) : staffFor(ticket);
    const input: CommitInput = type === 'rated' ? { ticket, type, actor, patch: change, at, data: { score: 2 } } : { ticket, type, actor, patch: change, at };
    await noteChangeOfDoneTicket(input);
    const seq = ticket.version + 1;
    const after = { ...ticket, ...change } as Ticket;
    const event = {
      _id: eventId(ticket._id, seq),
      ticket: ticket._id,
      seq,
      type,
      actor: actorRef(actor),
      at,
      from: placementOf(ticket),
      to: placementOf(after),
      reason: null,
      note: 'crash test',
      data: type === 'rated' ? { score: 2 } : {},
      patch: {},
      writes: [],
    } as unknown as TicketEvent;
    event.patch = { ...change, version: seq, updatedAt: at, trail: [...(ticket.trail ?? []), trailEntry(event)] };
    await TicketEventModel.collection.insertOne(event as never);
  }

  /** A new process: nothing in memory (the working set is read again from its hints). */
  function restart(): void {
    workingSet.reset();
    resetTicketKeyCaches();
    forgetReportDays();
  }

  function filters(query: Record<string, string>): ReportFilters {
    const f = parseFilters(query, new Date(), zone);
    if (!('period' in f)) throw new Error('filters refused');
    return f;
  }

  /** Everything a report shows, from one dataset: its tickets' facts in order, the tables, the backlog. */
  function figures(d: ReportDataset, f: ReportFilters): string {
    return JSON.stringify({
      facts: d.facts.map((x) => ({ ...x, ticket: x.ticket.id, tierHours: [...x.tierHours], teamHours: [...x.teamHours] })),
      offices: byOffice(d.facts, d.backlog),
      tiers: byPlacement(d.facts, d.backlog, 'tier'),
      teams: byPlacement(d.facts, d.backlog, 'team'),
      periods: byPeriod(d.facts, periodBuckets(f.period, zone).buckets),
      backlog: d.backlog,
      backlogAt: d.backlogAt,
      truncated: d.truncated,
    });
  }

  /** The reports of every reader, from the day documents (they may store or update them). */
  async function reportsFromDays(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const [name, actor, list] of views()) {
      const now = new Date(); // the same instant for the report from scratch
      const data = await loadReports(actor, list, now);
      out.set(name, JSON.stringify({ now, sides: data.map((d, i) => figures(d, list[i] as ReportFilters)) }));
    }
    return out;
  }

  function views(): Array<[string, StaffActor, ReportFilters[]]> {
    const liege = String(org.offices.liege);
    const charleroi = String(org.offices.charleroi);
    const month = filters({ preset: '30d' });
    return [
      ['administrator, every office', org.staff.administrator, [month]],
      ['supervisor Liège, every office', org.staff.supervisorLiege, [month]],
      ['supervisor Charleroi, Liège, tier 2', org.staff.supervisorCharleroi, [filters({ preset: '30d', office: liege, tier: '2' })]],
      [
        'supervisor Liège, comparison of the offices',
        org.staff.supervisorLiege,
        [filters({ preset: '30d', office: liege }), filters({ preset: '30d', office: charleroi })],
      ],
      ['administrator, last 7 days, support team', org.staff.administrator, [filters({ preset: '7d', team: String(org.teams.support) })]],
    ];
  }

  /** The same reports from scratch, once every journaled change is applied (the truth). */
  async function reportsFromScratch(ids: readonly string[], nows: Map<string, string>): Promise<Map<string, string>> {
    for (const id of ids) await loadTicket(id);
    const out = new Map<string, string>();
    for (const [name, actor, list] of views()) {
      const now = new Date((JSON.parse(nows.get(name) ?? '{}') as { now: string }).now);
      const data = await loadReports(actor, list, now, 'tickets');
      out.set(name, JSON.stringify({ now, sides: data.map((d, i) => figures(d, list[i] as ReportFilters)) }));
    }
    return out;
  }

  async function expectSameAsScratch(ids: readonly string[]): Promise<void> {
    const fromDays = await reportsFromDays();
    const fromScratch = await reportsFromScratch(ids, fromDays);
    for (const [name, report] of fromDays) {
      const expected = fromScratch.get(name) ?? '';
      // Where they part, for a readable failure (the reports are long).
      let i = 0;
      while (i < report.length && report[i] === expected[i]) i += 1;
      expect(report.slice(Math.max(0, i - 200), i + 200), `${name}: from the day documents, then from scratch`).to.equal(
        expected.slice(Math.max(0, i - 200), i + 200),
      );
    }
  }

  async function create(hoursAgo: number, charleroi: boolean): Promise<string> {
    const at = new Date(Date.now() - hoursAgo * hour);
    return String(
      (await buildTicket(org, { at, office: charleroi ? org.offices.charleroi : org.offices.liege, subject: `Demande du ${at.toISOString()}` }))._id,
    );
  }

  it('lists a ticket moved to the other office and back in its first office again, in its place', async () => {
    const first = await buildTicket(org, { office: org.offices.liege, subject: 'Premier de la journée' });
    const moving = await buildTicket(org, { office: org.offices.liege, subject: 'Va et revient' });
    await buildTicket(org, { office: org.offices.liege, subject: 'Dernier de la journée' });
    const before = await reportsFromDays(); // the day documents are stored with the three tickets
    await staffAct('move', String(moving._id)); // to Charleroi
    await reportsFromDays(); // Liège's day drops it, Charleroi's takes it
    restart(); // a new process: the keys' slot caches are empty, so the move back probes from slot 1
    await staffAct('move', String(moving._id)); // back to Liège: its first key there must not pass for this move's
    await expectSameAsScratch([String(first._id), String(moving._id)]);
    const moved = await loadTicket(String(moving._id));
    expect(String(moved?.office)).to.equal(String(org.offices.liege));
    expect(before.get('administrator, every office')).to.include(String(moving._id));
    expect((await reportsFromDays()).get('administrator, every office')).to.include(String(moving._id));
  });

  it('counts a ticket changed after its day was stored, and a change journaled before a restart', async () => {
    const ids = [await create(60, false), await create(59, false), await create(58, false), await create(57, true)];
    for (const id of ids) {
      await staffAct('claim', id);
      await staffAct('resolve', id);
    }
    await expectSameAsScratch(ids);
    // The day is stored, its resolved tickets in it.
    const day = dayOf(new Date(Date.now() - 60 * hour));
    const stored = await ReportDayModel.findById(`${String(org.offices.liege)}:${day}`).lean();
    expect(stored, 'the day document').to.not.equal(null);
    for (const id of ids.slice(0, 3)) if (dayOf(((await loadTicket(id)) as Ticket).createdAt) === day) expect(stored?.body).to.include(id);

    // Changed after their day was stored: rated, noted, reopened, closed by the member.
    await memberAct('rate', ids[0] as string, 5);
    await staffAct('note', ids[1] as string);
    await staffAct('reopen', ids[2] as string);
    await memberAct('close', ids[3] as string, 0);
    await expectSameAsScratch(ids);
    const rated = (await loadReports(org.staff.administrator, [filters({ preset: '7d' })], new Date()))[0];
    expect(rated?.facts.filter((f) => f.ticket.rating?.score === 5)).to.have.length(1);

    // A rating journaled but not applied when the process stopped, then a new process.
    await memberAct('rate', ids[1] as string, 4); // rated for real
    await journalWithoutApplying(ids[3] as string); // closed: rated, half-done
    restart();
    await expectSameAsScratch(ids);
    const after = (await loadReports(org.staff.administrator, [filters({ preset: '7d' })], new Date()))[0];
    expect(after?.facts.find((f) => f.ticket.id === ids[3])?.ticket.rating?.score, 'the half-done rating, replayed').to.equal(2);
  });

  it('after random histories, with reports in between and restarts', async () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), hoursAgo: fc.integer({ min: 0, max: 24 * 10 }), charleroi: fc.boolean() }) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('staff' as const), what: fc.constantFrom(...staffActions), ticket: fc.nat(30) }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('member' as const),
          what: fc.constantFrom(...memberActions),
          ticket: fc.nat(30),
          score: fc.integer({ min: 1, max: 5 }),
        }),
      },
      { weight: 2, arbitrary: fc.constant({ kind: 'report' as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), halfDone: fc.nat(30) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        // Tickets of earlier runs stay in the database (and in both ways of reading the reports).
        const ids: string[] = [await create(30, false)];
        for (const s of steps) {
          const pick = (n: number) => ids[n % ids.length] as string;
          if (s.kind === 'create') ids.push(await create(s.hoursAgo, s.charleroi));
          else if (s.kind === 'staff') await staffAct(s.what, pick(s.ticket));
          else if (s.kind === 'member') await memberAct(s.what, pick(s.ticket), s.score);
          else if (s.kind === 'report') await reportsFromDays();
          else {
            await journalWithoutApplying(pick(s.halfDone));
            restart();
          }
        }
        await expectSameAsScratch(ids);
      }),
      { numRuns: 10 },
    );
  });
});
