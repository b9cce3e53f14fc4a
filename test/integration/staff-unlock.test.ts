/**
 * "Email me an unlock link" for a staff account locked by failed sign-ins (issue 14): the request
 * answers the same for any address and looks nothing up before answering; the worker mails a
 * staff member a signed, single-use, short-lived link in their language through the outbox;
 * following it lets that browser (and only it) past the account's ceiling, through the form and
 * the JSON API alike. Two apps stand for two instances: a link is used once across them.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../server/app.js';
import { createLoginThrottle } from '../../server/auth/login-throttle.js';
import { hashPassword } from '../../server/auth/password.js';
import { unlockLinkUrl } from '../../server/auth/unlock.js';
import { UnlockRequestModel } from '../../server/auth/unlock.model.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { processUnlockRequests } from '../../server/mail/staff-unlock-mail.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';

const password = 'correct horse battery staple';

function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field in the page`);
  return match[1];
}

describe('staff unlock links', () => {
  useTestDatabase();
  const config = testConfig({ TRUST_PROXY: 'true' });
  let passwordHash: string;
  let counter = 0;

  before(async () => {
    passwordHash = await hashPassword(password);
  });

  async function staff(languages: ('fr' | 'nl' | 'en')[] = ['fr']): Promise<{ id: string; email: string }> {
    counter += 1;
    const email = `unlock${counter}@example.org`;
    const doc = await StaffModel.create({ name: `Staff ${counter}`, email, passwordHash, roles: ['advisor'], languages });
    return { id: String(doc._id), email };
  }

  /**
   * An instance of Relais with its own throttle (counting in the shared database): an account locks after `ceiling` failures.
   * Windows are fixed slices of the clock: with 15 minutes a lock set at 14:59 ended at 15:00 in the middle of a test (CI,
   * 2026-12-07); a window of a year cannot end during one.
   */
  const instance = (ceiling = 2): Express =>
    createApp({
      config,
      logger: silentLogger,
      api: { auth: { throttle: createLoginThrottle({ perAccount: { limit: ceiling, windowMs: 366 * 24 * 3600_000 } }) } },
    });

  async function lock(target: Express, email: string, ceiling = 2): Promise<void> {
    for (let n = 1; n <= ceiling; n += 1) {
      await request(target).post('/api/v1/auth/login').set('X-Forwarded-For', `203.0.113.${n}`).send({ email, password: 'wrong' }).expect(401);
    }
    const locked = await request(target).post('/api/v1/auth/login').set('X-Forwarded-For', '198.51.100.1').send({ email, password });
    expect(locked.status).to.equal(429);
    expect(locked.body.error.lock).to.equal('account');
  }

  async function askByForm(agent: TestAgent, email: string, lang = 'fr'): Promise<request.Response> {
    const page = await agent.get(`/staff/login/unlock?lang=${lang}`).expect(200);
    return agent
      .post(`/staff/login/unlock?lang=${lang}`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), email });
  }

  /** The link in the newest unlock mail to `email`. */
  async function mailedLink(email: string): Promise<{ mail: OutboxMail; path: string }> {
    const [mail] = await Outbox.find({ template: 'staff-unlock', to: email }).sort({ createdAt: -1 }).limit(1).lean<OutboxMail[]>();
    if (!mail) throw new Error(`no unlock mail to ${email}`);
    const link = new RegExp(`${config.publicUrl}(/staff/login/unlock/[A-Za-z0-9._-]+)`).exec(mail.text)?.[1];
    if (!link) throw new Error('no link in the mail');
    return { mail, path: link };
  }

  /** Follows a link as a browser: the page asks to confirm, the button spends the link. */
  async function follow(agent: TestAgent, path: string): Promise<request.Response> {
    const page = await agent.get(path);
    if (page.status !== 200) return page;
    expect(page.text).to.include('action="/staff/login/unlock/use"');
    return agent
      .post('/staff/login/unlock/use')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') });
  }

  it('answers a request the same for any address and looks nothing up before answering; the worker mails staff only, in their language', async () => {
    const app = instance();
    const owner = await staff(['nl']);
    const stranger = 'nobody-at-all@example.org';
    const [known, unknown] = [
      await request(app).post('/api/v1/auth/unlock-request').send({ email: owner.email.toUpperCase() }),
      await request(app).post('/api/v1/auth/unlock-request').send({ email: stranger }),
    ];
    expect(known.status).to.equal(202);
    expect(unknown.status).to.equal(202);
    expect(unknown.body).to.deep.equal(known.body);
    const byForm = [await askByForm(request.agent(app), owner.email), await askByForm(request.agent(app), stranger)];
    for (const res of byForm) expect([res.status, res.headers.location]).to.deep.equal([303, '/staff/login/unlock?sent=1']);
    // Both requests were stored alike; no mail exists until the worker runs.
    expect((await UnlockRequestModel.find({}).lean()).map((r) => r._id).sort()).to.deep.equal([owner.email, stranger].sort());
    expect(await Outbox.countDocuments({ template: 'staff-unlock' })).to.equal(0);

    expect(await processUnlockRequests(config)).to.equal(1);
    const { mail } = await mailedLink(owner.email);
    expect(mail.locale).to.equal('nl');
    expect(mail.subject).to.equal('Relais: uw link om uw account te ontgrendelen');
    expect(mail.text).to.include('15 minuten en één keer geldig');
    expect(await Outbox.countDocuments({ to: stranger })).to.equal(0);
    expect(await UnlockRequestModel.countDocuments({})).to.equal(0);
    const sent = await request(app).get('/staff/login/unlock?sent=1&lang=en').expect(200);
    expect(sent.text).to.include('If this address belongs to a staff account, an unlock link has just been sent to it.');
  });

  it('refuses unlock forms without their CSRF token, and API requests that are not JSON or not an address', async () => {
    const app = instance();
    const owner = await staff();
    const res = await request(app).post('/staff/login/unlock').type('form').send({ email: owner.email });
    expect(res.status).to.equal(403);
    expect(res.text).to.include('Le formulaire a expiré');
    await request(app).post('/api/v1/auth/unlock-request').type('form').send({ email: owner.email }).expect(400);
    await request(app)
      .post('/api/v1/auth/unlock-request')
      .send({ email: { $ne: null } })
      .expect(400);
    await request(app).post('/api/v1/auth/unlock-request').send({ email: owner.email, admin: true }).expect(400);
    const use = await request(app).post('/staff/login/unlock/use').type('form').send({ token: 'x' });
    expect(use.status).to.equal(403);
    expect(await UnlockRequestModel.countDocuments({})).to.equal(0);
  });

  it('lets the owner’s browser past the ceiling through the form, once; everyone else stays locked out', async () => {
    const app = instance();
    const owner = await staff();
    await lock(app, owner.email);
    const browser = request.agent(app);
    await askByForm(browser, owner.email);
    await processUnlockRequests(config);
    const { path } = await mailedLink(owner.email);

    // Opening the link spends nothing (a mail scanner may fetch it): only the button does.
    await request(app).get(path).expect(200);
    const used = await follow(browser, path);
    expect([used.status, used.headers.location]).to.deep.equal([303, '/staff/login?unlocked=1']);
    expect((await browser.get('/staff/login?unlocked=1').expect(200)).text).to.include('Votre compte est déverrouillé dans ce navigateur pendant 15 minutes');

    // Someone else, even from the same address, is still refused.
    const other = request.agent(app);
    const page = await other.get('/staff/login').set('X-Forwarded-For', '198.51.100.9').expect(200);
    await other
      .post('/staff/login')
      .set('X-Forwarded-For', '198.51.100.9')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), email: owner.email, password })
      .expect(429);

    const form = await browser.get('/staff/login').set('X-Forwarded-For', '198.51.100.9').expect(200);
    const signedIn = await browser
      .post('/staff/login')
      .set('X-Forwarded-For', '198.51.100.9')
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), email: owner.email, password });
    expect(signedIn.status, signedIn.text).to.equal(303);
    // The grant is spent by the sign-in, and the link by its use.
    expect(String(signedIn.headers['set-cookie'])).to.match(/relais_unlock=;/);
    const again = await follow(request.agent(app), path);
    expect(again.status).to.equal(410);
    expect(again.text).to.include('Ce lien de déverrouillage a déjà servi.');
  });

  it('uses a link once across instances, and lets the JSON sign-in past the ceiling too', async () => {
    const [a, b] = [instance(), instance()];
    const owner = await staff(['en']);
    await lock(a, owner.email);
    // The counters are shared (sign-in-counts.ts): the other instance refuses the owner too.
    const lockedOnB = await request(b).post('/api/v1/auth/login').set('X-Forwarded-For', '198.51.100.2').send({ email: owner.email, password });
    expect(lockedOnB.status).to.equal(429);
    expect(lockedOnB.body.error.lock).to.equal('account');
    await request(a).post('/api/v1/auth/unlock-request').send({ email: owner.email }).expect(202);
    await processUnlockRequests(config);
    const { path } = await mailedLink(owner.email);

    // The same link followed on both instances at once: one browser gets the grant, the other a 410.
    const [onA, onB] = await Promise.all([follow(request.agent(a), path), follow(request.agent(b), path)]);
    expect([onA.status, onB.status].sort()).to.deep.equal([303, 410]);

    // A second link, followed in a browser that then signs in through the API.
    await request(b).post('/api/v1/auth/unlock-request').send({ email: owner.email }).expect(202);
    await processUnlockRequests(config);
    const second = await mailedLink(owner.email);
    expect(second.path).not.to.equal(path);
    const browser = request.agent(b);
    expect((await follow(browser, second.path)).status).to.equal(303);
    await request(b).post('/api/v1/auth/login').send({ email: owner.email, password }).expect(429);
    const res = await browser.post('/api/v1/auth/login').send({ email: owner.email, password });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  });

  it('refuses expired and tampered links, offering a fresh one', async () => {
    const app = instance();
    const owner = await staff();
    const old = new URL(unlockLinkUrl(config, { staffId: owner.id, email: owner.email }, new Date(Date.now() - 16 * 60_000))).pathname;
    const expired = await request(app).get(`${old}?lang=en`);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.include('This unlock link has expired.').and.include('Email me an unlock link');
    const fresh = new URL(unlockLinkUrl(config, { staffId: owner.id, email: owner.email })).pathname;
    const tampered = `${fresh.slice(0, -3)}${fresh.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await request(app).get(tampered)).status).to.equal(400);
    const forged = new URL(
      unlockLinkUrl({ ...config, jwt: { ...config.jwt, secret: 'another-secret-0123456789-abcdefghijklmnop' } }, { staffId: owner.id, email: owner.email }),
    ).pathname;
    expect((await request(app).get(forged)).status).to.equal(400);
  });

  it('mails an address at most three links per quarter of an hour, answering every request alike', async () => {
    // A still clock: the five requests fall in one quarter of an hour even if the run straddles one.
    const still = Date.now();
    const app = createApp({ config, logger: silentLogger, api: { auth: { throttle: createLoginThrottle({}, () => still) } } });
    const owner = await staff();
    for (let i = 0; i < 5; i += 1) {
      // Its own source address: the per-IP limit counts the whole file's requests (the counters are in the database).
      await request(app).post('/api/v1/auth/unlock-request').set('X-Forwarded-For', '192.0.2.99').send({ email: owner.email }).expect(202);
      await processUnlockRequests(config);
    }
    expect(await Outbox.countDocuments({ template: 'staff-unlock', to: owner.email })).to.equal(3);
  });
});
