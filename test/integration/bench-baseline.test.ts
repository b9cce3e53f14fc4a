/**
 * The creation benchmark compares `POST /api/v1/tickets` with the raw driver writing the same
 * documents (bench/creation-baseline.ts). This test fails when the two no longer write the same
 * thing — another collection, another count, another field or type — so the bench cannot drift.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { collectionCounts, creationDocuments, growth, shapeOf, writeBaselineCreation, type CreationTemplate } from '../../bench/creation-baseline.js';
import { useMail } from '../helpers/enrichers.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { createTicket } from '../../server/tickets/ticket.create.js';
import { TicketEventModel, eventId } from '../../server/tickets/ticket-event.model.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, type Org } from '../helpers/factories.js';

const content = { subject: 'Fiche de paie de mars incorrecte', body: 'Bonjour, le montant net ne correspond pas.', category: 'invoices', language: 'fr' };

describe('creation bench: the baseline writes what a creation writes', () => {
  useTestDatabase();
  let org: Org;

  before(async () => {
    org = await buildOrg();
    useMail(testConfig());
  });

  const create = () =>
    createTicket({
      actor: org.staff.advisorLiege,
      subject: content.subject,
      body: content.body,
      member: { name: 'Claire Martin', email: 'claire.martin@example.org' },
      channel: 'phone',
      category: content.category,
      language: content.language,
    });

  it('same collections, same counts, same shapes', async () => {
    const db = mongoose.connection.db;
    if (!db) throw new Error('not connected');
    await create(); // the member and the number hint exist from here on, as in the bench's warm-up
    const before = await collectionCounts(db);
    const made: Ticket = await create();
    const relais = growth(before, await collectionCounts(db));

    const ack = await Outbox.collection.findOne({ ticket: made._id });
    const template: CreationTemplate = {
      actor: org.staff.advisorLiege,
      memberId: made.member,
      memberName: 'Claire Martin',
      office: made.office,
      memberOffice: made.memberOffice ?? null,
      team: made.team,
      routing: made.routing,
      ack,
      content,
    };
    await writeBaselineCreation(db, creationDocuments(template, new Date()), 900_000); // warm-up: the baseline's number hint
    const between = await collectionCounts(db);
    const docs = creationDocuments(template, new Date());
    await writeBaselineCreation(db, docs, 900_001);
    expect(Object.keys(relais)).to.include.members(['tickets', 'ticketevents', 'messages', 'outbox', 'working_tickets', 'ticket_numbers', 'member_tickets']);
    expect(growth(between, await collectionCounts(db))).to.deep.equal(relais);

    const pairs: Array<[string, unknown, unknown]> = [
      ['tickets', await TicketModel.collection.findOne({ _id: made._id }), await TicketModel.collection.findOne({ _id: docs.ticketId })],
      [
        'ticketevents',
        await TicketEventModel.collection.findOne({ _id: eventId(made._id, 1) } as never),
        await TicketEventModel.collection.findOne({ _id: eventId(docs.ticketId, 1) } as never),
      ],
      [
        'messages',
        await mongoose.connection.collection('messages').findOne({ ticket: made._id }),
        await mongoose.connection.collection('messages').findOne({ ticket: docs.ticketId }),
      ],
      ['outbox', ack, await Outbox.collection.findOne({ ticket: docs.ticketId })],
    ];
    for (const [name, a, b] of pairs) expect(shapeOf(b).sort(), name).to.deep.equal(shapeOf(a).sort());
  });
});
