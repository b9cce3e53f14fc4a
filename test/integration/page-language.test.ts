/**
 * A person's page language, chosen on their account page (QA: the account page had no language, and
 * the menu's choice held for one browser only): saved on their record, applied at every sign-in on
 * any computer, "the browser's" to follow the browser again. Their own record only, behind the
 * page's CSRF token.
 */
import { expect } from 'chai';
import request from 'supertest';
import { StaffModel } from '../../server/staff/staff.model.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, testPassword, type Org } from '../helpers/factories.js';
import { testApp } from '../helpers/http.js';
import { pageCsrf } from '../helpers/page-agent.js';
import { hidden, signedIn, type TestAgent } from '../helpers/pages.js';

/** Signs in on a browser of its own ("another computer"), whose language is `acceptLanguage`. */
async function signInElsewhere(email: string, acceptLanguage: string): Promise<{ agent: TestAgent; setCookies: string[] }> {
  const agent = request.agent(testApp());
  const form = await agent.get('/staff/login').set('accept-language', acceptLanguage).expect(200);
  const res = await agent
    .post('/staff/login')
    .set('accept-language', acceptLanguage)
    .type('form')
    .send({ _csrf: hidden(form.text, '_csrf'), email, password: testPassword })
    .expect(303);
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return { agent, setCookies: cookies ?? [] };
}

const langOf = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];
const saved = async (id: unknown) =>
  ((await StaffModel.findById(id).lean()) as { preferences?: { pageLanguage?: string | null } } | null)?.preferences?.pageLanguage ?? null;

describe('the language of a person’s pages, on their account page', () => {
  useTestDatabase();
  let org: Org;

  before(async () => {
    org = await buildOrg();
  });

  it('is saved on the record, takes effect at once here, and at every sign-in on another computer', async () => {
    const advisor = org.staff.advisorLiege;
    const agent = await signedIn(testApp(), advisor.email);
    const page = await agent.get('/staff/account').expect(200);
    expect(page.text).to.include('id="page_language"').and.include('<option value="" selected>Celle du navigateur</option>');
    const csrf = await pageCsrf(agent, '/staff/account');
    const res = await agent.post('/staff/account/language').type('form').send({ _csrf: csrf, pageLanguage: 'nl' }).expect(303);
    expect(res.headers.location).to.equal('/staff/account?done=language_saved&lang=nl#language');
    expect(await saved(advisor.id)).to.equal('nl');
    const after = await agent.get(res.headers.location as string).expect(200);
    expect(langOf(after.text)).to.equal('nl');
    expect(after.text).to.include('De taal van uw pagina’s is opgeslagen.').and.include('<option value="nl" lang="nl" selected>Nederlands</option>');

    // Another computer, a French browser: the pages are in Dutch from the sign-in on.
    const elsewhere = await signInElsewhere(advisor.email, 'fr-BE,fr;q=0.9');
    expect(elsewhere.setCookies.some((c) => c.startsWith('relais_lang=nl;'))).to.equal(true);
    expect(langOf((await elsewhere.agent.get('/staff/queue').set('accept-language', 'fr-BE').expect(200)).text)).to.equal('nl');
  });

  it('"the browser’s" forgets the choice: the next sign-in sets no language, and the pages follow the browser', async () => {
    const advisor = org.staff.advisorCharleroi;
    await StaffModel.updateOne({ _id: advisor.id }, { $set: { 'preferences.pageLanguage': 'en' } });
    const agent = await signedIn(testApp(), advisor.email);
    const csrf = await pageCsrf(agent, '/staff/account');
    const res = await agent.post('/staff/account/language').type('form').send({ _csrf: csrf, pageLanguage: '' }).expect(303);
    expect(res.headers.location).to.equal('/staff/account?done=language_saved#language');
    expect(
      (res.headers['set-cookie'] as unknown as string[]).some((c) => /^relais_lang=;/.test(c)),
      'the browser’s own language again',
    ).to.equal(true);
    expect(await saved(advisor.id)).to.equal(null);
    const elsewhere = await signInElsewhere(advisor.email, 'nl-BE,nl;q=0.9');
    expect(elsewhere.setCookies.some((c) => c.startsWith('relais_lang='))).to.equal(false);
    expect(langOf((await elsewhere.agent.get('/staff/queue').set('accept-language', 'nl-BE').expect(200)).text)).to.equal('nl');
  });

  it('refuses a language it does not have (400, said on the page), a form without its token (403), and anyone signed out', async () => {
    const advisor = org.staff.advisorLiege;
    const before = await saved(advisor.id);
    const agent = await signedIn(testApp(), advisor.email);
    const csrf = await pageCsrf(agent, '/staff/account');
    const bad = await agent.post('/staff/account/language').type('form').send({ _csrf: csrf, pageLanguage: 'de' }).expect(400);
    // This person chose Dutch above: the sign-in made this browser's pages Dutch too.
    expect(bad.text).to.include('Kies een taal uit de lijst.');
    await agent.post('/staff/account/language').type('form').send({ pageLanguage: 'en' }).expect(403);
    const anonymous = await request(testApp()).post('/staff/account/language').type('form').send({ pageLanguage: 'en' });
    expect(anonymous.status).to.be.oneOf([303, 401, 403]);
    expect(await saved(advisor.id)).to.equal(before);
  });
});
