import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import type { StaffActor } from '../../server/auth/actor.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../server/lib/errors.js';
import type { AppError } from '../../server/lib/errors.js';
import { RoutingRuleModel } from '../../server/routing/routing-rule.model.js';
import { clearRoutingCache } from '../../server/routing/routing.service.js';
import { EscalationModel } from '../../server/tickets/escalation.model.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { addNote, claimTicket, releaseTicket, reopenTicket, replyToTicket, resolveTicket, updateTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket, reassignTicket, returnTicket } from '../../server/tickets/ticket.moves.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { applyEvent, loadTicket, observeCommits } from '../../server/tickets/ticket.journal.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { getTicketDetail, ticketHistory } from '../../server/tickets/ticket.queries.js';
import { listTickets } from '../../server/tickets/ticket-list.queries.js';
import { explainTicket } from '../../server/tickets/ticket.explain.js';
import { TicketEventModel, eventId, type TicketEvent } from '../../server/tickets/ticket-event.model.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/db.js';

async function rejects(promise: Promise<unknown>, type: new (...args: never[]) => AppError, message?: RegExp): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    if (message) expect((error as Error).message).to.match(message);
    return error as AppError;
  }
  expect.fail(`expected ${type.name}`);
}

describe('ticket commands (real database)', () => {
  useTestDatabase();
  let org: Org;
  before(async () => {
    org = await buildOrg();
  });

  /** An event as the journal stores it (for tests that write one by hand: a crash, another instance), without writes. */
  function journaled(t: Ticket, seq: number, type: string, by: StaffActor, patch: Record<string, unknown>) {
    return {
      _id: eventId(t._id, seq),
      ticket: t._id,
      seq,
      type,
      at: new Date(),
      actor: { kind: 'staff', staff: by.id, member: null, name: by.name },
      from: null,
      to: { tier: 1, team: t.team, office: t.office, assignee: org.staff.advisorLiege.id, status: 'open' },
      reason: null,
      note: null,
      data: {},
      patch,
      writes: [],
    };
  }

  it('the same submission three times at once makes one ticket with one number: the next ticket has the next one (QA: gaps)', async () => {
    const ticketId = new Types.ObjectId();
    const member = { name: 'Claire Martin', email: 'claire.triple@example.be' };
    const made = await Promise.all([1, 2, 3].map(() => buildTicket(org, { ticketId, member, subject: 'Envoyé trois fois' })));
    expect(new Set(made.map((t) => t.number)).size).to.equal(1);
    const next = await buildTicket(org, { subject: 'Juste après' });
    const seq = (n: string) => Number(n.slice(-6));
    expect(seq(next.number)).to.equal(seq(made[0]?.number ?? '') + 1);
  });

  it('numbers the first tickets of a new year created at the same moment (their number hint is created once)', async () => {
    const at = new Date('2031-01-01T08:00:00Z');
    const made = await Promise.all(Array.from({ length: 8 }, () => buildTicket(org, { at })));
    expect(new Set(made.map((t) => t.number)).size).to.equal(8);
    expect(made.every((t) => t.number.startsWith('R-2031-'))).to.equal(true);
  });

  it('creates a ticket on tier 1 of the right office, numbered, with the routing reason and a created event', async () => {
    const t = await buildTicket(org);
    expect(t.number).to.match(/^R-\d{4}-\d{6}$/);
    expect(t.tier).to.equal(1);
    expect(String(t.team)).to.equal(String(org.teams.liege));
    expect(t.status).to.equal('new');
    expect(t.routing.explanation).to.match(/Conseil Liège/);
    const events = await TicketEventModel.find({ ticket: t._id }).lean();
    expect(events.map((e) => e.type)).to.deep.equal(['created']);
    expect(await MessageModel.countDocuments({ ticket: t._id })).to.equal(1);
  });

  it('routes by the member office, else the default office, and says why', async () => {
    const t = await buildTicket(org, { actor: org.staff.advisorCharleroi, office: null });
    // the member has no office and no office was requested: default office (Charleroi)
    expect(String(t.office)).to.equal(String(org.offices.charleroi));
    expect(t.routing.rule).to.equal('default_office');
    expect(t.routing.explanation).to.match(/default office \(Charleroi\)/);
  });

  it('applies the first matching routing rule and stores which rule matched and why', async () => {
    await RoutingRuleModel.create([
      { name: 'Contrats en néerlandais → Charleroi', order: 20, match: { category: 'contracts', language: 'nl' }, team: org.teams.charleroi },
      { name: 'Boîte hulp@', order: 10, match: { mailbox: 'hulp@relais.test' }, team: org.teams.liege },
    ]);
    clearRoutingCache(); // what an administrator's change does
    try {
      const nl = await buildTicket(org, { category: 'contracts', language: 'nl', office: null });
      expect(String(nl.team)).to.equal(String(org.teams.charleroi));
      expect(nl.routing.rule).to.equal('rule:Contrats en néerlandais → Charleroi');
      expect(nl.routing.explanation).to.match(/because category = contracts and language = nl/);
      const mailbox = await buildTicket(org, { category: 'contracts', language: 'nl', mailbox: 'hulp@relais.test', channel: 'email', office: null });
      expect(String(mailbox.team)).to.equal(String(org.teams.liege)); // lower order wins
      const fr = await buildTicket(org, { category: 'contracts', language: 'fr' });
      expect(fr.routing.rule).to.equal('requested_office');
    } finally {
      await RoutingRuleModel.deleteMany({});
      clearRoutingCache();
    }
  });

  it('allocates distinct numbers to tickets created at the same moment', async () => {
    const tickets = await Promise.all(Array.from({ length: 12 }, () => buildTicket(org)));
    expect(new Set(tickets.map((t) => t.number)).size).to.equal(12);
  });

  it('runs the whole flow tier 1 → 2 → 3 → back with every move recorded', async () => {
    const { advisorLiege, support, administrative, supervisorLiege } = org.staff;
    const t = await buildTicket(org);
    const id = String(t._id);
    let v = (await claimTicket({ actor: advisorLiege, ticketId: id, version: t.version })).version;
    v = (await replyToTicket({ actor: advisorLiege, ticketId: id, version: v, text: 'Je vérifie votre fiche.' })).version;
    v = (await addNote({ actor: advisorLiege, ticketId: id, version: v, text: 'Écart de 120 € sur le précompte.' })).version;
    const escalated = await escalateTicket({
      actor: advisorLiege,
      ticketId: id,
      version: v,
      reason: 'payroll_correction',
      handoff: 'Fiche vérifiée, écart confirmé ; il faut recalculer le précompte.',
    });
    expect(escalated.tier).to.equal(2);
    expect(escalated.assignee).to.equal(null);
    expect(escalated.team).to.equal(String(org.teams.support));

    const accepted = await claimTicket({ actor: support, ticketId: id, version: escalated.version });
    const esc1 = await EscalationModel.findOne({ ticket: t._id, toTier: 2 }).lean();
    expect(esc1?.outcome).to.equal('accepted');
    expect(String(esc1?.acceptedBy)).to.equal(String(support.id));
    expect(esc1?.acceptedAt).to.be.instanceOf(Date);

    const toTier3 = await escalateTicket({
      actor: support,
      ticketId: id,
      version: accepted.version,
      reason: 'needs_contract_change',
      handoff: 'Le contrat doit être modifié pour corriger la base.',
    });
    expect(toTier3.tier).to.equal(3);
    const held3 = await claimTicket({ actor: administrative, ticketId: id, version: toTier3.version });
    const back = await returnTicket({
      actor: administrative,
      ticketId: id,
      version: held3.version,
      note: 'Contrat corrigé, à finaliser par le soutien.',
      reason: 'missing_information',
    });
    expect(back.tier).to.equal(2);
    expect(back.assignee).to.equal(String(support.id)); // back to the person who escalated it
    const esc2 = await EscalationModel.findOne({ ticket: t._id, toTier: 3 }).lean();
    expect(esc2?.outcome).to.equal('returned');

    const reassigned = await reassignTicket({
      actor: supervisorLiege,
      ticketId: id,
      version: back.version,
      tier: 1,
      reason: 'Retour au conseiller pour clôture avec le membre.',
    });
    expect(reassigned.tier).to.equal(1);
    expect(reassigned.team).to.equal(String(org.teams.liege));

    const history = await ticketHistory(supervisorLiege, id);
    expect(history.map((e) => e.type)).to.deep.equal([
      'created',
      'claimed',
      'replied',
      'noted',
      'escalated',
      'accepted',
      'escalated',
      'accepted',
      'returned',
      'reassigned',
    ]);
    expect(history.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(history[4]).to.include({ reason: 'payroll_correction' });
    expect(history[9]?.note).to.equal('Retour au conseiller pour clôture avec le membre.');

    const explain = await explainTicket(supervisorLiege, id);
    const text = explain.because.map((b) => b.text).join('\n');
    expect(text).to.match(/escalated it from tier 1 to tier 2 .*payroll_correction/);
    expect(text).to.match(/sent it back from tier 3 to tier 2/);
    expect(text).to.match(/Isabelle Collard \(supervisor\) reassigned it .* Reason: Retour au conseiller/);
    expect(explain.summary).to.match(/tier 1, Conseil Liège/);
  });

  it('refuses impossible moves with a 409 a person understands', async () => {
    const { advisorLiege, advisorLiege2, administrative, support } = org.staff;
    const t = await buildTicket(org);
    const id = String(t._id);
    const held = await claimTicket({ actor: advisorLiege, ticketId: id, version: t.version });
    await rejects(claimTicket({ actor: advisorLiege2, ticketId: id, version: held.version }), ConflictError, /Someone else already holds/);
    await rejects(returnTicket({ actor: advisorLiege, ticketId: id, version: held.version, note: 'x' }), ConflictError, /tier 1 already/);
    const e2 = await escalateTicket({ actor: advisorLiege, ticketId: id, version: held.version, reason: 'payroll_correction', handoff: 'h' });
    const c2 = await claimTicket({ actor: support, ticketId: id, version: e2.version });
    const e3 = await escalateTicket({ actor: support, ticketId: id, version: c2.version, reason: 'payroll_correction', handoff: 'h' });
    const c3 = await claimTicket({ actor: administrative, ticketId: id, version: e3.version });
    await rejects(
      escalateTicket({ actor: administrative, ticketId: id, version: c3.version, reason: 'payroll_correction', handoff: 'h' }),
      ConflictError,
      /last tier/,
    );
  });

  it('refuses a stale version with 409 and the current ticket', async () => {
    const t = await buildTicket(org);
    const id = String(t._id);
    await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version });
    const error = await rejects(
      replyToTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version, text: 'réponse basée sur une vue périmée' }),
      ConflictError,
      /changed since you loaded it/,
    );
    expect((error.details?.ticket as { version: number }).version).to.equal(t.version + 1);
  });

  it('enforces the policy: 404 for tickets you cannot see, 403 for what you cannot do', async () => {
    const { advisorCharleroi, advisorLiege2, support, supervisorCharleroi, supervisorLiege } = org.staff;
    const t = await buildTicket(org);
    const id = String(t._id);
    await rejects(claimTicket({ actor: advisorCharleroi, ticketId: id, version: t.version }), NotFoundError);
    await rejects(getTicketDetail(advisorCharleroi, id), NotFoundError);
    await rejects(claimTicket({ actor: support, ticketId: id, version: t.version }), NotFoundError); // tier 2 cannot see tier 1
    await rejects(reassignTicket({ actor: advisorLiege2, ticketId: id, version: t.version, tier: 2, reason: 'x' }), ForbiddenError);
    await rejects(replyToTicket({ actor: advisorLiege2, ticketId: id, version: t.version, text: 'x' }), ForbiddenError, /Take the ticket first/);
    await rejects(getTicketDetail(supervisorCharleroi, id), NotFoundError); // a tier-1 ticket of another office
    expect((await getTicketDetail(supervisorLiege, id)).ticket.number).to.equal(t.number);
    await rejects(claimTicket({ actor: org.staff.advisorLiege, ticketId: new Types.ObjectId().toHexString(), version: 1 }), NotFoundError);
    await rejects(claimTicket({ actor: org.staff.advisorLiege, ticketId: 'not-an-id', version: 1 }), NotFoundError);
  });

  it('lists only what the actor may see, sorted by due date then age, page by page', async () => {
    const { advisorCharleroi, advisorLiege } = org.staff;
    const mine = await Promise.all([buildTicket(org), buildTicket(org), buildTicket(org)]);
    const theirs = await buildTicket(org, { actor: advisorCharleroi, office: org.offices.charleroi });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTickets(advisorLiege, { limit: 2, cursor, status: ['new'] });
      seen.push(...page.tickets.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    for (const t of mine) expect(seen).to.include(String(t._id));
    expect(seen).not.to.include(String(theirs._id));
    expect(new Set(seen).size).to.equal(seen.length);
    const createdOrder = (await TicketModel.find({ _id: { $in: seen } }).lean())
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || String(a._id).localeCompare(String(b._id)))
      .map((t) => String(t._id));
    expect(seen).to.deep.equal(createdOrder);
  });

  it('keeps internal notes away from members and lets members read only their own tickets', async () => {
    const t = await buildTicket(org);
    const id = String(t._id);
    const held = await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version });
    await addNote({ actor: org.staff.advisorLiege, ticketId: id, version: held.version, text: 'Note interne confidentielle' });
    const member = { kind: 'member' as const, id: t.member, name: 'Claire Martin', email: 'x@example.be' };
    const detail = await getTicketDetail(member, id);
    expect(detail.messages.map((m) => m.text).join()).not.to.contain('confidentielle');
    expect(detail.escalations).to.deep.equal([]);
    await rejects(getTicketDetail({ ...member, id: new Types.ObjectId() }, id), NotFoundError);
  });

  it('releases, resolves, reopens and changes priority and category', async () => {
    const { advisorLiege } = org.staff;
    const t = await buildTicket(org);
    const id = String(t._id);
    let v = (await claimTicket({ actor: advisorLiege, ticketId: id, version: t.version })).version;
    const released = await releaseTicket({ actor: advisorLiege, ticketId: id, version: v });
    expect(released.assignee).to.equal(null);
    v = (await claimTicket({ actor: advisorLiege, ticketId: id, version: released.version })).version;
    const updated = await updateTicket({ actor: advisorLiege, ticketId: id, version: v, priority: 'high', category: 'invoices' });
    expect(updated).to.include({ priority: 'high', category: 'invoices', version: v + 2 });
    const resolved = await resolveTicket({ actor: advisorLiege, ticketId: id, version: updated.version });
    expect(resolved.status).to.equal('resolved');
    await rejects(resolveTicket({ actor: advisorLiege, ticketId: id, version: resolved.version }), ConflictError, /already resolved/);
    const reopened = await reopenTicket({ actor: advisorLiege, ticketId: id, version: resolved.version });
    expect(reopened.status).to.equal('open');
  });

  it('recovers a command interrupted between its event and the ticket write (no transactions)', async () => {
    const t = await buildTicket(org);
    const id = String(t._id);
    // Simulate a crash: the journal event is written, its effects are not.
    const messageId = new Types.ObjectId();
    const event = {
      ...journaled(t, 2, 'claimed', org.staff.advisorLiege, { assignee: org.staff.advisorLiege.id, status: 'open', version: 2 }),
      writes: [
        {
          model: 'Message',
          op: 'insert',
          id: messageId,
          doc: {
            ticket: t._id,
            author: { kind: 'staff', staff: org.staff.advisorLiege.id, member: null, name: 'Julie' },
            visibility: 'internal',
            text: 'journaled',
            html: null,
            channel: 'web',
            attachments: [],
            createdAt: new Date(),
          },
        },
      ],
    };
    await TicketEventModel.collection.insertOne(event as never);
    expect((await TicketModel.findById(id).lean())?.version).to.equal(1);
    // A competing command now conflicts instead of overwriting the journaled one…
    await rejects(claimTicket({ actor: org.staff.advisorLiege2, ticketId: id, version: 1 }), ConflictError);
    // …and the next read replays it.
    const loaded = await loadTicket(id);
    expect(loaded?.version).to.equal(2);
    expect(String(loaded?.assignee)).to.equal(String(org.staff.advisorLiege.id));
    expect(await MessageModel.exists({ _id: messageId })).to.not.equal(null);
    // Replaying twice changes nothing.
    await applyEvent(event as never);
    expect(await MessageModel.countDocuments({ _id: messageId })).to.equal(1);
  });

  it('a command on a ticket held here at the version seen does not read the ticket; one changed by another instance meanwhile gets the stale-version answer', async () => {
    const t = await buildTicket(org);
    const id = String(t._id);
    expect(workingSet.get(id)?.version, 'the new ticket is in the working set').to.equal(t.version);
    const collection = TicketModel.collection;
    const findOne = collection.findOne.bind(collection);
    let reads = 0;
    // Whole-ticket reads of this ticket (the apply's version check on the embedded engine reads `version` only).
    collection.findOne = ((filter: { _id?: unknown } | undefined, options?: { projection?: Record<string, unknown> }) => {
      if (String(filter?._id) === id && options?.projection?.version === undefined) reads += 1;
      return (findOne as (...args: unknown[]) => unknown)(filter, options);
    }) as typeof collection.findOne;
    try {
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version });
      expect(reads, 'whole-ticket reads for a command at the version held here').to.equal(0);
      // Another instance changes the ticket (journaled and applied there); this one has not heard yet.
      const elsewhere = {
        ...journaled(t, claimed.version + 1, 'priority_changed', org.staff.supervisorLiege, { priority: 'urgent', version: claimed.version + 1 }),
        data: { from: 'normal', to: 'urgent' },
      } as unknown as TicketEvent;
      await TicketEventModel.collection.insertOne(elsewhere as never);
      await applyEvent(elsewhere);
      expect(workingSet.get(id)?.version, 'not heard of here').to.equal(claimed.version);
      // The stale command is answered as any stale command: 409 with the ticket as it is now.
      const error = await rejects(
        updateTicket({ actor: org.staff.advisorLiege, ticketId: id, version: claimed.version, priority: 'low' }),
        ConflictError,
        /changed since you loaded it/,
      );
      expect((error.details?.ticket as { version: number; priority: string }).version).to.equal(claimed.version + 1);
      expect((error.details?.ticket as { priority: string }).priority).to.equal('urgent');
      // At the version the other instance made, the command goes through (the ticket is read: not the version held here).
      reads = 0;
      const updated = await updateTicket({ actor: org.staff.advisorLiege, ticketId: id, version: claimed.version + 1, priority: 'low' });
      expect(updated.version).to.equal(claimed.version + 2);
      expect(reads).to.be.greaterThan(0);
      expect((await TicketModel.findById(id).lean())?.priority).to.equal('low');
    } finally {
      collection.findOne = findOne;
    }
  });

  it('after an apply that failed, the next command reads the ticket and replays the change instead of starting from the announced copy', async () => {
    const t = await buildTicket(org);
    const id = String(t._id);
    const collection = TicketModel.collection;
    const updateOne = collection.updateOne.bind(collection);
    let fail = true;
    collection.updateOne = (async (filter: { _id?: unknown }, ...rest: unknown[]) => {
      if (fail && String(filter._id) === id) {
        fail = false;
        throw new Error('connection reset during the apply');
      }
      return (updateOne as (...args: unknown[]) => unknown)(filter, ...rest);
    }) as typeof collection.updateOne;
    try {
      await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version }).then(
        () => expect.fail('the claim should have failed with its apply'),
        (error: Error) => expect(error.message).to.equal('connection reset during the apply'),
      );
    } finally {
      collection.updateOne = updateOne;
    }
    // Committed (its event is written) and announced: the working set is ahead of the document.
    expect(workingSet.get(id)?.version).to.equal(t.version + 1);
    expect((await TicketModel.findById(id).lean())?.version).to.equal(t.version);
    const updated = await updateTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version + 1, priority: 'high' });
    expect(updated.version).to.equal(t.version + 2);
    const stored = await TicketModel.findById(id).lean();
    expect(stored?.version, 'the document caught up: the claim replayed, the change applied').to.equal(t.version + 2);
    expect(String(stored?.assignee)).to.equal(String(org.staff.advisorLiege.id));
    expect(stored?.priority).to.equal('high');
    // Caught up, the next command starts from memory again.
    const again = await updateTicket({ actor: org.staff.advisorLiege, ticketId: id, version: updated.version, priority: 'low' });
    expect((await TicketModel.findById(id).lean())?.version).to.equal(again.version);
  });

  it('keeps each event once in the trail, without copying the trail into the event, even when two replays race', async () => {
    const t = await buildTicket(org);
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: t.version });
    await updateTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: claimed.version, priority: 'high' });
    const event = await TicketEventModel.collection.findOne<TicketEvent>({ _id: eventId(t._id, 3) } as never);
    if (!event) throw new Error('no event 3');
    // The event says where its entry goes; it does not carry the trail (which grows with every event).
    expect(event.trailIndex).to.equal(2);
    expect(event.patch).to.not.have.property('trail');
    // As if the commit stopped after writing the event: the ticket is back at version 2.
    const stored = await TicketModel.collection.findOne({ _id: t._id });
    await TicketModel.collection.updateOne({ _id: t._id }, { $set: { version: 2, priority: 'normal', trail: (stored?.trail as unknown[]).slice(0, 2) } });
    await Promise.all([applyEvent(event), applyEvent(event), loadTicket(t._id)]);
    const after = await TicketModel.findById(t._id).lean();
    expect(after?.version).to.equal(3);
    expect(after?.priority).to.equal('high');
    expect(after?.trail?.map((e) => [e.seq, e.type])).to.deep.equal([
      [1, 'created'],
      [2, 'claimed'],
      [3, 'priority_changed'],
    ]);
  });

  it('announces a change at its commit point; a reader here meanwhile waits for the apply instead of replaying the event beside it', async () => {
    const t = await buildTicket(org);
    const reads: Array<Promise<Ticket | null>> = [];
    const stop = observeCommits((ticket) => {
      if (String(ticket._id) === String(t._id)) reads.push(loadTicket(ticket._id));
    });
    const collection = TicketModel.collection;
    const updateOne = collection.updateOne.bind(collection);
    let writes = 0;
    // Each apply of this ticket takes 50 ms more: a reader that did not wait would find the event unapplied.
    collection.updateOne = (async (filter: { _id?: unknown }, ...rest: unknown[]) => {
      if (String(filter._id) === String(t._id)) {
        writes += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return (updateOne as (...args: unknown[]) => unknown)(filter, ...rest);
    }) as typeof collection.updateOne;
    try {
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: t.version });
      const [read] = await Promise.all(reads);
      expect(read?.version).to.equal(claimed.version);
      expect(String(read?.assignee)).to.equal(String(org.staff.advisorLiege.id));
      expect(writes, 'one apply: the reader did not replay the event').to.equal(1);
    } finally {
      collection.updateOne = updateOne;
      stop();
    }
  });

  it('finishes a creation interrupted after its event was journaled', async () => {
    const t = await buildTicket(org);
    const event = await TicketEventModel.findById(eventId(t._id, 1)).lean();
    await TicketModel.deleteOne({ _id: t._id });
    await MessageModel.deleteMany({ ticket: t._id });
    await TicketEventModel.collection.updateOne({ _id: eventId(t._id, 1) } as never, { $set: { pending: true } });
    expect(event).to.not.equal(null);
    expect((await workingSet.rebuild()).recovered).to.equal(1);
    const recovered = await loadTicket(String(t._id));
    expect(recovered?.subject).to.equal(t.subject);
    expect(await MessageModel.countDocuments({ ticket: t._id })).to.equal(1);
    expect((await workingSet.rebuild()).recovered).to.equal(0);
  });

  it('gives exactly one winner to 2–8 simultaneous claims or reassignments, with a consistent history', async function () {
    this.timeout(180_000);
    const { advisorLiege, advisorLiege2, supervisorLiege } = org.staff;
    const claimers = [advisorLiege, advisorLiege2, supervisorLiege];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.boolean(), async (n, reassign) => {
        const t = await buildTicket(org);
        const id = String(t._id);
        const attempts = Array.from({ length: n }, (_, i) =>
          reassign
            ? reassignTicket({
                actor: supervisorLiege,
                ticketId: id,
                version: t.version,
                assignee: String((i % 2 ? advisorLiege : advisorLiege2).id),
                reason: `race ${i}`,
              })
            : claimTicket({ actor: claimers[i % 2] ?? advisorLiege, ticketId: id, version: t.version }),
        );
        const results = await Promise.allSettled(attempts);
        const winners = results.filter((r) => r.status === 'fulfilled');
        expect(winners).to.have.length(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(ConflictError);
        const events = await TicketEventModel.find({ ticket: t._id }).sort({ seq: 1 }).lean();
        expect(events.map((e) => e.seq)).to.deep.equal([1, 2]);
        const final = await loadTicket(id);
        expect(final?.version).to.equal(2);
        expect(String(final?.assignee)).to.equal(String(events[1]?.patch.assignee));
      }),
      { numRuns: 25 },
    );
  });
});
