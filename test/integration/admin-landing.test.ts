/**
 * The administrators' landing page (`/staff/admin`): an administrator who signs in lands there, not on
 * an empty queue; the staff bar shows "Administration" to administrators only; everyone else is refused.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, type Org } from '../helpers/factories.js';
import { testApp } from '../helpers/http.js';
import { pageAgent, signInForm } from '../helpers/page-agent.js';

describe('administration landing page', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
  });

  it('sends an administrator who signs in to the administration, and others to their queue', async () => {
    const admin = await signInForm(request.agent(app), org.staff.administrator.email);
    expect(admin.status).to.equal(303);
    expect(admin.headers.location).to.equal('/staff/admin');
    const advisor = await signInForm(request.agent(app), org.staff.advisorLiege.email);
    expect(advisor.headers.location).to.equal('/staff/queue');
    // A supervisor who works no tier starts on the board.
    const supervisor = await signInForm(request.agent(app), org.staff.supervisorLiege.email);
    expect(supervisor.headers.location).to.equal('/staff/board');
    // A place asked for before signing in still wins.
    const back = await signInForm(request.agent(app), org.staff.administrator.email, '/staff/mail');
    expect(back.headers.location).to.equal('/staff/mail');
  });

  it('sends an administrator from /staff to the administration', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const res = await agent.get('/staff').expect(303);
    expect(res.headers.location).to.equal('/staff/admin');
  });

  it('lists every section of the administration, and the staff bar links to it', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const res = await agent.get('/staff/admin').expect(200);
    for (const href of [
      '/staff/admin/staff',
      '/staff/admin/offices',
      '/staff/admin/categories',
      '/staff/admin/routing',
      '/staff/admin/calendars',
      '/staff/mail',
      '/staff/admin/housekeeping',
      '/staff/admin/audit',
    ]) {
      expect(res.text, href).to.include(`href="${href}"`);
    }
    expect(res.text).to.match(/<nav class="topnav"[^]*href="\/staff\/admin" aria-current="page">Administration</);
    // One word for one thing: the card says what the page is called.
    expect(res.text).to.include('Courrier sortant').and.not.include('Courrier envoyé');
    expect((await agent.get('/staff/mail').expect(200)).text).to.include('Courrier sortant');
    // The pages under the administration lead back to it.
    for (const page of ['/staff/admin/staff', '/staff/admin/housekeeping']) {
      expect((await agent.get(page).expect(200)).text, page).to.include('<p class="admin-back"><a href="/staff/admin">');
    }
  });

  it('refuses everyone else (403) and hides the link from them', async () => {
    for (const who of [org.staff.advisorLiege, org.staff.supervisorLiege, org.staff.support]) {
      const agent = await pageAgent(app, who.email);
      const res = await agent.get('/staff/admin').expect(403);
      expect(res.text).not.to.include('href="/staff/admin"');
    }
    const anonymous = await request(app).get('/staff/admin').expect(303);
    expect(anonymous.headers.location).to.match(/^\/staff\/login\?next=%2Fstaff%2Fadmin/);
  });
});
