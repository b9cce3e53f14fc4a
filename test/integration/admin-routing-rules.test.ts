/**
 * Routing rules administered: a rule created, reordered or deactivated changes what the tester
 * ("which team would this ticket go to?") answers — and what ticket creation does; a rule naming a
 * team that could never receive a new ticket (tier 2, or unknown) is refused; every change audited;
 * the page creates, edits and moves rules.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { CategoryModel } from '../../server/catalog/category.model.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { RoutingRuleModel } from '../../server/routing/routing-rule.model.js';
import { clearRoutingCache } from '../../server/routing/routing.service.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { pageAgent, pageCsrf } from '../helpers/page-agent.js';
import { refusedInputs } from '../helpers/pages.js';
import { knownMailboxes } from '../../server/mail/inbound/smtp-receiver.js';

interface RuleJson {
  id: string;
  name: string;
  order: number;
  active: boolean;
  match: Record<string, string | null>;
  team: string;
}

describe('administration: routing rules edited, reordered, deactivated', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let token: string;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
    token = await login(app, org.staff.administrator.email);
    clearRoutingCache();
  });

  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  const facts = { channel: 'email', language: 'nl', category: 'invoices' };
  const routedTo = async (): Promise<string> =>
    ((await auth(request(app).post('/api/v1/admin/routing/test')).send(facts).expect(200)).body as { routing: { team: { id: string } } }).routing.team.id;
  const rules = async (): Promise<RuleJson[]> =>
    ((await auth(request(app).get('/api/v1/admin/routing/rules')).expect(200)).body as { rules: RuleJson[] }).rules;
  const rule = (name: string, team: unknown, match: Record<string, string | null>, order = 10) => ({ name, order, match, team: String(team) });

  it('creates rules: the tester and ticket creation follow; reordering changes which rule wins (audited)', async () => {
    const defaultTeam = await routedTo();
    await auth(request(app).post('/api/v1/admin/routing/rules'))
      .send(rule('Factures néerlandais → Liège', org.teams.liege, { category: 'invoices', language: 'nl' }, 10))
      .expect(201);
    expect(await routedTo())
      .to.equal(String(org.teams.liege))
      .and.not.equal(defaultTeam);
    const ticket = await buildTicket(org, {
      channel: 'email',
      language: 'nl',
      category: 'invoices',
      office: undefined,
      member: { name: 'M', email: 'm.nl@example.be' },
    });
    expect(String(ticket.team)).to.equal(String(org.teams.liege));
    await auth(request(app).post('/api/v1/admin/routing/rules'))
      .send(rule('Courriel → Charleroi', org.teams.charleroi, { channel: 'email' }, 20))
      .expect(201);
    expect(await routedTo()).to.equal(String(org.teams.liege));
    const [first, second] = await rules();
    const reordered = await auth(request(app).post('/api/v1/admin/routing/rules/order'))
      .send({ ids: [second?.id, first?.id] })
      .expect(200);
    expect((reordered.body as { rules: RuleJson[] }).rules.map((r) => r.name)).to.deep.equal(['Courriel → Charleroi', 'Factures néerlandais → Liège']);
    expect(await routedTo()).to.equal(String(org.teams.charleroi));
    const entry = await AuditEntryModel.findOne({ action: 'routing_rule.reorder' }).lean();
    expect(entry?.after).to.deep.equal({ order: ['Courriel → Charleroi', 'Factures néerlandais → Liège'] });
    expect(await AuditEntryModel.countDocuments({ action: 'routing_rule.create' })).to.equal(2);
    // A list that is not every rule once is refused.
    await auth(request(app).post('/api/v1/admin/routing/rules/order'))
      .send({ ids: [first?.id] })
      .expect(400);
  });

  it('deactivates a rule (the next one wins again) and refuses rules that could never apply', async () => {
    const emailRule = (await rules()).find((r) => r.name === 'Courriel → Charleroi') as RuleJson & { neverApplies?: unknown };
    // What the list adds (read-only) is not sent back.
    const { id, neverApplies: _derived, ...body } = emailRule;
    await auth(request(app).put(`/api/v1/admin/routing/rules/${id}`))
      .send({ ...body, active: false })
      .expect(200);
    expect(await routedTo()).to.equal(String(org.teams.liege));
    expect(await AuditEntryModel.countDocuments({ action: 'routing_rule.deactivate', 'target.id': id })).to.equal(1);
    const refused = await auth(request(app).post('/api/v1/admin/routing/rules'))
      .send(rule('Vers le soutien', org.teams.support, {}))
      .expect(400);
    expect(JSON.stringify(refused.body)).to.include('tier-1');
    await auth(request(app).post('/api/v1/admin/routing/rules'))
      .send(rule('Inconnue', '0123456789abcdef01234567', {}))
      .expect(400);
    await auth(request(app).post('/api/v1/admin/routing/rules'))
      .send(rule('Catégorie inconnue', org.teams.liege, { category: 'nope_nope' }))
      .expect(400);
    await auth(request(app).post('/api/v1/admin/routing/rules'))
      .send(rule('Canal', org.teams.liege, { channel: 'pigeon' }))
      .expect(400);
    await auth(request(app).put('/api/v1/admin/routing/rules/0123456789abcdef01234567'))
      .send(rule('X', org.teams.liege, {}))
      .expect(404);
    // The API takes only a mailbox mail arrives by, as the page does, and says which ones there are.
    const typo = await auth(request(app).post('/api/v1/admin/routing/rules'))
      .send(rule('Boîte inconnue', org.teams.liege, { mailbox: 'pas une adresse' }))
      .expect(400);
    expect((typo.body as { error: { message: string; fields: unknown[] } }).error.message).to.include(testConfig().inboundAddress);
    expect((typo.body as { error: { fields: unknown[] } }).error.fields).to.deep.include({
      path: 'match.mailbox',
      message: 'not a mailbox mail arrives by',
      reason: { code: 'one_of', options: knownMailboxes(testConfig()) },
    });
    await auth(request(app).put(`/api/v1/admin/routing/rules/${id}`))
      .send({ ...body, active: false, match: { ...body.match, mailbox: 'pas une adresse' } })
      .expect(400);
    await auth(request(app).put(`/api/v1/admin/routing/rules/${id}`))
      .send({ ...body, active: false, match: { ...body.match, mailbox: testConfig().inboundAddress.toUpperCase() } })
      .expect(200);
    expect((await RoutingRuleModel.findById(id).lean())?.match?.mailbox).to.equal(testConfig().inboundAddress);
    expect(await RoutingRuleModel.countDocuments({})).to.equal(2);
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app)
      .post('/api/v1/admin/routing/rules')
      .set('Authorization', `Bearer ${supervisor}`)
      .send(rule('S', org.teams.liege, {}))
      .expect(403);
  });

  it('creates, edits and moves rules on the page; a refusal keeps what was typed', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(agent, '/staff/admin/routing');
    const refused = await agent
      .post('/staff/admin/routing/rules')
      .type('form')
      .send({ _csrf: csrf, name: 'Soutien <direct>', order: '30', active: '1', team: String(org.teams.support) });
    expect(refused.status).to.equal(400);
    expect(refused.text).to.include('value="Soutien &lt;direct&gt;"').and.include('id="rule-form"');
    // Why, beside the field and above the form: the support team is not a tier-1 team of an office.
    expect(refusedInputs(refused.text)).to.deep.equal({ team: 'une équipe de niveau 1 qui sert un bureau' });
    expect(refused.text).to.include('Équipe (niveau 1) (une équipe de niveau 1 qui sert un bureau)');
    await agent
      .post('/staff/admin/routing/rules')
      .type('form')
      .send({ _csrf: csrf, name: 'Téléphone <Liège>', order: '30', active: '1', channel: 'phone', team: String(org.teams.liege) })
      .expect(303);
    const page = await agent.get('/staff/admin/routing?done=rule_created').expect(200);
    expect(page.text).to.include('Téléphone &lt;Liège&gt;').and.not.include('Téléphone <Liège>');
    const created = await RoutingRuleModel.findOne({ name: 'Téléphone <Liège>' }).lean();
    const id = String(created?._id);
    // Moved up: it now comes before the one that was second.
    await agent.post(`/staff/admin/routing/rules/${id}/move`).type('form').send({ _csrf: csrf, direction: 'up' }).expect(303);
    expect((await rules()).map((r) => r.name)).to.deep.equal(['Courriel → Charleroi', 'Téléphone <Liège>', 'Factures néerlandais → Liège']);
    const edit = await agent.get(`/staff/admin/routing/rules/${id}`).expect(200);
    expect(edit.text).to.include('name="active" value="1" checked');
    await agent
      .post(`/staff/admin/routing/rules/${id}`)
      .type('form')
      .send({ _csrf: csrf, name: 'Téléphone Liège', order: '20', channel: 'phone', team: String(org.teams.liege) })
      .expect(303);
    const saved = await RoutingRuleModel.findById(id).lean();
    expect(saved).to.deep.include({ name: 'Téléphone Liège', active: false });
    // A mailbox mail never arrives by would never match: refused, naming the field; the form offers the real ones.
    const typo = await agent
      .post(`/staff/admin/routing/rules/${id}`)
      .type('form')
      .send({ _csrf: csrf, name: 'Téléphone Liège', order: '20', channel: 'email', mailbox: 'pas une adresse', team: String(org.teams.liege) });
    expect(typo.status).to.equal(400);
    expect(typo.text).to.include('Boîte').and.include('value="pas une adresse"');
    expect(refusedInputs(typo.text)).to.deep.equal({ mailbox: `l’une de celles-ci : ${knownMailboxes(testConfig()).join(', ')}` });
    expect(typo.text).to.include(`<datalist id="rule-mailboxes"><option value="${testConfig().inboundAddress}"></option>`);
    await agent
      .post(`/staff/admin/routing/rules/${id}`)
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Téléphone Liège',
        order: '20',
        channel: 'email',
        mailbox: testConfig().inboundAddress.toUpperCase(),
        team: String(org.teams.liege),
      })
      .expect(303);
    expect((await RoutingRuleModel.findById(id).lean())?.match?.mailbox).to.equal(testConfig().inboundAddress);
    const supervisor = await pageAgent(app, org.staff.supervisorLiege.email);
    await supervisor.get(`/staff/admin/routing/rules/${id}`).expect(403);
  });

  it('the new rule form names channels, offices and teams in the page’s language, as the tester does', async () => {
    await OfficeModel.updateOne({ _id: org.offices.liege }, { $set: { labels: { fr: null, nl: 'Luik', en: null } } });
    await TeamModel.updateOne({ _id: org.teams.liege }, { $set: { labels: { fr: null, nl: 'Advies Luik', en: null } } });
    clearRoutingCache();
    try {
      const agent = await pageAgent(app, org.staff.administrator.email);
      const nl = await agent.get('/staff/admin/routing?lang=nl').expect(200);
      const form = nl.text.slice(nl.text.indexOf('id="rule-form"'));
      expect(form).to.include('<option value="phone">Telefoon</option>').and.include('<option value="web">Webformulier</option>');
      expect(form).to.include(`<option value="${String(org.offices.liege)}">Luik</option>`);
      expect(form).to.include('>Advies Luik (Luik)</option>').and.not.include('Conseil Liège');
      expect(form).to.include('Kantoor van het lid').and.include('‘alles’ filtert niet');
      const fr = await agent.get('/staff/admin/routing?lang=fr').expect(200);
      const frForm = fr.text.slice(fr.text.indexOf('id="rule-form"'));
      expect(frForm).to.include('<option value="phone">Téléphone</option>').and.include('>Conseil Liège (Liège)</option>');
      expect(frForm).to.include('Bureau du membre').and.include('« tout » ne filtre pas');
    } finally {
      await OfficeModel.updateOne({ _id: org.offices.liege }, { $unset: { labels: 1 } });
      await TeamModel.updateOne({ _id: org.teams.liege }, { $unset: { labels: 1 } });
    }
  });

  it('says which rules never apply: on the list, on the rule’s page and in the API (a copy saved below its original)', async () => {
    const create = async (r: ReturnType<typeof rule>): Promise<RuleJson> =>
      ((await auth(request(app).post('/api/v1/admin/routing/rules')).send(r).expect(201)).body as { rule: RuleJson }).rule;
    const original = await create(rule('Contrats <Mons>', org.teams.liege, { category: 'contracts', language: 'fr' }, 900));
    const copy = await create(rule('Contrats (copie)', org.teams.charleroi, { category: 'contracts', language: 'fr', channel: 'web' }, 910));
    // Asking for a mailbox and another channel than email matches nothing: refused, the channel named.
    const both = rule('Formulaire à la boîte', org.teams.liege, { channel: 'web', mailbox: testConfig().inboundAddress }, 920);
    const refused = await auth(request(app).post('/api/v1/admin/routing/rules')).send(both).expect(400);
    expect((refused.body as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path)).to.deep.equal(['match.channel']);
    // One stored before that check (as an older version let it be) is said to never apply.
    const stored = await RoutingRuleModel.create({ ...both, team: org.teams.liege });
    const impossible = { id: String(stored._id) };
    try {
      const listed = new Map((await rules()).map((r) => [r.id, (r as RuleJson & { neverApplies: unknown }).neverApplies]));
      expect(listed.get(copy.id)).to.deep.equal({ kind: 'shadowed', by: ['Contrats <Mons>'] });
      expect(listed.get(impossible.id)).to.deep.equal({ kind: 'impossible' });
      expect(listed.get(original.id)).to.equal(null);

      const agent = await pageAgent(app, org.staff.administrator.email);
      const csrf = await pageCsrf(agent, '/staff/admin/routing');
      const form = await agent
        .post('/staff/admin/routing/rules')
        .type('form')
        .send({
          _csrf: csrf,
          name: 'Formulaire à la boîte',
          order: '930',
          active: '1',
          channel: 'web',
          mailbox: testConfig().inboundAddress,
          team: String(org.teams.liege),
        });
      expect(form.status).to.equal(400);
      expect(refusedInputs(form.text)).to.deep.equal({ channel: 'seuls les e-mails arrivent à une boîte : le canal e-mail, ou tout' });
      const page = await agent.get('/staff/admin/routing').expect(200);
      const row = (name: string) => page.text.slice(page.text.indexOf(name), page.text.indexOf('</tr>', page.text.indexOf(name)));
      expect(row('Contrats (copie)')).to.include('class="rule-never"').and.include('prise d’abord par « Contrats &lt;Mons&gt; »');
      expect(row('Formulaire à la boîte')).to.include('seuls les e-mails arrivent à une boîte');
      expect(row('Contrats &lt;Mons&gt;')).to.not.include('rule-never');
      const own = await agent.get(`/staff/admin/routing/rules/${copy.id}?lang=en`).expect(200);
      expect(own.text).to.include('id="never-applies"').and.include('Never applies: every request it matches is taken first by “Contrats &lt;Mons&gt;”');
      // Its category deactivated, a rule never applies; its form keeps the category, marked, so a save does not widen it to "any" (review).
      await CategoryModel.updateOne({ code: 'contracts' }, { $set: { active: false } });
      clearRoutingCache();
      try {
        expect((await rules()).find((r) => r.id === original.id))
          .to.have.property('neverApplies')
          .that.deep.equals({ kind: 'inactive_category' });
        const form = await agent.get(`/staff/admin/routing/rules/${original.id}?lang=fr`).expect(200);
        expect(form.text).to.include('<option value="contracts" selected>Contrats (désactivée)</option>').and.include('sa catégorie est désactivée');
        // The categories page says it too, beside the deactivated category.
        const catalog = await agent.get('/staff/admin/categories?lang=fr').expect(200);
        expect(catalog.text).to.include('Des règles d’arrivée la nomment et ne s’appliquent donc plus : « Contrats &lt;Mons&gt; », « Contrats (copie) »');
      } finally {
        await CategoryModel.updateOne({ code: 'contracts' }, { $set: { active: true } });
        clearRoutingCache();
      }
      // The original deactivated, the copy applies again.
      const { id, neverApplies: _derived, ...body } = original as RuleJson & { neverApplies?: unknown };
      await auth(request(app).put(`/api/v1/admin/routing/rules/${id}`))
        .send({ ...body, active: false })
        .expect(200);
      expect(await agent.get(`/staff/admin/routing/rules/${copy.id}`).expect(200))
        .to.have.property('text')
        .that.does.not.include('never-applies');
    } finally {
      await RoutingRuleModel.deleteMany({ _id: { $in: [original.id, copy.id, impossible.id] } });
      clearRoutingCache();
    }
  });
});
