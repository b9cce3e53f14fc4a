/**
 * Unblocking a sender (issue 16, point 5's spam blocks undone): addresses blocked when a ticket was
 * marked as spam are listed for supervisors and administrators — the people who can reverse a
 * colleague's decision — who unblock them with a reason, recorded in the audit trail; advisors and the
 * other tiers are refused (403) on the page and the API. Mail from an unblocked sender becomes a ticket
 * again, and the message quarantined meanwhile can be reprocessed into one.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { senderBlock } from '../../server/members/blocked-sender.model.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { markSpam } from '../../server/tickets/ticket.spam.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { hidden, signedIn } from '../helpers/pages.js';

describe('blocked senders: listed and unblocked by supervisors and administrators', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let pipeline: InboundPipeline;
  let serial = 0;

  const blocked = async (): Promise<string> => {
    const email = `Promo.${new Types.ObjectId().toHexString()}@Junk.example`;
    const t = await buildTicket(org, { member: { name: 'Promo', email } });
    await markSpam({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: t.version, blockSender: true });
    return email.toLowerCase();
  };
  const mailFrom = async (address: string) => {
    serial += 1;
    const raw = Buffer.from(
      `From: Promo <${address}>\r\nTo: support@relais.test\r\nSubject: Message ${serial}\r\nMessage-ID: <m${serial}.${address}>\r\n\r\nBonjour, une vraie question.\r\n`,
    );
    const { id } = await pipeline.store({ raw, source: 'smtp' });
    return { id, outcome: await pipeline.process(id) };
  };

  before(async () => {
    // One configuration: the pages read the bytes the pipeline stored.
    const config = testConfig();
    app = testApp(config);
    org = await buildOrg();
    pipeline = createInboundPipeline({ config, logger: silentLogger });
  });

  it('lists blocked senders to supervisors and administrators, with who blocked them; refuses the others (403)', async () => {
    const address = await blocked();
    for (const who of ['supervisorLiege', 'administrator'] as const) {
      const agent = await signedIn(app, org.staff[who].email);
      const page = await agent.get('/staff/blocked-senders').expect(200);
      expect(page.text).to.include(address).and.include('Julie Lambert');
      expect(page.text).to.include('Expéditeurs bloqués');
      const api = await request(app)
        .get('/api/v1/blocked-senders')
        .set('Authorization', `Bearer ${await login(app, org.staff[who].email)}`)
        .expect(200);
      expect((api.body.senders as Array<{ address: string; by: string }>).find((s) => s.address === address)).to.include({ by: 'Julie Lambert' });
    }
    for (const who of ['advisorLiege', 'support', 'administrative'] as const) {
      const agent = await signedIn(app, org.staff[who].email);
      const page = await agent.get('/staff/blocked-senders').expect(403);
      expect(page.text).to.not.include(address);
      await request(app)
        .get('/api/v1/blocked-senders')
        .set('Authorization', `Bearer ${await login(app, org.staff[who].email)}`)
        .expect(403);
      await request(app)
        .delete(`/api/v1/blocked-senders/${encodeURIComponent(address)}`)
        .set('Authorization', `Bearer ${await login(app, org.staff[who].email)}`)
        .send({ reason: 'Erreur' })
        .expect(403);
    }
    expect(await senderBlock(address)).to.not.equal(null);
    await request(app).get('/api/v1/blocked-senders').expect(401);
  });

  it('is linked from the incoming-mail quarantine page', async () => {
    const admin = await signedIn(app, org.staff.administrator.email);
    const page = await admin.get('/staff/inbound').expect(200);
    expect(page.text).to.include('href="/staff/blocked-senders"');
  });

  it('unblocks from the page with a reason (audited): the next mail from the sender becomes a ticket, and the quarantined one can be reprocessed', async () => {
    const address = await blocked();
    const held = await mailFrom(address);
    expect(held.outcome).to.include({ kind: 'quarantine', reason: 'blocked_sender' });

    // The quarantined message's page explains the block and leads to where it is lifted.
    const admin = await signedIn(app, org.staff.administrator.email);
    const message = await admin.get(`/staff/inbound/${held.id}`).expect(200);
    expect(message.text).to.match(/<a href="\/staff\/blocked-senders">L’adresse de l’expéditeur a été bloquée/);

    const agent = await signedIn(app, org.staff.supervisorLiege.email);
    const page = await agent.get('/staff/blocked-senders').expect(200);
    const csrf = hidden(page.text, '_csrf');
    // A reason is required: nothing is unblocked without one.
    const missing = await agent.post('/staff/blocked-senders/unblock').type('form').send({ _csrf: csrf, address, reason: ' ' });
    expect(missing.status).to.equal(400);
    expect(missing.text).to.include('raison');
    expect(await senderBlock(address)).to.not.equal(null);
    // Without the form's token: refused.
    await agent.post('/staff/blocked-senders/unblock').type('form').send({ address, reason: 'Erreur' }).expect(403);

    const done = await agent
      .post('/staff/blocked-senders/unblock')
      .type('form')
      .send({ _csrf: csrf, address, reason: 'Client réel, bloqué par erreur' })
      .expect(303);
    expect(done.headers.location).to.equal('/staff/blocked-senders?unblocked=1');
    expect(await senderBlock(address)).to.equal(null);
    const after = await agent.get(done.headers.location as string).expect(200);
    expect(after.text).to.not.include(`<td>${address}</td>`);
    const entry = await AuditEntryModel.findOne({ action: 'blocked_sender.unblock', 'target.id': address }).lean();
    expect(entry?.actorName).to.equal('Isabelle Collard');
    expect(entry?.before).to.deep.include({ address, by: 'Julie Lambert' });
    expect(entry?.after).to.deep.include({ reason: 'Client réel, bloqué par erreur' });

    const next = await mailFrom(address);
    expect(next.outcome?.kind).to.equal('new_ticket');
    const reprocessed = await pipeline.reprocess(held.id, 'Isabelle Collard <x@example.be>');
    expect(reprocessed?.kind).to.equal('new_ticket');
  });

  it('unblocks over the API (administrators), 404 for an address that is not blocked, 400 for bad input', async () => {
    const address = await blocked();
    const bearer = { Authorization: `Bearer ${await login(app, org.staff.administrator.email)}` };
    await request(app).delete('/api/v1/blocked-senders/not-an-address').set(bearer).send({ reason: 'x' }).expect(400);
    await request(app)
      .delete(`/api/v1/blocked-senders/${encodeURIComponent(address)}`)
      .set(bearer)
      .send({})
      .expect(400);
    await request(app)
      .delete(`/api/v1/blocked-senders/${encodeURIComponent(address)}`)
      .set(bearer)
      .send({ reason: 'x', $where: '1' })
      .expect(400);
    await request(app).delete('/api/v1/blocked-senders/nobody%40example.be').set(bearer).send({ reason: 'x' }).expect(404);
    const res = await request(app)
      .delete(`/api/v1/blocked-senders/${encodeURIComponent(address.toUpperCase())}`)
      .set(bearer)
      .send({ reason: 'Erreur' })
      .expect(200);
    expect(res.body).to.deep.include({ unblocked: address });
    expect(await senderBlock(address)).to.equal(null);
    expect((await mailFrom(address)).outcome?.kind).to.equal('new_ticket');
  });
});
