import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { buildOrg, type Org } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/db.js';
import { login, testApp } from '../helpers/http.js';
import { testConfig } from '../helpers/config.js';
import { signedIn } from '../helpers/pages.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { MemberModel } from '../../server/members/member.model.js';

interface TicketJson {
  id: string;
  number: string;
  version: number;
  tier: number;
  status: string;
  assignee: string | null;
  team: string;
}

describe('REST API /api/v1 (real database, real HTTP stack)', () => {
  useTestDatabase();
  const config = testConfig();
  let app: Express;
  let org: Org;
  const tokens: Record<string, string> = {};
  const auth = (who: keyof Org['staff']) => ({ Authorization: `Bearer ${tokens[who]}` });

  before(async () => {
    app = testApp(config);
    org = await buildOrg();
    for (const [key, actor] of Object.entries(org.staff)) tokens[key] = await login(app, actor.email);
  });

  async function createAsLiege(): Promise<TicketJson> {
    const res = await request(app)
      .post('/api/v1/tickets')
      .set(auth('advisorLiege'))
      .send({
        subject: 'Attestation de revenus 2025',
        body: 'Bonjour, il me faut une attestation de revenus pour ma banque.',
        member: { name: 'Lucie Hardy', email: 'Lucie.Hardy@Example.be' },
        category: 'contracts',
        language: 'fr',
      });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return (res.body as { ticket: TicketJson }).ticket;
  }

  it('plays the whole escalation story through the API, and keeps it from another office', async () => {
    const created = await createAsLiege();
    expect(created).to.include({ tier: 1, status: 'new' });
    expect(created.number).to.match(/^R-\d{4}-\d{6}$/);
    expect(created.team).to.equal(String(org.teams.liege)); // defaults to the creator's office

    let res = await request(app).post(`/api/v1/tickets/${created.id}/claim`).set(auth('advisorLiege')).send({ version: created.version });
    expect(res.status).to.equal(200);
    let t = (res.body as { ticket: TicketJson }).ticket;
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/escalate`)
      .set(auth('advisorLiege'))
      .send({ version: t.version, reason: 'needs_contract_change', handoff: 'Revenus vérifiés ; il faut une attestation signée par le soutien.' });
    expect(res.status).to.equal(200);
    t = (res.body as { ticket: TicketJson }).ticket;
    expect(t).to.include({ tier: 2, assignee: null });

    res = await request(app).get('/api/v1/tickets?tier=2').set(auth('support'));
    expect((res.body as { tickets: TicketJson[] }).tickets.map((x) => x.id)).to.include(t.id);
    res = await request(app).post(`/api/v1/tickets/${t.id}/claim`).set(auth('support')).send({ version: t.version });
    expect(res.status).to.equal(200);
    t = (res.body as { ticket: TicketJson }).ticket;
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/escalate`)
      .set(auth('support'))
      .send({ version: t.version, reason: 'payroll_correction', handoff: "Demande validée, l'administratif doit émettre le document." });
    expect(res.status).to.equal(200);
    t = (res.body as { ticket: TicketJson }).ticket;
    expect(t.tier).to.equal(3);

    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/reassign`)
      .set(auth('supervisorLiege'))
      .send({ version: t.version, tier: 1, reason: 'Le membre a retiré sa demande, retour au conseiller.' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    t = (res.body as { ticket: TicketJson }).ticket;
    expect(t.tier).to.equal(1);

    res = await request(app).get(`/api/v1/tickets/${t.id}/history`).set(auth('supervisorLiege'));
    const types = (res.body as { events: { type: string }[] }).events.map((e) => e.type);
    expect(types).to.deep.equal(['created', 'claimed', 'escalated', 'accepted', 'escalated', 'reassigned']);
    res = await request(app).get(`/api/v1/tickets/${t.id}/explain`).set(auth('advisorLiege'));
    const explain = res.body as { because: { text: string }[]; summary: string };
    expect(explain.because.map((b) => b.text).join('\n')).to.match(
      /escalated it from tier 1 to tier 2 .*needs_contract_change[\s\S]*reassigned it .*Reason: Le membre a retiré/,
    );

    res = await request(app).get(`/api/v1/tickets/${t.id}`).set(auth('advisorCharleroi'));
    expect(res.status).to.equal(404);
    res = await request(app).post(`/api/v1/tickets/${t.id}/claim`).set(auth('advisorCharleroi')).send({ version: t.version });
    expect(res.status).to.equal(404);
    res = await request(app).get('/api/v1/tickets').set(auth('advisorCharleroi'));
    expect((res.body as { tickets: TicketJson[] }).tickets.map((x) => x.id)).not.to.include(t.id);
  });

  it('names the missing field, explains impossible moves, and hides unknown ids', async () => {
    const t = await createAsLiege();
    let res = await request(app).post(`/api/v1/tickets/${t.id}/claim`).set(auth('advisorLiege')).send({ version: t.version });
    const held = (res.body as { ticket: TicketJson }).ticket;
    res = await request(app).post(`/api/v1/tickets/${t.id}/escalate`).set(auth('advisorLiege')).send({ version: held.version, handoff: 'x' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).to.include('reason');
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/escalate`)
      .set(auth('advisorLiege'))
      .send({ version: held.version, reason: 'needs_contract_change' });
    expect(res.status).to.equal(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).to.include('handoff');
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/escalate`)
      .set(auth('advisorLiege'))
      .send({ version: held.version, reason: 'not_a_reason', handoff: 'x' });
    expect(res.status).to.equal(400);
    res = await request(app).post(`/api/v1/tickets/${t.id}/claim`).set(auth('advisorLiege2')).send({ version: held.version });
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.match(/already holds/);
    res = await request(app).post(`/api/v1/tickets/${t.id}/return`).set(auth('advisorLiege')).send({ version: held.version, note: 'retour' });
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.match(/tier 1 already/);
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/replies`)
      .set(auth('advisorLiege'))
      .send({ version: held.version - 1, text: 'vue périmée' });
    expect(res.status).to.equal(409);
    expect(res.body.error.ticket.version).to.equal(held.version);
    // A colleague whose view is stale, who may read the ticket but not answer it (someone else holds it):
    // the 409 with what changed comes first, as it would for the holder, so the page can list the change.
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/replies`)
      .set(auth('advisorLiege2'))
      .send({ version: held.version - 1, text: 'vue périmée' });
    expect([res.status, res.body.error.reason]).to.deep.equal([409, 'stale_version']);
    res = await request(app).post(`/api/v1/tickets/${t.id}/replies`).set(auth('advisorLiege2')).send({ version: held.version, text: 'à jour' });
    expect(res.status).to.equal(403);
    // Someone who may not read it learns nothing, stale or not.
    for (const version of [held.version - 1, held.version]) {
      res = await request(app).post(`/api/v1/tickets/${t.id}/replies`).set(auth('advisorCharleroi')).send({ version, text: 'x' });
      expect(res.status).to.equal(404);
      expect(res.body.error.ticket).to.equal(undefined);
    }
    // An internal note decides nothing a colleague could have decided otherwise: added to the ticket as it
    // is now, whatever version its author saw (a reply or claim meanwhile does not refuse it).
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/notes`)
      .set(auth('advisorLiege2'))
      .send({ version: held.version - 1, text: 'Note sur une vue périmée' });
    expect(res.status).to.equal(200);
    expect((res.body as { ticket: TicketJson }).ticket.version).to.equal(held.version + 1);
    const thread = await request(app).get(`/api/v1/tickets/${t.id}`).set(auth('advisorLiege'));
    expect(JSON.stringify(thread.body)).to.include('Note sur une vue périmée');
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/notes`)
      .set(auth('advisorCharleroi'))
      .send({ version: held.version - 1, text: 'x' });
    expect(res.status).to.equal(404);
    res = await request(app)
      .post(`/api/v1/tickets/${t.id}/reassign`)
      .set(auth('advisorLiege'))
      .send({ version: held.version + 1, tier: 2, reason: 'x' });
    expect(res.status).to.equal(403);
    for (const bad of ['000000000000000000000000', 'not-an-id', '6b0980789%24ne', '..%2F..%2Fetc']) {
      res = await request(app).get(`/api/v1/tickets/${bad}`).set(auth('supervisorLiege'));
      expect(res.status, bad).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    }
  });

  it('escalating from tier 3 is refused with 409', async () => {
    const t = await createAsLiege();
    let v = t.version;
    const step = async (who: keyof Org['staff'], path: string, body: object) => {
      const res = await request(app)
        .post(`/api/v1/tickets/${t.id}/${path}`)
        .set(auth(who))
        .send({ version: v, ...body });
      if (res.status === 200) v = (res.body as { ticket: TicketJson }).ticket.version;
      return res;
    };
    await step('advisorLiege', 'claim', {});
    await step('advisorLiege', 'escalate', { reason: 'needs_contract_change', handoff: 'h' });
    await step('support', 'claim', {});
    await step('support', 'escalate', { reason: 'needs_contract_change', handoff: 'h' });
    await step('administrative', 'claim', {});
    const res = await step('administrative', 'escalate', { reason: 'needs_contract_change', handoff: 'h' });
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.match(/last tier/);
  });

  it("staff filing for another office's member get the ticket without the member's details, and no email goes out unless asked", async () => {
    // A Charleroi member whose last mail bounced; a Liège advisor types their address.
    const member = await MemberModel.create({
      name: 'Véronique Secret',
      email: 'v.secret@example.be',
      memberNumber: 'M-770001',
      language: 'nl',
      office: org.offices.charleroi,
    });
    await MemberModel.collection.updateOne({ _id: member._id }, { $set: { lastBounce: { at: new Date(), status: '5.1.1', diagnostic: 'mailbox unknown' } } });
    const body = {
      subject: 'Appel téléphonique',
      body: 'La personne a appelé pour une attestation.',
      member: { name: 'Appelante', email: 'V.Secret@example.be' },
    };
    const res = await request(app).post('/api/v1/tickets').set(auth('advisorLiege')).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const ticket = (res.body as { ticket: TicketJson & { office: string; language: string; withheldMember: unknown } }).ticket;
    expect(JSON.stringify(res.body)).not.to.include('Véronique').and.not.to.include('M-770001');
    const detail = await request(app).get(`/api/v1/tickets/${ticket.id}`).set(auth('advisorLiege')).expect(200);
    expect(JSON.stringify(detail.body)).not.to.include('Véronique').and.not.to.include('M-770001');
    const page = await (await signedIn(app, org.staff.advisorLiege.email)).get(`/staff/tickets/${ticket.id}`).expect(200);
    expect(page.text).to.include('Appelante').and.include('membre d’un autre bureau');
    expect(page.text).not.to.include('M-770001').and.not.to.include('Véronique').and.not.to.include('mailbox unknown').and.not.to.include('5.1.1');
    // Attached to the member (their conversation stays whole), but nothing of theirs shows through.
    expect(ticket.office).to.equal(String(org.offices.liege));
    expect(ticket.language).to.equal('fr'); // not the member's Dutch
    expect(ticket.withheldMember).to.deep.equal({ name: 'Appelante', email: 'v.secret@example.be' });
    // The member did not ask for anything: no acknowledgement.
    expect(await Outbox.countDocuments({ ticket: ticket.id })).to.equal(0);
    // The history says the details were withheld (the audit of this creation).
    const history = await request(app).get(`/api/v1/tickets/${ticket.id}/history`).set(auth('advisorLiege')).expect(200);
    expect((history.body as { events: Array<{ type: string; data: Record<string, unknown> }> }).events[0]?.data).to.include({ memberWithheld: true });
    // An explicit choice sends the acknowledgement.
    const asked = await request(app)
      .post('/api/v1/tickets')
      .set(auth('advisorLiege'))
      .send({ ...body, subject: 'Avec accusé', acknowledge: true });
    expect(asked.status, JSON.stringify(asked.body)).to.equal(201);
    const askedId = (asked.body as { ticket: TicketJson }).ticket.id;
    expect(await Outbox.countDocuments({ ticket: askedId, template: 'ticket-acknowledgement' })).to.equal(1);
  });

  it('staff filing for a member of their own office see the member in full; still no acknowledgement by default', async () => {
    await MemberModel.create({ name: 'Luc Liégeois', email: 'luc.liegeois@example.be', memberNumber: 'M-770002', office: org.offices.liege });
    const res = await request(app)
      .post('/api/v1/tickets')
      .set(auth('advisorLiege'))
      .send({ subject: 'Appel', body: 'Question au téléphone.', member: { name: 'Luc', email: 'luc.liegeois@example.be' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const ticket = (res.body as { ticket: TicketJson & { withheldMember: unknown } }).ticket;
    expect(await Outbox.countDocuments({ ticket: ticket.id })).to.equal(0);
    const page = await (await signedIn(app, org.staff.advisorLiege.email)).get(`/staff/tickets/${ticket.id}`).expect(200);
    expect(page.text).to.include('M-770002').and.include('Luc Liégeois');
    expect(ticket.withheldMember).to.equal(null);
  });

  it('refuses operator-shaped values and unknown keys with 400', async () => {
    const t = await createAsLiege();
    const payloads: [string, object][] = [
      ['/api/v1/tickets', { subject: { $ne: null }, body: 'x', member: { name: 'a', email: 'a@example.be' } }],
      ['/api/v1/tickets', { subject: 's', body: 'b', member: { name: 'a', email: { $gt: '' } } }],
      ['/api/v1/tickets', { subject: 's', body: 'b', member: { name: 'a', email: 'a@example.be' }, $where: '1' }],
      [`/api/v1/tickets/${t.id}/claim`, { version: { $gt: 0 } }],
      [`/api/v1/tickets/${t.id}/reassign`, { version: t.version, reason: 'x', assignee: { $ne: null } }],
      ['/api/v1/auth/login', { email: { $ne: null }, password: { $ne: null } }],
    ];
    for (const [path, body] of payloads) {
      const res = await request(app).post(path).set(auth('supervisorLiege')).send(body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).to.equal(400);
      expect(res.body.error.code).to.equal('validation_failed');
    }
    const res = await request(app).get('/api/v1/tickets?status[$ne]=closed').set(auth('advisorLiege'));
    expect(res.status).to.equal(400);
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    let res = await request(app).post('/api/v1/tickets').set(auth('advisorLiege')).set('Content-Type', 'application/json').send('{"subject": ');
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.match(/not valid JSON/);
    res = await request(app)
      .post('/api/v1/tickets')
      .set(auth('advisorLiege'))
      .send({ subject: 's', body: 'x'.repeat(2 * 1024 * 1024), member: { name: 'a', email: 'a@example.be' } });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('payload_too_large');
  });

  it('refuses expired, forged and alg:none tokens with 401', async () => {
    const claims = jwt.decode(tokens.advisorLiege ?? '') as Record<string, unknown>;
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, config.jwt.secret, { algorithm: 'HS256' });
    const forged = jwt.sign(claims, 'not-the-secret-not-the-secret-not-the-secret', { algorithm: 'HS256' });
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    for (const token of [expired, forged, none, 'garbage']) {
      const res = await request(app).get('/api/v1/tickets').set('Authorization', `Bearer ${token}`);
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthorized');
    }
    expect((await request(app).get('/api/v1/tickets')).status).to.equal(401);
  });

  it('serves a valid OpenAPI 3.1 document generated from the route table', async () => {
    const res = await request(app).get('/api/openapi.json');
    expect(res.status).to.equal(200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.paths['/v1/tickets/{id}/escalate']?.post).to.have.property('requestBody');
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
  });
});
