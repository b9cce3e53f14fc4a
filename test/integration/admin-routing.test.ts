/**
 * Offices, teams and the routing tester administered: a team's name, tier, office and mode change
 * (audited; a tier-1 team keeps an office); the tester answers with the team a real ticket with the
 * same facts gets from ticket creation, and the same explanation; the page shows it, escaped.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { MemberModel } from '../../server/members/member.model.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { claimTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { memberReply } from '../../server/tickets/member.commands.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { eventId, TicketEventModel } from '../../server/tickets/ticket-event.model.js';
import { RoutingRuleModel } from '../../server/routing/routing-rule.model.js';
import { clearRoutingCache } from '../../server/routing/routing.service.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildStaff, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { pageAgent, pageCsrf } from '../helpers/page-agent.js';
import { refusedInputs } from '../helpers/pages.js';

describe('administration: offices, teams and the routing tester', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let token: string;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
    token = await login(app, org.staff.administrator.email);
    await MemberModel.create({ name: 'Membre Liège', email: 'membre.liege@example.be', office: org.offices.liege });
    await RoutingRuleModel.create({ name: 'Factures en néerlandais', order: 10, match: { category: 'invoices', language: 'nl' }, team: org.teams.charleroi });
    clearRoutingCache();
  });

  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);

  it('answers like ticket creation: the same team and the same explanation', async () => {
    for (const facts of [
      { channel: 'phone', language: 'fr', email: 'membre.liege@example.be' },
      { channel: 'web', language: 'nl', category: 'invoices', email: 'membre.liege@example.be' },
      { channel: 'web', language: 'fr', email: 'inconnu@example.be' },
    ]) {
      const res = await auth(request(app).post('/api/v1/admin/routing/test')).send(facts).expect(200);
      const answer = (res.body as { routing: { team: { id: string }; explanation: string } }).routing;
      const ticket = await buildTicket(org, {
        channel: facts.channel as 'phone' | 'web',
        language: facts.language as 'fr' | 'nl',
        category: facts.category,
        office: undefined,
        member: { name: 'Membre', email: facts.email },
      });
      expect(answer.team.id, JSON.stringify(facts)).to.equal(String(ticket.team));
      expect(answer.explanation).to.equal(ticket.routing?.explanation);
    }
    await auth(request(app).post('/api/v1/admin/routing/test')).send({ channel: 'pigeon', language: 'fr' }).expect(400);
  });

  it('changes a team (name, mode, tier, office), audited; a tier-1 team keeps an office', async () => {
    const id = String(org.teams.support);
    const res = await auth(request(app).patch(`/api/v1/admin/teams/${id}`))
      .send({ name: 'Soutien', assignmentMode: 'least_loaded' })
      .expect(200);
    expect((res.body as { team: { name: string; assignmentMode: string } }).team).to.deep.include({ name: 'Soutien', assignmentMode: 'least_loaded' });
    const entry = await AuditEntryModel.findOne({ action: 'team.update', 'target.id': id }).lean();
    expect(entry?.before).to.deep.equal({ name: 'Équipe de soutien', assignmentMode: 'manual' });
    await auth(request(app).patch(`/api/v1/admin/teams/${id}`))
      .send({ tier: 1 })
      .expect(400);
    // The only tier-2 team may not leave tier 2 (escalations would find no team); once another serves it, it may.
    const lastOfTier = await auth(request(app).patch(`/api/v1/admin/teams/${id}`))
      .send({ tier: 1, office: String(org.offices.liege) })
      .expect(409);
    expect((lastOfTier.body as { error: { reason: string } }).error.reason).to.equal('last_team_of_tier');
    await auth(request(app).post('/api/v1/admin/teams')).send({ code: 'soutien-bis', name: 'Soutien bis', tier: 2, office: null }).expect(201);
    await auth(request(app).patch(`/api/v1/admin/teams/${id}`))
      .send({ tier: 1, office: String(org.offices.liege) })
      .expect(200);
    expect((await TeamModel.findById(id).lean())?.tier).to.equal(1);
    await auth(request(app).patch(`/api/v1/admin/teams/${id}`))
      .send({ tier: 2, office: null })
      .expect(200);
    await auth(request(app).patch(`/api/v1/admin/offices/${String(org.offices.liege)}`))
      .send({ name: 'Liège-Verviers' })
      .expect(200);
    await auth(request(app).patch('/api/v1/admin/offices/0123456789abcdef01234567')).send({ name: 'X' }).expect(404);
  });

  it('refuses to leave an office without a tier-1 team, or rules pointing at a team that leaves tier 1 (nothing changed); an office without one routes to the default office, saying why', async () => {
    // The rule "Factures en néerlandais" sends tickets to Conseil Charleroi.
    const inRules = await auth(request(app).patch(`/api/v1/admin/teams/${String(org.teams.charleroi)}`))
      .send({ tier: 2, office: null })
      .expect(409);
    expect((inRules.body as { error: { reason: string } }).error.reason).to.equal('team_in_rules');
    // Conseil Liège is Liège's only tier-1 team: moved to tier 2, or to Charleroi, Liège's requests would have nowhere to go.
    for (const change of [{ tier: 2, office: null }, { office: String(org.offices.charleroi) }]) {
      const last = await auth(request(app).patch(`/api/v1/admin/teams/${String(org.teams.liege)}`))
        .send(change)
        .expect(409);
      expect((last.body as { error: { reason: string } }).error.reason, JSON.stringify(change)).to.equal('last_tier_one_team');
    }
    expect(await TeamModel.findById(org.teams.liege).lean()).to.deep.include({ tier: 1, office: org.offices.liege });
    // The page says why, in its language, on the team's card.
    const agent = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(agent, '/staff/admin/offices');
    const refused = await agent
      .post(`/staff/admin/teams/${String(org.teams.liege)}?lang=en`)
      .type('form')
      .send({ _csrf: csrf, name: 'Conseil Liège', tier: '2', office: '', assignmentMode: 'manual' });
    expect(refused.status, /notice-error[^<]*/.exec(refused.text)?.[0]).to.equal(409);
    expect(refused.text).to.include('Conseil Liège: This is the only active tier-1 team of its office');
    // A new office with no tier-1 team yet: its members' requests go to the default office's, and the reason says so.
    const namur = await OfficeModel.create({ code: 'namur', name: 'Namur' });
    await MemberModel.create({ name: 'Membre Namur', email: 'membre.namur@example.be', office: namur._id });
    clearRoutingCache();
    const routed = await auth(request(app).post('/api/v1/admin/routing/test'))
      .send({ channel: 'web', language: 'fr', email: 'membre.namur@example.be' })
      .expect(200);
    const answer = (routed.body as { routing: { team: { id: string }; explanation: string } }).routing;
    expect(answer.team.id).to.equal(String(org.teams.charleroi));
    expect(answer.explanation).to.include('Namur, which has no active tier-1 team, so the default office (Charleroi)');
    const page = await agent
      .post('/staff/admin/routing?lang=fr')
      .type('form')
      .send({ _csrf: csrf, channel: 'web', language: 'fr', category: '', email: 'membre.namur@example.be' })
      .expect(200);
    expect(page.text)
      .to.include('le bureau du membre est Namur')
      .and.include('Namur n’a pas d’équipe de niveau 1 active : la demande est allée à Conseil Charleroi, du bureau par défaut (Charleroi).');
    await OfficeModel.deleteOne({ _id: namur._id });
    clearRoutingCache();
  });

  it('opens an office and forms its team (API and page, audited, administrators only); a code taken is said beside it; a team with open requests is not deactivated', async () => {
    // Others are refused before anything is written.
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app).post('/api/v1/admin/offices').set('Authorization', `Bearer ${supervisor}`).send({ code: 'namur', name: 'Namur' }).expect(403);
    await request(app)
      .post('/api/v1/admin/teams')
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ code: 'conseil-namur', name: 'Conseil Namur', tier: 1, office: String(org.offices.liege) })
      .expect(403);
    expect(await OfficeModel.countDocuments({ code: 'namur' })).to.equal(0);
    // The API: bad input 400, a tier-1 team without an office 400, a code taken 409.
    await auth(request(app).post('/api/v1/admin/offices')).send({ code: 'Namur!', name: 'Namur' }).expect(400);
    await auth(request(app).post('/api/v1/admin/offices')).send({ code: 'namur', name: 'Namur', isDefault: true }).expect(400);
    const office = await auth(request(app).post('/api/v1/admin/offices'))
      .send({ code: 'namur', name: 'Namur', labels: { fr: null, nl: 'Namen', en: null } })
      .expect(201);
    const namur = (office.body as { office: { id: string; routingModel: string } }).office;
    expect(namur.routingModel).to.equal('tiered');
    const taken = await auth(request(app).post('/api/v1/admin/offices')).send({ code: 'namur', name: 'Namur bis' }).expect(409);
    expect((taken.body as { error: { reason: string } }).error.reason).to.equal('code_taken');
    await auth(request(app).post('/api/v1/admin/teams')).send({ code: 'conseil-namur', name: 'Conseil Namur', tier: 1, office: null }).expect(400);
    const team = await auth(request(app).post('/api/v1/admin/teams'))
      .send({ code: 'conseil-namur', name: 'Conseil Namur', tier: 1, office: namur.id, assignmentMode: 'round_robin' })
      .expect(201);
    const teamId = (team.body as { team: { id: string } }).team.id;
    expect(
      await AuditEntryModel.countDocuments({ action: { $in: ['office.create', 'team.create'] }, 'target.label': { $in: ['Namur', 'Conseil Namur'] } }),
    ).to.equal(2);
    // A member of Namur now lands on its own team.
    await MemberModel.create({ name: 'Membre Namur', email: 'membre.namur2@example.be', office: namur.id });
    const routed = await auth(request(app).post('/api/v1/admin/routing/test'))
      .send({ channel: 'web', language: 'fr', email: 'membre.namur2@example.be' })
      .expect(200);
    expect((routed.body as { routing: { team: { id: string } } }).routing.team.id).to.equal(teamId);
    // With an open request in its queue, the team stays; once empty, it is deactivated (and may not be the last tier-1 team of Namur then).
    const ticket = await buildTicket(org, { office: namur.id as never, member: { name: 'Membre Namur', email: 'membre.namur2@example.be' } });
    expect(String(ticket.team)).to.equal(teamId);
    await auth(request(app).post('/api/v1/admin/teams')).send({ code: 'soutien-namur', name: 'Soutien Namur', tier: 1, office: namur.id }).expect(201);
    const busy = await auth(request(app).patch(`/api/v1/admin/teams/${teamId}`))
      .send({ active: false })
      .expect(409);
    expect((busy.body as { error: { reason: string } }).error.reason).to.equal('team_has_tickets');
    // Moved to tier 3 meanwhile, it still holds the tier-1 request it had: still not deactivated (review).
    await auth(request(app).patch(`/api/v1/admin/teams/${teamId}`))
      .send({ tier: 3 })
      .expect(200);
    const moved = await auth(request(app).patch(`/api/v1/admin/teams/${teamId}`))
      .send({ active: false })
      .expect(409);
    expect((moved.body as { error: { reason: string } }).error.reason).to.equal('team_has_tickets');

    // The page: a new office typed with a code taken keeps what was typed and says it beside the code.
    const agent = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(agent, '/staff/admin/offices');
    const again = await agent
      .post('/staff/admin/offices?lang=en')
      .type('form')
      .send({ _csrf: csrf, code: 'namur', name: 'Namur <bis>', routingModel: 'polyvalent' });
    expect(again.status).to.equal(409);
    expect(refusedInputs(again.text)).to.deep.equal({ code: 'This code already exists: choose another one.' });
    expect(again.text).to.include('value="Namur &lt;bis&gt;"').and.include('<option value="polyvalent" selected>');
    const opened = await agent.post('/staff/admin/offices').type('form').send({ _csrf: csrf, code: 'dinant', name: 'Dinant', routingModel: 'tiered' });
    expect([opened.status, opened.headers.location]).to.deep.equal([303, '/staff/admin/offices?done=office_created#teams-title']);
    const dinant = await OfficeModel.findOne({ code: 'dinant' }).lean();
    const formed = await agent
      .post('/staff/admin/teams')
      .type('form')
      .send({ _csrf: csrf, code: 'conseil-dinant', name: 'Conseil Dinant', tier: '1', office: String(dinant?._id), assignmentMode: 'manual' });
    expect(formed.status).to.equal(303);
    const page = await agent.get('/staff/admin/offices?done=team_created').expect(200);
    expect(page.text).to.include('Team formed.').and.include('Conseil Dinant');
    // Reopening the address a refused form was sent to gives the page, not "not found".
    expect((await agent.get('/staff/admin/teams')).headers.location).to.equal('/staff/admin/offices');
    await OfficeModel.deleteMany({ code: { $in: ['namur', 'dinant'] } });
    await TeamModel.deleteMany({ code: { $in: ['conseil-namur', 'soutien-namur', 'conseil-dinant'] } });
    clearRoutingCache();
  });

  it('closes an office with its teams once no staff member, rule or open request is left in it (API and page, audited); its members then go to the default office, saying why', async () => {
    const office = ((await auth(request(app).post('/api/v1/admin/offices')).send({ code: 'huy', name: 'Huy' }).expect(201)).body as { office: { id: string } })
      .office;
    const team = (
      (await auth(request(app).post('/api/v1/admin/teams')).send({ code: 'conseil-huy', name: 'Conseil Huy', tier: 1, office: office.id }).expect(201))
        .body as {
        team: { id: string };
      }
    ).team;
    const huy = new Types.ObjectId(office.id);
    const advisor = await buildStaff({ name: 'Conseillère Huy', roles: ['advisor'], team: new Types.ObjectId(team.id), tier: 1, office: huy });
    await MemberModel.create({ name: 'Membre Huy', email: 'membre.huy@example.be', office: huy });
    const ticket = await buildTicket(org, { actor: advisor, office: huy, member: { name: 'Membre Huy', email: 'membre.huy@example.be' } });
    expect(String(ticket.team)).to.equal(team.id);
    const rule = await RoutingRuleModel.create({ name: 'Anglais → Huy', order: 50, match: { language: 'en' }, team: team.id });
    clearRoutingCache();
    const close = (id: string) => auth(request(app).patch(`/api/v1/admin/offices/${id}`)).send({ active: false });
    const reason = (r: request.Response) => (r.body as { error: { reason: string } }).error.reason;

    // Others may not; the default office never closes; then each thing left in Huy is named, one at a time.
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app).patch(`/api/v1/admin/offices/${office.id}`).set('Authorization', `Bearer ${supervisor}`).send({ active: false }).expect(403);
    expect(reason(await close(String(org.offices.charleroi)).expect(409))).to.equal('office_is_default');
    expect(reason(await close(office.id).expect(409))).to.equal('office_has_staff');
    // Of another office but in one of its teams: still someone left in it (review).
    await StaffModel.updateOne({ _id: advisor.id }, { $set: { office: org.offices.liege } });
    expect(reason(await close(office.id).expect(409))).to.equal('office_has_staff');
    await StaffModel.updateOne({ _id: advisor.id }, { $set: { team: org.teams.liege } });
    expect(reason(await close(office.id).expect(409))).to.equal('office_in_rules');
    await RoutingRuleModel.updateOne({ _id: rule._id }, { $set: { active: false } });
    expect(reason(await close(office.id).expect(409))).to.equal('office_has_tickets');
    expect(await OfficeModel.countDocuments({ _id: huy, active: true }), 'nothing changed').to.equal(1);

    // The page: refused on the card (whose, and why), then closed once the request is resolved.
    const agent = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(agent, '/staff/admin/offices');
    const card = { _csrf: csrf, name: 'Huy', routingModel: 'tiered', activeShown: '1' };
    const refused = await agent.post(`/staff/admin/offices/${office.id}?lang=en`).type('form').send(card);
    expect(refused.status).to.equal(409);
    expect(refused.text).to.include('Huy').and.include('Open requests still belong to this office: reassign or resolve them first.');
    const claimed = await claimTicket({ actor: advisor, ticketId: String(ticket._id), version: ticket.version });
    await resolveTicket({ actor: advisor, ticketId: String(ticket._id), version: claimed.version });
    // A second one, escalated to the support team (tier 2, every office's) and resolved there.
    const second = await buildTicket(org, { actor: advisor, office: huy, member: { name: 'Membre Huy', email: 'membre.huy@example.be' } });
    const held = await claimTicket({ actor: advisor, ticketId: String(second._id), version: second.version });
    const up = await escalateTicket({
      actor: advisor,
      ticketId: String(second._id),
      version: held.version,
      reason: 'needs_contract_change',
      handoff: 'Avenant reçu.',
    });
    const accepted = await claimTicket({ actor: org.staff.support, ticketId: String(second._id), version: up.version });
    await resolveTicket({ actor: org.staff.support, ticketId: String(second._id), version: accepted.version });
    const closed = await agent.post(`/staff/admin/offices/${office.id}`).type('form').send(card);
    expect([closed.status, closed.headers.location]).to.deep.equal([303, '/staff/admin/offices?done=office']);
    expect((await OfficeModel.findById(huy).lean())?.active).to.equal(false);
    expect((await TeamModel.findById(team.id).lean())?.active, 'its team closes with it').to.equal(false);
    expect(await AuditEntryModel.countDocuments({ action: 'office.update', 'target.id': office.id, 'after.active': false })).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ action: 'team.update', 'target.id': team.id, 'after.active': false })).to.equal(1);
    const page = await agent.get('/staff/admin/offices?lang=en').expect(200);
    const huyCard = page.text.slice(page.text.indexOf(`id="office-${office.id}-title"`));
    expect(huyCard.slice(0, huyCard.indexOf('</form>')))
      .to.include('closed')
      .and.include('name="active" value="1" aria-describedby');
    expect(huyCard.slice(0, huyCard.indexOf('</form>'))).to.not.include('value="1" checked');
    // The default office's card offers no closing.
    const defaultCard = page.text.slice(page.text.indexOf(`id="office-${String(org.offices.charleroi)}-title"`));
    expect(defaultCard.slice(0, defaultCard.indexOf('</form>'))).to.not.include('name="active"');

    // Staff may not file a request for it any more (400, the office named).
    const advisorToken = await login(app, org.staff.advisorLiege.email);
    const filed = await request(app)
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${advisorToken}`)
      .send({ subject: 'Appel', body: 'Au téléphone.', member: { name: 'Membre Huy', email: 'membre.huy@example.be' }, office: 'huy' })
      .expect(400);
    expect(JSON.stringify(filed.body)).to.include('this office is closed');
    // A member of Huy now goes to the default office, and the routing says why.
    const routed = await auth(request(app).post('/api/v1/admin/routing/test'))
      .send({ channel: 'web', language: 'fr', email: 'membre.huy@example.be' })
      .expect(200);
    const answer = (routed.body as { routing: { office: { id: string }; explanation: string; facts: { closedOffice?: string } } }).routing;
    expect(answer.office.id).to.equal(String(org.offices.charleroi));
    expect(answer.explanation).to.include("the member's office is closed");
    expect(answer.facts.closedOffice).to.equal(office.id);
    const tester = await agent
      .post('/staff/admin/routing?lang=fr')
      .type('form')
      .send({ _csrf: csrf, channel: 'web', language: 'fr', email: 'membre.huy@example.be' });
    expect(tester.text).to.include('le bureau du membre (Huy) est fermé, donc le bureau par défaut (Charleroi)');
    // The member answers the resolved request: it comes back to work in the default office's queue, unheld (its team has closed), and the trail says why.
    const member = { kind: 'member' as const, id: ticket.member, name: 'Membre Huy', email: 'membre.huy@example.be' };
    const answered = await memberReply({ actor: member, ticketId: String(ticket._id), text: 'Le problème est revenu ce matin.', channel: 'web' });
    expect(answered.status).to.equal('open');
    const resumed = await loadTicket(String(ticket._id));
    expect([String(resumed?.office), String(resumed?.team), resumed?.tier, resumed?.assignee]).to.deep.equal([
      String(org.offices.charleroi),
      String(org.teams.charleroi),
      1,
      null,
    ]);
    const event = await TicketEventModel.findById(eventId(ticket._id, resumed?.version ?? 0)).lean();
    expect(event?.note).to.include('its office has closed since');
    // The escalated one comes back at its own tier, the default office's (the support team serves every office), still escalated.
    await memberReply({ actor: member, ticketId: String(second._id), text: 'Toujours pas reçu l’avenant signé.', channel: 'email' });
    const back = await loadTicket(String(second._id));
    expect([String(back?.office), String(back?.team), back?.tier, back?.assignee]).to.deep.equal([
      String(org.offices.charleroi),
      String(org.teams.support),
      2,
      null,
    ]);
    expect(back?.escalated?.reason).to.equal('needs_contract_change');
    // No team joins a closed office, and none of its teams is reactivated while it is closed (review).
    const moved = await auth(request(app).patch(`/api/v1/admin/teams/${String(org.teams.liege)}`))
      .send({ office: office.id })
      .expect(400);
    expect(JSON.stringify(moved.body)).to.include('this office is closed');
    expect(
      reason(
        await auth(request(app).patch(`/api/v1/admin/teams/${team.id}`))
          .send({ active: true })
          .expect(409),
      ),
    ).to.equal('office_closed');
    // Reopened: the office only (its teams are reopened one by one).
    await auth(request(app).patch(`/api/v1/admin/offices/${office.id}`))
      .send({ active: true })
      .expect(200);
    expect((await TeamModel.findById(team.id).lean())?.active).to.equal(false);
    await OfficeModel.deleteOne({ _id: huy });
    await TeamModel.deleteOne({ _id: team.id });
    await RoutingRuleModel.deleteOne({ _id: rule._id });
    clearRoutingCache();
  });

  it('shows offices, teams, rules and the tester on the pages, escaped', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const offices = await agent.get('/staff/admin/offices').expect(200);
    expect(offices.text).to.include('Liège-Verviers').and.include('Conseil Charleroi');
    // Listed by the names the page shows, not by the base names behind them ("Charleroi" shown as "Zone de Charleroi").
    await agent
      .post(`/staff/admin/offices/${String(org.offices.charleroi)}`)
      .type('form')
      .send({ _csrf: await pageCsrf(agent, '/staff/admin/offices'), name: 'Charleroi', labels_fr: 'Zone de Charleroi', routingModel: 'tiered' })
      .expect(303);
    const relabelled = await agent.get('/staff/admin/offices').expect(200);
    // Each office's card is named by its heading (the form's accessible name).
    const shown = [...relabelled.text.matchAll(/<h3 class="admin-card-title" id="office-[0-9a-f]{24}-title">([^<]+?) <span/g)].map((m) => m[1] ?? '');
    expect(shown).to.include('Zone de Charleroi').and.include('Liège-Verviers');
    expect(shown).to.deep.equal([...shown].sort((a, b) => a.localeCompare(b, 'fr')));
    const csrf = await pageCsrf(agent, '/staff/admin/offices');
    await agent
      .post(`/staff/admin/teams/${String(org.teams.charleroi)}`)
      .type('form')
      .send({ _csrf: csrf, name: 'Conseil <Charleroi>', tier: '1', office: String(org.offices.charleroi), assignmentMode: 'round_robin' })
      .expect(303);
    // A refused form names the field as the page labels it, in the page's language, and why.
    const empty = await agent
      .post(`/staff/admin/offices/${String(org.offices.liege)}?lang=nl`)
      .type('form')
      .send({ _csrf: csrf, name: '', routingModel: 'tiered' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('Controleer deze velden: Basisnaam (verplicht).').and.not.include('velden: name');
    // Named whose form it is, and marked beside the field in that form only.
    expect(empty.text).to.include('Liège-Verviers: Controleer deze velden');
    expect(refusedInputs(empty.text)).to.deep.equal({ name: 'verplicht' });
    const liegeCard = empty.text.slice(empty.text.indexOf(`id="office-${String(org.offices.liege)}-title"`));
    expect(liegeCard.slice(0, liegeCard.indexOf('</form>'))).to.include('aria-invalid="true"');
    const team = await agent
      .post(`/staff/admin/teams/${String(org.teams.charleroi)}?lang=fr`)
      .type('form')
      .send({ _csrf: csrf, name: 'Conseil', tier: '1', office: 'x'.repeat(31), assignmentMode: 'round_robin' });
    expect(team.status).to.equal(400);
    expect(team.text).to.include('Vérifiez ces champs : Bureau (30 caractères au plus).');
    expect(refusedInputs(team.text)).to.deep.equal({ office: '30 caractères au plus' });
    // The other fields of the refused form show what was typed, not what is stored ("Conseil <Charleroi>").
    const teamCard = team.text.slice(team.text.indexOf(`id="team-${String(org.teams.charleroi)}-title"`));
    expect(teamCard.slice(0, teamCard.indexOf('</form>'))).to.include('name="name" value="Conseil"');
    const after = await agent.get('/staff/admin/offices').expect(200);
    expect(after.text).to.include('Conseil &lt;Charleroi&gt;');
    const routing = await agent.get('/staff/admin/routing').expect(200);
    expect(routing.text).to.include('Factures en néerlandais');
    const tried = await agent
      .post('/staff/admin/routing')
      .type('form')
      .send({ _csrf: csrf, channel: 'web', language: 'nl', category: 'invoices', email: '' })
      .expect(200);
    expect(tried.text, /notice-error[^<]*<\/p>/.exec(tried.text)?.[0])
      .to.include('class="admin-preview routing-answer"')
      .and.include('Conseil &lt;Charleroi&gt;');
  });
});
