import { expect } from 'chai';
import { Types } from 'mongoose';
import { Outbox, OutboxDueModel } from '../../server/mail/mail.models.js';
import { outboxWrites } from '../../server/mail/mail-parts.js';
import { buildOutboxMail } from '../../server/mail/outbox.js';
import { EscalationModel } from '../../server/tickets/escalation.model.js';
import { applyWrites } from '../../server/tickets/journal-writes.js';
import type { JournalWrite } from '../../server/tickets/ticket-event.model.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';

const config = testConfig({ MAIL_FROM: 'Relais <support@relais.example>' });

/** The mails an escalation queues for a team: each one's due mark, then the mail. */
function teamMails(count: number): { ids: Types.ObjectId[]; writes: JournalWrite[] } {
  const mails = Array.from({ length: count }, (_, i) =>
    buildOutboxMail(
      {
        template: 'staff-escalation',
        locale: 'fr',
        to: `soutien.${i}@relais.example`,
        ticketId: new Types.ObjectId(),
        data: {
          ticketNumber: 'R-2026-000123',
          subject: 'Fiche de paie',
          fromTier: 1,
          toTier: 2,
          teamName: 'Équipe de soutien',
          escalatedBy: 'Julie Lambert',
          reasonLabel: 'Correction de paie',
          handoff: 'Vérifié le dossier.',
          staffTicketUrl: 'http://127.0.0.1/staff/tickets/1',
        },
      },
      { config },
    ),
  );
  return { ids: mails.map((m) => m._id), writes: mails.flatMap(outboxWrites) };
}

/** Records the inserts that reach two collections, in order, while `run` runs (the real writes still happen). */
async function recordingInserts(run: () => Promise<void>): Promise<string[]> {
  const calls: string[] = [];
  const restore: (() => void)[] = [];
  for (const [name, collection] of [
    ['due', OutboxDueModel.collection],
    ['outbox', Outbox.collection],
  ] as const) {
    const { insertOne, insertMany } = collection;
    collection.insertOne = ((...args: Parameters<typeof insertOne>) => {
      calls.push(`${name} one`);
      return insertOne.apply(collection, args);
    }) as typeof insertOne;
    collection.insertMany = ((...args: Parameters<typeof insertMany>) => {
      calls.push(`${name} many ${args[0].length}`);
      return insertMany.apply(collection, args);
    }) as typeof insertMany;
    restore.push(() => Object.assign(collection, { insertOne, insertMany }));
  }
  try {
    await run();
  } finally {
    for (const undo of restore) undo();
  }
  return calls;
}

describe('An event’s writes (journal-writes.ts applyWrites)', () => {
  useTestDatabase();

  it('writes a team’s mails as one insert per collection, every due mark before its mail, an update keeping its place', async () => {
    const { ids, writes } = teamMails(5);
    const escalation = new Types.ObjectId();
    await EscalationModel.collection.insertOne({ _id: escalation, outcome: 'pending' });
    const update: JournalWrite = { model: 'Escalation', op: 'update', id: escalation, doc: { outcome: 'accepted' } as never };
    const more = teamMails(2);
    const calls = await recordingInserts(() => applyWrites([...writes, update, ...more.writes]));
    expect(calls).to.deep.equal(['due many 5', 'outbox many 5', 'due many 2', 'outbox many 2']);
    for (const id of [...ids, ...more.ids]) {
      expect(await OutboxDueModel.collection.findOne({ _id: id }), 'due mark').to.not.equal(null);
      expect(await Outbox.collection.findOne({ _id: id }), 'mail').to.not.equal(null);
    }
    expect((await EscalationModel.collection.findOne({ _id: escalation }))?.outcome).to.equal('accepted');
  });

  it('replayed after a crash half-way, writes what is missing and each document once', async () => {
    const { ids, writes } = teamMails(6);
    // The crash: the due marks and two of the mails were written.
    await applyWrites([...writes.filter((w) => w.model === 'OutboxDue'), ...writes.filter((w) => w.model === 'Outbox').slice(0, 2)]);
    expect(await Outbox.collection.countDocuments({ _id: { $in: ids } })).to.equal(2);
    await applyWrites(writes);
    expect(await OutboxDueModel.collection.countDocuments({ _id: { $in: ids } })).to.equal(6);
    expect(await Outbox.collection.countDocuments({ _id: { $in: ids } })).to.equal(6);
    // Applying everything again is a no-op.
    await applyWrites(writes);
    expect(await Outbox.collection.countDocuments({ _id: { $in: ids } })).to.equal(6);
  });

  it('does not swallow an error other than a document already written', async () => {
    const { writes } = teamMails(3);
    const { insertMany } = Outbox.collection;
    Outbox.collection.insertMany = (() => Promise.reject(Object.assign(new Error('disk full'), { code: 14 }))) as unknown as typeof insertMany;
    try {
      let failure: unknown;
      await applyWrites(writes).catch((error: unknown) => (failure = error));
      expect((failure as Error | undefined)?.message).to.equal('disk full');
    } finally {
      Outbox.collection.insertMany = insertMany;
    }
  });
});
