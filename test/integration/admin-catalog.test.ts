/**
 * Categories and reason codes administered (API and page): created with three labels, changed,
 * deactivated — never deleted — each change audited; the places that show them use the reader's
 * language; a deactivated category is no longer offered but its tickets still show its label.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { CategoryModel } from '../../server/catalog/category.model.js';
import { isActiveCategory } from '../../server/catalog/catalog.queries.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { pageAgent, pageCsrf } from '../helpers/page-agent.js';
import { refusedInputs } from '../helpers/pages.js';

describe('administration: categories and reason codes', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let token: string;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
    token = await login(app, org.staff.administrator.email);
  });

  const api = () => ({
    post: (url: string, body: object) => request(app).post(`/api/v1${url}`).set('Authorization', `Bearer ${token}`).send(body),
    patch: (url: string, body: object) => request(app).patch(`/api/v1${url}`).set('Authorization', `Bearer ${token}`).send(body),
    get: (url: string) => request(app).get(`/api/v1${url}`).set('Authorization', `Bearer ${token}`),
  });

  it('creates a category with three labels, audited, and offers it at once', async () => {
    const res = await api()
      .post('/admin/categories', { code: 'energy', label: { fr: 'Énergie', nl: 'Energie', en: 'Energy' }, order: 5 })
      .expect(201);
    expect((res.body as { category: unknown }).category).to.deep.equal({
      code: 'energy',
      label: { fr: 'Énergie', nl: 'Energie', en: 'Energy' },
      order: 5,
      active: true,
    });
    expect(await isActiveCategory('energy')).to.equal(true);
    const entry = await AuditEntryModel.findOne({ action: 'category.create', 'target.id': 'energy' }).lean();
    expect(entry?.actorName).to.equal('Thomas Lejeune');
    expect(entry?.after).to.deep.include({ label: { fr: 'Énergie', nl: 'Energie', en: 'Energy' } });
    const taken = await api()
      .post('/admin/categories', { code: 'energy', label: { fr: 'a', nl: 'b', en: 'c' } })
      .expect(409);
    expect(taken.body.error.reason).to.equal('code_taken');
    // Another code with a label already shown (case and spaces aside): members would see two "Énergie".
    const twin = await api()
      .post('/admin/categories', { code: 'energy_bis', label: { fr: ' énergie ', nl: 'Stroom', en: 'Power' } })
      .expect(409);
    expect(twin.body.error.reason).to.equal('label_taken');
    expect(await isActiveCategory('energy_bis')).to.equal(false);
    // Inactive, it may share the label; reactivating it then is refused, and renaming the original frees it.
    await api()
      .post('/admin/categories', { code: 'energy_old', label: { fr: 'Énergie', nl: 'Energie', en: 'Energy' }, active: false })
      .expect(201);
    expect((await api().patch('/admin/categories/energy_old', { active: true }).expect(409)).body.error.reason).to.equal('label_taken');
  });

  it('refuses a label missing a language, an unknown field and an operator in the code (400)', async () => {
    await api()
      .post('/admin/categories', { code: 'x_one', label: { fr: 'Seul' } })
      .expect(400);
    await api()
      .post('/admin/categories', { code: 'x_two', label: { fr: 'a', nl: 'b', en: 'c' }, deleted: true })
      .expect(400);
    await api()
      .post('/admin/categories', { code: { $ne: null }, label: { fr: 'a', nl: 'b', en: 'c' } })
      .expect(400);
    await api().patch('/admin/categories/nope', { order: 1 }).expect(404);
  });

  it('deactivates a category in use without deleting it: no longer offered, still named on its tickets', async () => {
    const ticket = await buildTicket(org, { category: 'invoices' });
    await api().patch('/admin/categories/invoices', { active: false }).expect(200);
    expect(await CategoryModel.countDocuments({ code: 'invoices' })).to.equal(1);
    expect(await isActiveCategory('invoices')).to.equal(false);
    const agent = await pageAgent(app, org.staff.advisorLiege.email);
    const page = await agent.get(`/staff/tickets/${String(ticket._id)}?lang=nl`).expect(200);
    expect(page.text).to.include('Facturen');
    const entry = await AuditEntryModel.findOne({ action: 'category.update', 'target.id': 'invoices' }).lean();
    expect(entry?.before).to.deep.equal({ active: true });
    expect(entry?.after).to.deep.equal({ active: false });
  });

  it('changes a reason code’s labels and moves; refuses to deactivate the SLA’s own reason', async () => {
    const res = await api()
      .patch('/admin/reason-codes/missing_information', {
        label: { fr: 'Pièce manquante', nl: 'Ontbrekend stuk', en: 'Missing document' },
        appliesTo: ['return', 'reassign'],
      })
      .expect(200);
    expect((res.body as { reasonCode: { appliesTo: string[] } }).reasonCode.appliesTo).to.deep.equal(['return', 'reassign']);
    const list = await api().get('/api/v1/reason-codes'.replace('/api/v1', '')).expect(200);
    const item = (list.body as { reasonCodes: { code: string; label: { en: string } }[] }).reasonCodes.find((r) => r.code === 'missing_information');
    expect(item?.label.en).to.equal('Missing document');
    await api()
      .post('/admin/reason-codes', { code: 'sla_breach', label: { fr: 'a', nl: 'b', en: 'c' }, appliesTo: [] })
      .expect(201);
    await api().patch('/admin/reason-codes/sla_breach', { active: false }).expect(409);
  });

  it('lets an administrator do it on the page, in their language, escaped', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(agent, '/staff/admin/categories');
    const created = await agent
      .post('/staff/admin/categories')
      .type('form')
      .send({ _csrf: csrf, code: 'housing', label_fr: 'Logement <b>', label_nl: 'Huisvesting', label_en: 'Housing', order: '7' })
      .expect(303);
    expect(created.headers.location).to.equal('/staff/admin/categories?done=category_created');
    const list = await agent.get('/staff/admin/categories?lang=en').expect(200);
    expect(list.text).to.include('Logement &lt;b&gt;').and.include('Huisvesting').and.include('Housing');
    const edit = await agent.get('/staff/admin/categories/housing').expect(200);
    expect(edit.text).to.include('value="Huisvesting"');
    await agent
      .post('/staff/admin/categories/housing')
      .type('form')
      .send({ _csrf: csrf, label_fr: 'Logement', label_nl: 'Huisvesting', label_en: 'Housing', order: '7' })
      .expect(303);
    // No "active" box ticked: deactivated.
    expect((await CategoryModel.findOne({ code: 'housing' }).lean())?.active).to.equal(false);
    const bad = await agent.post('/staff/admin/categories').type('form').send({ _csrf: csrf, code: 'Bad code', label_fr: 'x', label_nl: '', label_en: '' });
    expect(bad.status).to.equal(400);
    // Each field by its label on the form, with why when there is something to do about it (never "code, label.nl").
    expect(bad.text).to.include(
      'Check these fields: Code (not in the expected form: see the help under the field), Dutch label (required), English label (required).',
    );
    // And beside each of them (the reason form below, not sent, marks nothing); what was typed stays.
    expect(refusedInputs(bad.text)).to.deep.equal({
      code: 'not in the expected form: see the help under the field',
      label_nl: 'required',
      label_en: 'required',
    });
    expect(bad.text).to.include('aria-describedby="category-code-hint err-admin-catalog-field-code"').and.include('value="Bad code"');
    const noCsrf = await agent.post('/staff/admin/categories').type('form').send({ code: 'nocsrf', label_fr: 'x', label_nl: 'y', label_en: 'z' });
    expect(noCsrf.status).to.equal(403);
    const reason = await agent
      .post('/staff/admin/reason-codes')
      .type('form')
      .send({
        _csrf: csrf,
        code: 'other_office',
        label_fr: 'Autre bureau',
        label_nl: 'Ander kantoor',
        label_en: 'Other office',
        order: '3',
        appliesTo: ['reassign'],
      })
      .expect(303);
    expect(reason.headers.location).to.equal('/staff/admin/categories?done=reason_created');
    const advisor = await pageAgent(app, org.staff.advisorLiege.email);
    await advisor.get('/staff/admin/categories').expect(403);
  });
});
