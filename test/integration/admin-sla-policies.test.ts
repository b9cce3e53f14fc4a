/**
 * SLA policies administered: created and changed through the API and the page (audited, bad input a
 * 400, other roles a 403), previewed ("a ticket arriving now would be due …" in an office's calendar),
 * and — once the administrator recomputes with cause `policy` — an open ticket's stored deadline moves
 * through a `sla_recomputed` journal event; a deactivated policy no longer applies.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { clearSlaCache } from '../../server/sla/engine.js';
import { SlaPolicyModel, defaultPolicies } from '../../server/sla/policy.js';
import { TicketEventModel } from '../../server/tickets/ticket-event.model.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { pageAgent, pageCsrf } from '../helpers/page-agent.js';
import { refusedInputs } from '../helpers/pages.js';

interface PolicyJson {
  id: string;
  name: string;
  labels?: Record<string, string | null>;
  order: number;
  active: boolean;
  match: { categories: string[]; priorities: string[]; tiers: number[]; offices: string[] };
  targets: {
    firstResponseMinutes: number | null;
    nextResponseMinutes: number | null;
    resolutionMinutes: number | null;
    acceptanceMinutes: Record<string, number | null>;
  };
  warnings: { percents: number[]; minutesBefore: number[] };
  onBreach: { acceptance: string; resolution: string };
}

describe('administration: SLA policies, preview and recomputing open tickets', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let token: string;
  let ticket: Ticket;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
    await SlaPolicyModel.insertMany(defaultPolicies());
    clearSlaCache();
    workingSet.reset();
    ticket = await buildTicket(org, { subject: 'Échéance politique' });
    token = await login(app, org.staff.administrator.email);
  });

  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  const editable = ({ id: _id, ...rest }: PolicyJson) => rest;

  async function policies(): Promise<PolicyJson[]> {
    return ((await auth(request(app).get('/api/v1/admin/sla/policies')).expect(200)).body as { policies: PolicyJson[] }).policies;
  }

  async function finished(id: string): Promise<{ state: string; total: number; changed: number }> {
    let job = { state: 'running', total: 0, changed: 0 };
    for (let i = 0; i < 200 && job.state === 'running'; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      job = ((await auth(request(app).get(`/api/v1/admin/sla/recompute/${id}`)).expect(200)).body as { job: typeof job }).job;
    }
    return job;
  }

  it('lists the policies in order, previews one in an office’s calendar', async () => {
    const list = await policies();
    expect(list.map((p) => p.name)).to.deep.equal(['Priorité urgente', 'Priorité haute', 'Priorité normale', 'Priorité basse']);
    const normal = list[2] as PolicyJson;
    const res = await auth(request(app).get(`/api/v1/admin/sla/policies/${normal.id}/preview?office=${String(org.offices.liege)}`)).expect(200);
    const preview = (res.body as { preview: { office: { name: string }; chosen: string; firstResponseDue: string; resolutionDue: string } }).preview;
    expect(preview.office.name).to.equal('Liège');
    expect(preview.chosen).to.equal('Priorité normale');
    expect(new Date(preview.firstResponseDue).getTime()).to.be.above(Date.now());
    expect(new Date(preview.resolutionDue).getTime()).to.be.above(new Date(preview.firstResponseDue).getTime());
  });

  it("changes the normal policy's targets (audited); the recompute moves the open ticket's deadline through the journal", async () => {
    const normal = (await policies()).find((p) => p.name === 'Priorité normale') as PolicyJson;
    const before = await loadTicket(ticket._id);
    const firstBefore = before?.sla?.deadlines.find((d) => d.kind === 'first_response')?.due;
    const previewBefore = (await auth(request(app).get(`/api/v1/admin/sla/policies/${normal.id}/preview`)).expect(200)).body as {
      preview: { firstResponseDue: string };
    };
    const body = { ...editable(normal), targets: { ...normal.targets, firstResponseMinutes: 30 }, warnings: { percents: [50, 80], minutesBefore: [10] } };
    const res = await auth(request(app).put(`/api/v1/admin/sla/policies/${normal.id}`))
      .send(body)
      .expect(200);
    expect((res.body as { policy: PolicyJson }).policy.targets.firstResponseMinutes).to.equal(30);
    const entry = await AuditEntryModel.findOne({ action: 'sla_policy.update', 'target.id': normal.id }).lean();
    expect(entry?.before).to.deep.include({ warnings: { percents: [75], minutesBefore: [15] } });
    expect((entry?.after as { targets: { firstResponseMinutes: number } }).targets.firstResponseMinutes).to.equal(30);
    // The preview follows at once.
    const previewAfter = (await auth(request(app).get(`/api/v1/admin/sla/policies/${normal.id}/preview`)).expect(200)).body as {
      preview: { firstResponseDue: string };
    };
    expect(new Date(previewAfter.preview.firstResponseDue).getTime()).to.be.below(new Date(previewBefore.preview.firstResponseDue).getTime());
    // The stored deadline waits for the recompute.
    expect((await loadTicket(ticket._id))?.sla?.deadlines.find((d) => d.kind === 'first_response')?.due?.getTime()).to.equal(
      firstBefore ? new Date(firstBefore).getTime() : undefined,
    );
    // Meanwhile the ticket page's panel shows the deadline the ticket carries, and says today's rules would give another (QA: two times).
    const advisor = await pageAgent(app, org.staff.advisorLiege.email);
    const stale = (await advisor.get(`/staff/tickets/${String(ticket._id)}`).expect(200)).text;
    expect(stale).to.include(`<time datetime="${new Date(firstBefore ?? 0).toISOString()}">`);
    expect(stale).to.include('class="small sla-stale"').and.include('Ce ticket garde l’échéance calculée avant une modification des délais');
    // And the policy's page still offers to apply them, after the administrator went elsewhere.
    const policyPage = await pageAgent(app, org.staff.administrator.email);
    expect((await policyPage.get(`/staff/admin/sla-policies/${normal.id}`).expect(200)).text).to.include('id="recompute-button"');
    const started = await auth(request(app).post('/api/v1/admin/sla/recompute')).send({ cause: 'policy', label: 'Priorité normale' }).expect(202);
    const job = await finished((started.body as { job: { id: string } }).job.id);
    expect(job).to.deep.include({ state: 'done', changed: 1 });
    expect((await advisor.get(`/staff/tickets/${String(ticket._id)}`).expect(200)).text).not.to.include('sla-stale');
    const after = await loadTicket(ticket._id);
    const firstAfter = after?.sla?.deadlines.find((d) => d.kind === 'first_response')?.due;
    expect(new Date(firstAfter ?? 0).getTime()).to.be.below(new Date(firstBefore ?? 0).getTime());
    const event = await TicketEventModel.findOne({ ticket: ticket._id, type: 'sla_recomputed' }).lean();
    expect(event?.data).to.deep.include({ cause: 'policy', label: 'Priorité normale' });
  });

  it('creates a policy that wins by order, deactivates it (no longer applies); refuses bad input (400) and other roles (403)', async () => {
    const normal = (await policies()).find((p) => p.name === 'Priorité normale') as PolicyJson;
    const created = await auth(request(app).post('/api/v1/admin/sla/policies'))
      .send({
        ...editable(normal),
        name: 'Liège, contrats',
        order: 5,
        match: { categories: ['contracts'], priorities: [], tiers: [1], offices: [String(org.offices.liege)] },
      })
      .expect(201);
    const policy = (created.body as { policy: PolicyJson }).policy;
    expect(await AuditEntryModel.countDocuments({ action: 'sla_policy.create', 'target.id': policy.id })).to.equal(1);
    const contracts = await buildTicket(org, { subject: 'Contrat', category: 'contracts' });
    expect(contracts.sla?.policy).to.equal('Liège, contrats');
    await auth(request(app).put(`/api/v1/admin/sla/policies/${policy.id}`))
      .send({ ...editable(policy), active: false })
      .expect(200);
    expect(await AuditEntryModel.countDocuments({ action: 'sla_policy.deactivate', 'target.id': policy.id })).to.equal(1);
    const later = await buildTicket(org, { subject: 'Contrat 2', category: 'contracts' });
    expect(later.sla?.policy).to.equal('Priorité normale');

    const bad = [
      { ...editable(normal), match: { ...normal.match, categories: ['no_such_category'] } },
      { ...editable(normal), match: { ...normal.match, offices: ['0123456789abcdef01234567'] } },
      { ...editable(normal), targets: { ...normal.targets, resolutionMinutes: -5 } },
      { ...editable(normal), warnings: { percents: [150], minutesBefore: [] } },
      { ...editable(normal), name: { $ne: 1 } },
    ];
    for (const body of bad) await auth(request(app).post('/api/v1/admin/sla/policies')).send(body).expect(400);
    // A resolution due before the first response could never be met: refused, naming the field and why.
    const early = await auth(request(app).post('/api/v1/admin/sla/policies'))
      .send({ ...editable(normal), targets: { ...normal.targets, firstResponseMinutes: 480, resolutionMinutes: 240 } })
      .expect(400);
    expect((early.body as { error: { fields: unknown[] } }).error.fields).to.deep.include({
      path: 'targets.resolutionMinutes',
      message: 'shorter than the first response target',
      reason: { code: 'before_first_response' },
    });
    await auth(request(app).get('/api/v1/admin/sla/policies/0123456789abcdef01234567')).expect(404);
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app).put(`/api/v1/admin/sla/policies/${normal.id}`).set('Authorization', `Bearer ${supervisor}`).send(editable(normal)).expect(403);
  });

  it('renames a policy in each language on the page (audited): the Dutch list and the ticket’s deadlines panel in Dutch say it; the API keeps labels it is not sent; other roles 403', async () => {
    const normal = (await policies()).find((p) => p.name === 'Priorité normale') as PolicyJson;
    const admin = await pageAgent(app, org.staff.administrator.email);
    const form = await admin.get(`/staff/admin/sla-policies/${normal.id}`).expect(200);
    expect(form.text).to.include('name="labels_nl"').and.include('name="labels_fr"').and.include('name="labels_en"');
    const csrf = await pageCsrf(admin, '/staff/admin/sla-policies');
    const hours = (m: number | null) => (m === null ? '' : String(m / 60));
    const fields = {
      _csrf: csrf,
      name: normal.name,
      order: String(normal.order),
      active: '1',
      first: hours(normal.targets.firstResponseMinutes),
      next: hours(normal.targets.nextResponseMinutes),
      resolution: hours(normal.targets.resolutionMinutes),
      percents: normal.warnings.percents.join(', '),
      minutesBefore: normal.warnings.minutesBefore.join(', '),
      onAcceptance: normal.onBreach.acceptance,
      onResolution: normal.onBreach.resolution,
      priorities: normal.match.priorities,
      labels_fr: 'Priorité normale',
      labels_nl: 'Gewone vraag <b>NL</b>',
      labels_en: 'Ordinary request',
    };
    // A label longer than the name may be: refused, naming the field, nothing changed.
    const tooLong = await admin
      .post(`/staff/admin/sla-policies/${normal.id}`)
      .type('form')
      .send({ ...fields, labels_nl: 'x'.repeat(121) });
    expect(tooLong.status).to.equal(400);
    expect(tooLong.text).to.include('Vérifiez ces champs : Néerlandais (120 caractères au plus).').and.not.include('labels.nl');
    expect(refusedInputs(tooLong.text)).to.deep.equal({ labels_nl: '120 caractères au plus' });
    await admin.post(`/staff/admin/sla-policies/${normal.id}`).type('form').send(fields).expect(303);
    const stored = await SlaPolicyModel.findById(normal.id).lean();
    expect(stored?.labels).to.deep.include({ nl: 'Gewone vraag <b>NL</b>', en: 'Ordinary request' });
    const entry = await AuditEntryModel.findOne({ action: 'sla_policy.update', 'target.id': normal.id }).sort({ at: -1 }).lean();
    expect(entry?.after).to.deep.include({ labels: { fr: 'Priorité normale', nl: 'Gewone vraag <b>NL</b>', en: 'Ordinary request' } });

    // The Dutch list names it in Dutch (escaped); the French one keeps the French name.
    const dutch = await admin.get('/staff/admin/sla-policies?lang=nl').expect(200);
    expect(dutch.text).to.include('Gewone vraag &lt;b&gt;NL&lt;/b&gt;').and.not.include('<b>NL</b>');
    expect((await admin.get('/staff/admin/sla-policies?lang=fr').expect(200)).text).to.include('>Priorité normale<');
    // The ticket's deadlines panel, read by its advisor in Dutch.
    const advisor = await pageAgent(app, org.staff.advisorLiege.email);
    const ticketPage = await advisor.get(`/staff/tickets/${String(ticket._id)}?lang=nl`).expect(200);
    expect(ticketPage.text).to.include('Gewone vraag &lt;b&gt;NL&lt;/b&gt;');

    // The API: labels given are validated and stored; a body without them keeps them.
    const api = await auth(request(app).get(`/api/v1/admin/sla/policies/${normal.id}`)).expect(200);
    const current = (api.body as { policy: PolicyJson }).policy;
    expect(current.labels).to.deep.equal({ fr: 'Priorité normale', nl: 'Gewone vraag <b>NL</b>', en: 'Ordinary request' });
    const { labels: _labels, ...withoutLabels } = editable(current);
    await auth(request(app).put(`/api/v1/admin/sla/policies/${normal.id}`))
      .send(withoutLabels)
      .expect(200);
    expect((await SlaPolicyModel.findById(normal.id).lean())?.labels?.nl).to.equal('Gewone vraag <b>NL</b>');
    await auth(request(app).put(`/api/v1/admin/sla/policies/${normal.id}`))
      .send({ ...withoutLabels, labels: { nl: 'x'.repeat(121) } })
      .expect(400);
    await auth(request(app).put(`/api/v1/admin/sla/policies/${normal.id}`))
      .send({ ...withoutLabels, labels: { de: 'Normal' } })
      .expect(400);
    await auth(request(app).put(`/api/v1/admin/sla/policies/${normal.id}`))
      .send({ ...withoutLabels, labels: { fr: 'Priorité normale', nl: 'Normale vraag', en: null } })
      .expect(200);
    expect((await SlaPolicyModel.findById(normal.id).lean())?.labels).to.deep.include({ nl: 'Normale vraag', en: null });

    // Other roles: refused, nothing changed.
    for (const who of ['supervisorLiege', 'advisorLiege'] as const) {
      const bearer = await login(app, org.staff[who].email);
      await request(app)
        .put(`/api/v1/admin/sla/policies/${normal.id}`)
        .set('Authorization', `Bearer ${bearer}`)
        .send({ ...withoutLabels, labels: { nl: 'Gekaapt' } })
        .expect(403);
      const page = await pageAgent(app, org.staff[who].email);
      const token = await pageCsrf(page, '/staff/queue');
      await page
        .post(`/staff/admin/sla-policies/${normal.id}`)
        .type('form')
        .send({ ...fields, _csrf: token, labels_nl: 'Gekaapt' })
        .expect(403);
    }
    expect((await SlaPolicyModel.findById(normal.id).lean())?.labels?.nl).to.equal('Normale vraag');
  });

  it('does the same on the page: list, create, edit with the preview, the recompute offered and its progress shown', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const list = await agent.get('/staff/admin/sla-policies').expect(200);
    expect(list.text).to.include('Priorité normale').and.include('id="policy-form"');
    const csrf = await pageCsrf(agent, '/staff/admin/sla-policies');
    // A new policy's form as typed, with what every case below shares.
    const refusedPolicy = (query: string, fields: Record<string, string>) =>
      agent
        .post(`/staff/admin/sla-policies${query}`)
        .type('form')
        .send({ _csrf: csrf, order: '7', active: '1', percents: '75', minutesBefore: '15', onAcceptance: 'none', onResolution: 'none', ...fields });
    const refused = await refusedPolicy('', { name: 'Mauvaise', first: 'quatre' });
    expect(refused.status).to.equal(400);
    expect(refused.text).to.include('value="quatre"').and.not.include('targets.firstResponseMinutes');
    expect(refused.text).to.include('Vérifiez ces champs : Première réponse (h) (un nombre attendu).');
    expect(refusedInputs(refused.text)).to.deep.equal({ first: 'un nombre attendu' });
    // The pick-up targets share a label: only the tier refused is marked.
    const tier2 = await refusedPolicy('', { name: 'Mauvaise', first: '4', accept_2: 'deux' });
    expect(tier2.status).to.equal(400);
    expect(refusedInputs(tier2.text)).to.deep.equal({ accept_2: 'un nombre attendu' });
    // A negative number is read as a number: the page says it must be positive (QA: "-5" was "a number is expected").
    const negative = await refusedPolicy('', { name: 'Négative', first: '-5' });
    expect(negative.status).to.equal(400);
    expect(negative.text).to.include('Vérifiez ces champs : Première réponse (h) (un nombre positif).');
    const tooMuch = await refusedPolicy('?lang=en', { name: 'x'.repeat(121), first: '4', percents: '150' });
    expect(tooMuch.status).to.equal(400);
    expect(tooMuch.text).to.include('Check these fields: Name (at most 120 characters), At … % of the target (at most 99).');
    expect(refusedInputs(tooMuch.text)).to.deep.equal({ name: 'at most 120 characters', percents: 'at most 99' });
    const early = await refusedPolicy('?lang=nl', { name: 'Vroeg', first: '8', resolution: '4' });
    expect(early.status).to.equal(400);
    expect(early.text).to.include('Controleer deze velden: Oplossing (u) (korter dan het eerste antwoord).');
    expect(refusedInputs(early.text)).to.deep.equal({ resolution: 'korter dan het eerste antwoord' });
    // Limits in the unit typed (hours, not the minutes they are stored in), and a negative number said as too small (QA).
    const absurd = await refusedPolicy('?lang=en', { name: 'Absurde', first: '99999', minutesBefore: '-15' });
    expect(absurd.status).to.equal(400);
    expect(refusedInputs(absurd.text)).to.deep.equal({ first: 'at most 8760', minutesBefore: 'a positive number' });
    const created = await agent
      .post('/staff/admin/sla-policies')
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Urgent <b>Mons</b>',
        order: '3',
        active: '1',
        first: '0.5',
        next: '1',
        resolution: '',
        accept_1: '2',
        percents: '75, 90',
        minutesBefore: '15',
        onAcceptance: 'alert_supervisors',
        onResolution: 'none',
        priorities: ['urgent', 'high'],
        tiers: '1',
      })
      .expect(303);
    expect(created.headers.location).to.match(/^\/staff\/admin\/sla-policies\/[0-9a-f]{24}\?done=created$/);
    const stored = await SlaPolicyModel.findOne({ name: 'Urgent <b>Mons</b>' }).lean();
    expect(stored?.targets?.firstResponseMinutes).to.equal(30);
    expect(stored?.targets?.resolutionMinutes).to.equal(null);
    expect(stored?.match?.priorities).to.deep.equal(['urgent', 'high']);
    expect(stored?.warnings?.percents).to.deep.equal([75, 90]);
    const page = await agent.get(created.headers.location as string).expect(200);
    expect(page.text).to.include('Urgent &lt;b&gt;Mons&lt;/b&gt;').and.not.include('<b>Mons</b>');
    expect(page.text).to.match(/class="preview-first-response" datetime="[^"]+"/);
    expect(page.text).to.include('id="recompute-button"').and.include('name="cause" value="policy"');
    const id = String(stored?._id);
    const started = await agent
      .post('/staff/admin/sla/recompute')
      .type('form')
      .send({ _csrf: csrf, cause: 'policy', label: 'Urgent Mons', back: `/staff/admin/sla-policies/${id}` })
      .expect(303);
    expect(started.headers.location).to.match(new RegExp(`^/staff/admin/sla-policies/${id}\\?job=[0-9a-f]{24}$`));
    const progress = await agent.get(started.headers.location as string).expect(200);
    expect(progress.text).to.match(/<progress max="\d+" value="\d+">/);
    const edited = await agent
      .post(`/staff/admin/sla-policies/${id}`)
      .type('form')
      .send({ _csrf: csrf, name: 'Urgent Mons', order: '3', first: '1', percents: '75', minutesBefore: '15', onAcceptance: 'none', onResolution: 'none' })
      .expect(303);
    expect(edited.headers.location).to.equal(`/staff/admin/sla-policies/${id}?done=updated`);
    // No "active" box ticked: deactivated.
    expect((await SlaPolicyModel.findById(id).lean())?.active).to.equal(false);
    // Decimals as the page's language writes them: typed "1,5", shown back "1,5" (French, Dutch) or "1.5" (English).
    await agent
      .post(`/staff/admin/sla-policies/${id}`)
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Urgent Mons',
        order: '3',
        active: '1',
        first: '1,5',
        resolution: '12,5',
        percents: '75',
        minutesBefore: '15',
        onAcceptance: 'none',
        onResolution: 'none',
      })
      .expect(303);
    const decimals = await SlaPolicyModel.findById(id).lean();
    expect([decimals?.targets?.firstResponseMinutes, decimals?.targets?.resolutionMinutes]).to.deep.equal([90, 750]);
    for (const [lang, first, resolution] of [
      ['fr', '1,5 h', '12,5 h'],
      ['nl', '1,5 u', '12,5 u'],
      ['en', '1.5 h', '12.5 h'],
    ] as const) {
      const form = await agent.get(`/staff/admin/sla-policies/${id}?lang=${lang}`).expect(200);
      expect(form.text, lang).to.include(`name="first" value="${first.split(' ')[0]}"`);
      const policyList = await agent.get(`/staff/admin/sla-policies?lang=${lang}`).expect(200);
      expect(policyList.text, lang).to.include(`<td>${first}</td>`).and.include(`<td>${resolution}</td>`);
      const calendars = await agent.get(`/staff/admin/calendars?lang=${lang}`).expect(200);
      expect(calendars.text, lang).to.include(first).and.include(resolution);
    }
    const supervisor = await pageAgent(app, org.staff.supervisorLiege.email);
    await supervisor.get('/staff/admin/sla-policies').expect(403);
  });

  it('says at the top of a policy that no request can get it, naming the policies tried before it that take them all (QA)', async () => {
    // Only the four seeded priority policies stay active meanwhile (earlier tests leave others).
    const seeded = defaultPolicies().map((p) => p.name);
    const others = await SlaPolicyModel.find({ active: true, name: { $nin: seeded } }, { _id: 1 }).lean();
    await SlaPolicyModel.updateMany({ _id: { $in: others.map((o) => o._id) } }, { $set: { active: false } });
    const base = { labels: { fr: null, nl: null, en: null }, active: true, warnings: { percents: [75], minutesBefore: [15] } };
    const targets = { firstResponseMinutes: 90, nextResponseMinutes: null, resolutionMinutes: null, acceptanceMinutes: { 1: null, 2: null, 3: null } };
    const onBreach = { acceptance: 'none', resolution: 'none' };
    // Ordered after the four priority policies, which together take every ticket: never applies.
    const late = await auth(request(app).post('/api/v1/admin/sla/policies'))
      .send({ ...base, name: 'Région de Namur', order: 500, match: { categories: ['contracts'], priorities: [], tiers: [], offices: [] }, targets, onBreach })
      .expect(201);
    const lateId = (late.body as { policy: PolicyJson }).policy.id;
    // Before them, for urgent contracts only: applies.
    const early = await auth(request(app).post('/api/v1/admin/sla/policies'))
      .send({
        ...base,
        name: 'Contrats urgents',
        order: 5,
        match: { categories: ['contracts'], priorities: ['urgent'], tiers: [], offices: [] },
        targets,
        onBreach,
      })
      .expect(201);
    const earlyId = (early.body as { policy: PolicyJson }).policy.id;
    try {
      const agent = await pageAgent(app, org.staff.administrator.email);
      const shadowed = await agent.get(`/staff/admin/sla-policies/${lateId}?lang=en`).expect(200);
      const warning = /<p class="notice notice-warn" role="status" id="never-applies">([^<]*)<\/p>/.exec(shadowed.text)?.[1] ?? '';
      expect(warning, warning).to.include('This policy applies to no request');
      for (const name of ['Contrats urgents', 'Priorité haute', 'Priorité normale', 'Priorité basse']) expect(warning, warning).to.include(`“${name}”`);
      // Urgent contracts go to the earlier one: not named as taking them from the priority policy.
      expect(warning).not.to.include('Priorité urgente');
      const applies = await agent.get(`/staff/admin/sla-policies/${earlyId}?lang=en`).expect(200);
      expect(applies.text).not.to.include('id="never-applies"');
    } finally {
      await SlaPolicyModel.deleteMany({ _id: { $in: [lateId, earlyId] } });
      await SlaPolicyModel.updateMany({ _id: { $in: others.map((o) => o._id) } }, { $set: { active: true } });
      clearSlaCache();
    }
  });

  it('names offices in the page’s language in the policy form’s boxes, the list and the preview’s calendar choice', async () => {
    await OfficeModel.updateOne({ _id: org.offices.liege }, { $set: { labels: { fr: null, nl: 'Luik', en: null } } });
    try {
      const normal = (await policies())[2] as PolicyJson;
      await auth(request(app).put(`/api/v1/admin/sla/policies/${normal.id}`))
        .send({ ...editable(normal), match: { ...normal.match, offices: [String(org.offices.liege)] } })
        .expect(200);
      const agent = await pageAgent(app, org.staff.administrator.email);
      const list = await agent.get('/staff/admin/sla-policies?lang=nl').expect(200);
      expect(list.text).to.match(new RegExp(`value="${String(org.offices.liege)}"[^>]*> Luik`));
      expect(list.text).to.include(' · Luik</td>');
      const page = await agent.get(`/staff/admin/sla-policies/${normal.id}?lang=nl&office=${String(org.offices.liege)}`).expect(200);
      expect(page.text).to.include(`<option value="${String(org.offices.liege)}" selected>Luik</option>`);
      expect(page.text).to.not.include('>Liège<');
    } finally {
      await OfficeModel.updateOne({ _id: org.offices.liege }, { $unset: { labels: 1 } });
      const normal = (await policies())[2] as PolicyJson;
      await auth(request(app).put(`/api/v1/admin/sla/policies/${normal.id}`))
        .send({ ...editable(normal), match: { ...normal.match, offices: [] } })
        .expect(200);
    }
  });
});
