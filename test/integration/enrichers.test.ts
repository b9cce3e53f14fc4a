/**
 * The one door: a change's mail is added by the enrichers the composition root registers, inside
 * `commit()`, whoever commits; a command builds none itself.
 */
import { expect } from 'chai';
import { Outbox } from '../../server/mail/mail.models.js';
import { claimTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { registerEnricher, withoutNotifications } from '../../server/tickets/ticket.journal.js';
import { TicketEventModel, eventId, type TicketEvent } from '../../server/tickets/ticket-event.model.js';
import { testConfig } from '../helpers/config.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/db.js';

async function writesOf(ticketId: unknown, seq: number): Promise<string[]> {
  const event = await TicketEventModel.findById(eventId(String(ticketId), seq)).lean<TicketEvent>();
  return (event?.writes ?? []).map((w) => `${w.model}:${w.op}`);
}

describe('enrichers: what a change carries is added in commit()', () => {
  useTestDatabase();
  let org: Org;
  const config = testConfig();
  before(async () => {
    org = await buildOrg();
  });

  it("adds each change's mail to its event (mark, then message), and the acknowledgement once numbered", async () => {
    useMail(config);
    const t = await buildTicket(org);
    const ack = await Outbox.collection.find({ ticket: t._id, template: 'ticket-acknowledgement' }).toArray();
    expect(ack).to.have.length(1);
    let v = (await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: 1 })).version;
    expect(await writesOf(t._id, v)).to.deep.equal([]);
    v = (await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: v, text: 'Nous regardons.' })).version;
    expect(await writesOf(t._id, v)).to.deep.equal(['Message:insert', 'OutboxDue:insert', 'Outbox:insert']);
    v = (
      await escalateTicket({
        actor: org.staff.advisorLiege,
        ticketId: String(t._id),
        version: v,
        reason: 'payroll_correction',
        handoff: 'Vérifié le contrat; il faut un avis.',
      })
    ).version;
    const escalated = await writesOf(t._id, v);
    expect(escalated[0]).to.equal('Escalation:insert');
    expect(escalated.filter((w) => w === 'Outbox:insert').length).to.be.greaterThan(0);
    const teamMail = await Outbox.collection.find({ ticket: t._id, template: 'staff-escalation' }).toArray();
    expect(teamMail.map((m) => m.to).flat()).to.include(org.staff.support.email);
    expect(teamMail[0]?.text).to.include('Vérifié le contrat');
  });

  it('sends nothing for changes made inside withoutNotifications (demo data, imports)', async () => {
    useMail(config);
    const t = await withoutNotifications(() => buildTicket(org));
    const view = await withoutNotifications(async () => {
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: 1 });
      return resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: claimed.version });
    });
    expect(await writesOf(t._id, view.version)).to.deep.equal([]);
    expect(await Outbox.collection.countDocuments({ ticket: t._id })).to.equal(0);
  });

  it('runs every registered enricher on every commit, and stops when unregistered', async () => {
    const seen: string[] = [];
    const stop = registerEnricher(async (input) => {
      seen.push(input.type);
      return input;
    });
    const t = await buildTicket(org);
    const v = (await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: 1 })).version;
    stop();
    await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: v });
    expect(seen).to.deep.equal(['created', 'claimed']);
  });
});
