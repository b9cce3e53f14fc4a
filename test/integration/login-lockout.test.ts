/**
 * Failed staff sign-ins (issue 14, "staff lockout"), through the real app — the JSON API and the
 * sign-in form share one throttle: failures count per (account, source IP) pair with a short growing
 * delay, per IP across accounts, and per account up to a ceiling only many sources reach. The
 * throttle's clock is a test clock: time passes when a test says so, no test waits or measures time.
 * Source addresses come from X-Forwarded-For (TRUST_PROXY=true), as behind a proxy.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../server/app.js';
import { createLoginThrottle, type LoginRateLimits } from '../../server/auth/login-throttle.js';
import { hashPassword } from '../../server/auth/password.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';

const password = 'correct horse battery staple';

/** A clock the test moves by hand. */
function testClock(): { now: () => number; tick: (ms: number) => void } {
  let at = Date.UTC(2026, 2, 2, 9, 0, 0);
  return { now: () => at, tick: (ms) => (at += ms) };
}

function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field in the page`);
  return match[1];
}

describe('staff lockout: failed sign-ins per account and source, growing delay, ceiling', () => {
  useTestDatabase();
  const config = testConfig({ TRUST_PROXY: 'true' });
  let passwordHash: string;
  let counter = 0;

  before(async () => {
    passwordHash = await hashPassword(password);
  });

  async function staff(): Promise<string> {
    counter += 1;
    const email = `lockout${counter}@example.org`;
    await StaffModel.create({ name: `Staff ${counter}`, email, passwordHash, roles: ['advisor'] });
    return email;
  }

  function app(limits: Partial<LoginRateLimits> = {}) {
    const clock = testClock();
    const throttle = createLoginThrottle(limits, clock.now);
    return { app: createApp({ config, logger: silentLogger, api: { auth: { throttle } } }), clock };
  }

  const apiLogin = (target: Express, ip: string, email: string, pw = 'wrong password') =>
    request(target).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password: pw });

  async function formLogin(agent: TestAgent, ip: string, email: string, pw = 'wrong password', lang = 'fr'): Promise<request.Response> {
    const form = await agent.get(`/staff/login?lang=${lang}`).set('X-Forwarded-For', ip).expect(200);
    return agent
      .post(`/staff/login?lang=${lang}`)
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), email, password: pw });
  }

  it('does not lock the owner out because a stranger failed from another address (API)', async () => {
    const { app: target, clock } = app();
    const email = await staff();
    // Ten failures from the stranger's address, waiting out each delay (the old limit was five per account).
    for (let i = 0; i < 10; i += 1) {
      expect((await apiLogin(target, '203.0.113.7', email)).status).to.equal(401);
      clock.tick(60_000);
    }
    await apiLogin(target, '198.51.100.20', email, password).expect(200);
  });

  it('does not lock the owner out because a stranger failed from another address (sign-in form)', async () => {
    const { app: target, clock } = app();
    const email = await staff();
    const stranger = request.agent(target);
    for (let i = 0; i < 10; i += 1) {
      expect((await formLogin(stranger, '203.0.113.8', email)).status).to.equal(401);
      clock.tick(60_000);
    }
    const owner = await formLogin(request.agent(target), '198.51.100.21', email, password);
    expect(owner.status, owner.text).to.equal(303);
  });

  it('answers a pair’s failures with a growing delay (0, 0, 1 s, 2 s, 4 s after each), honestly and at once; an unknown address alike', async () => {
    const { app: target, clock } = app();
    const known = await staff();
    const sequence = async (email: string, ip: string) => {
      const seen: string[] = [];
      const step = async () => {
        const res = await apiLogin(target, ip, email);
        seen.push(res.status === 429 ? `429/${String(res.headers['retry-after'])}/${String(res.body.error.lock)}` : String(res.status));
        return res;
      };
      await step();
      await step();
      await step();
      const refused = await step();
      expect(refused.body.error.code).to.equal('rate_limited');
      expect(refused.body.error.message).to.match(/Wait 1 seconds?,/);
      clock.tick(1000);
      await step();
      await step();
      clock.tick(2000);
      await step();
      await step();
      clock.tick(4000);
      await step();
      return seen;
    };
    const forKnown = await sequence(known, '203.0.113.9');
    expect(forKnown).to.deep.equal(['401', '401', '401', '429/1/delay', '401', '429/2/delay', '401', '429/4/delay', '401']);
    expect(await sequence('nobody-here@example.org', '203.0.113.10')).to.deep.equal(forKnown);
    // Even the right password waits out the pair's delay (now 8 s), then gets in.
    await apiLogin(target, '203.0.113.9', known, password).expect(429);
    clock.tick(8000);
    await apiLogin(target, '203.0.113.9', known, password).expect(200);
  });

  it('says how long to wait on the sign-in page, in French, Dutch and English', async () => {
    const { app: target } = app();
    const email = await staff();
    const texts = { fr: 'Patientez 1 seconde avant de réessayer', nl: 'Wacht 1 seconde en probeer', en: 'Wait 1 second, then try again' };
    for (const [lang, text] of Object.entries(texts)) {
      const agent = request.agent(target);
      const ip = `192.0.2.${lang.charCodeAt(0)}`;
      for (let i = 0; i < 3; i += 1) expect((await formLogin(agent, ip, email, 'wrong', lang)).status).to.equal(401);
      const res = await formLogin(agent, ip, email, 'wrong', lang);
      expect(res.status).to.equal(429);
      expect(res.headers['retry-after']).to.equal('1');
      expect(res.text).to.include(`<html lang="${lang}">`).and.include(text).and.include(`value="${email}"`);
    }
  });

  it('still limits one source across accounts (password spraying)', async () => {
    const { app: target } = app({ perIp: { limit: 3, windowMs: 15 * 60_000 } });
    for (const n of [1, 2, 3]) expect((await apiLogin(target, '203.0.113.11', `spray${n}@example.org`)).status).to.equal(401);
    const refused = await apiLogin(target, '203.0.113.11', 'spray4@example.org');
    expect(refused.status).to.equal(429);
    expect(refused.body.error.lock).to.equal('ip');
    expect(Number(refused.headers['retry-after'])).to.be.within(1, 15 * 60);
    await apiLogin(target, '203.0.113.12', 'spray4@example.org').expect(401);
  });

  it('lets a colleague whose browser signed in before through when the office network is over its limit; a stranger stays out; a known browser that keeps failing is a stranger again (QA)', async () => {
    const { app: target } = app({ perIp: { limit: 3, windowMs: 15 * 60_000 }, perDevice: { limit: 2, windowMs: 15 * 60_000 } });
    const office = '203.0.113.21';
    const julie = await staff();
    const nadia = await staff();
    // Julie signed in on her browser last week: it is known to her account.
    const browser = request.agent(target);
    const signOut = async () => {
      const page = await browser.get('/staff/queue').set('X-Forwarded-For', office).expect(200);
      const token = /<meta name="csrf-token" content="([^"]+)"/.exec(page.text)?.[1] ?? '';
      await browser.post('/staff/logout').set('X-Forwarded-For', office).type('form').send({ _csrf: token }).expect(303);
    };
    const first = await formLogin(browser, office, julie, password);
    expect(first.status).to.equal(303);
    expect(String(first.headers['set-cookie'])).to.match(/relais_device=[^;]+;.*HttpOnly/i);
    await signOut();
    // A colleague's stale password manager spends the office's budget.
    for (const n of [1, 2, 3]) expect((await apiLogin(target, office, `stale${n}.${counter}@example.org`)).status).to.equal(401);
    expect((await apiLogin(target, office, nadia, password)).status, 'a browser never signed in here: held by the network').to.equal(429);
    // Julie's browser is not held; her right password lets her in.
    expect((await formLogin(browser, office, julie, password)).status).to.equal(303);
    await signOut();
    // The cookie names Julie only: typed for Nadia in Julie's browser, the network's limit holds.
    expect((await formLogin(browser, office, nadia, password)).status).to.equal(429);
    // Two failures from Julie's browser (its budget here), then it is a stranger on a busy network.
    expect((await formLogin(browser, office, julie)).status).to.equal(401);
    expect((await formLogin(browser, office, julie)).status).to.equal(401);
    expect((await formLogin(browser, office, julie, password)).status).to.equal(429);
  });

  it('knows the last five accounts signed in on a shared office computer, each on its own (QA)', async () => {
    const { app: target } = app({ perIp: { limit: 3, windowMs: 15 * 60_000 } });
    const office = '203.0.113.41';
    const people = [await staff(), await staff(), await staff(), await staff(), await staff(), await staff()];
    const browser = request.agent(target);
    const signOut = async () => {
      const page = await browser.get('/staff/queue').set('X-Forwarded-For', office).expect(200);
      const token = /<meta name="csrf-token" content="([^"]+)"/.exec(page.text)?.[1] ?? '';
      await browser.post('/staff/logout').set('X-Forwarded-For', office).type('form').send({ _csrf: token }).expect(303);
    };
    // Six colleagues take turns on the computer at the front desk.
    let cookie = '';
    for (const person of people) {
      const signedIn = await formLogin(browser, office, person, password);
      expect(signedIn.status).to.equal(303);
      cookie = /relais_device=([^;]+)/.exec(String(signedIn.headers['set-cookie']))?.[1] ?? cookie;
      await signOut();
    }
    // Signed, not encrypted: it names the accounts by a keyed digest, never by their address.
    const payload = Buffer.from(cookie.split('.')[1] ?? '', 'base64url').toString('utf8');
    expect(JSON.parse(payload).acc).to.have.length(5);
    expect(payload).not.to.include('@').and.not.to.include('lockout');
    for (const n of [1, 2, 3]) expect((await apiLogin(target, office, `stale${n}.${counter}@example.org`)).status).to.equal(401);
    // The network is over its limit: the last five are known to this browser, the first has been let go.
    for (const person of people.slice(1)) {
      expect((await formLogin(browser, office, person, password)).status, person).to.equal(303);
      await signOut();
    }
    expect((await formLogin(browser, office, people[0] ?? '', password)).status, 'the oldest of six').to.equal(429);
  });

  it('passes the network’s limit at the second step (reached with the right password) and with an unlock grant (a mailed link)', async () => {
    // On the test's clock: windows are fixed slices of the clock, and a real one could end between two calls.
    const throttle = createLoginThrottle({ perIp: { limit: 2, windowMs: 15 * 60_000 } }, testClock().now);
    const ip = '203.0.113.31';
    for (const n of [1, 2]) expect((await throttle.admit({ ip, email: `x${n}.${counter}@example.org` })).ok).to.equal(true);
    expect((await throttle.admit({ ip, email: 'y@example.org' })).ok, 'the network is at its limit').to.equal(false);
    expect((await throttle.admit({ ip, email: 'second-factor:abc', passwordProven: true })).ok).to.equal(true);
    expect((await throttle.admit({ ip, email: 'y@example.org', unlocked: true })).ok).to.equal(true);
  });

  it('locks an account for everyone once failures from many sources reach its ceiling, and offers an unlock link', async () => {
    const { app: target } = app({ perAccount: { limit: 4, windowMs: 15 * 60_000 } });
    const email = await staff();
    for (const n of [1, 2, 3, 4]) expect((await apiLogin(target, `203.0.113.${20 + n}`, email)).status).to.equal(401);
    const refused = await apiLogin(target, '198.51.100.30', email, password);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.lock).to.equal('account');
    expect(refused.body.error.unlockRequest).to.equal('/api/v1/auth/unlock-request');
    expect(refused.body.error.message).to.match(/unlock link/);
    const page = await formLogin(request.agent(target), '198.51.100.31', email, password, 'nl');
    expect(page.status).to.equal(429);
    expect(page.text)
      .to.include('dit account is 15 minuten vergrendeld')
      .and.include('action="/staff/login/unlock"')
      .and.include('Stuur mij een ontgrendelingslink');
  });
});
