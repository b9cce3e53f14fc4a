/**
 * Failed staff sign-ins are counted in the database, so several instances of Relais behind a load
 * balancer share one budget: an attacker who spreads attempts over N instances gets no N× budget.
 * Two apps with their own throttles, on the same database, stand for two instances.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { createLoginThrottle, type LoginRateLimits } from '../../server/auth/login-throttle.js';
import { hashPassword } from '../../server/auth/password.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';

const password = 'correct horse battery staple';

describe('staff lockout across instances: the counters are shared through the database', () => {
  useTestDatabase();
  const config = testConfig({ TRUST_PROXY: 'true' });
  let passwordHash: string;
  let counter = 0;
  let at = Date.UTC(2026, 2, 2, 9, 0, 0);
  const clock = { now: () => at, tick: (ms: number) => (at += ms) };

  before(async () => {
    passwordHash = await hashPassword(password);
  });

  async function staff(): Promise<string> {
    counter += 1;
    const email = `shared${counter}@example.org`;
    await StaffModel.create({ name: `Staff ${counter}`, email, passwordHash, roles: ['advisor'] });
    return email;
  }

  /** Two instances, each with its own throttle object, as two processes would have. */
  function instances(limits: Partial<LoginRateLimits> = {}): [Express, Express] {
    const one = () => createApp({ config, logger: silentLogger, api: { auth: { throttle: createLoginThrottle(limits, clock.now) } } });
    return [one(), one()];
  }

  const login = (target: Express, ip: string, email: string, pw = 'wrong password') =>
    request(target).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password: pw });

  it('reaches the account ceiling with failures spread over two instances', async () => {
    const [a, b] = instances({ perAccount: { limit: 4, windowMs: 15 * 60_000 } });
    const email = await staff();
    expect((await login(a, '203.0.113.51', email)).status).to.equal(401);
    expect((await login(b, '203.0.113.52', email)).status).to.equal(401);
    expect((await login(a, '203.0.113.53', email)).status).to.equal(401);
    expect((await login(b, '203.0.113.54', email)).status).to.equal(401);
    for (const target of [a, b]) {
      const refused = await login(target, '198.51.100.50', email, password);
      expect(refused.status).to.equal(429);
      expect(refused.body.error.lock).to.equal('account');
    }
  });

  it('limits one source across accounts over both instances', async () => {
    const [a, b] = instances({ perIp: { limit: 3, windowMs: 15 * 60_000 } });
    expect((await login(a, '203.0.113.60', 'spread1@example.org')).status).to.equal(401);
    expect((await login(b, '203.0.113.60', 'spread2@example.org')).status).to.equal(401);
    expect((await login(a, '203.0.113.60', 'spread3@example.org')).status).to.equal(401);
    const refused = await login(b, '203.0.113.60', 'spread4@example.org');
    expect(refused.status).to.equal(429);
    expect(refused.body.error.lock).to.equal('ip');
  });

  it('makes a pair wait on one instance after failing on the other, and a success on either starts it over', async () => {
    const [a, b] = instances();
    const email = await staff();
    expect((await login(a, '203.0.113.70', email)).status).to.equal(401);
    expect((await login(b, '203.0.113.70', email)).status).to.equal(401);
    expect((await login(a, '203.0.113.70', email)).status).to.equal(401);
    const waiting = await login(b, '203.0.113.70', email);
    expect(waiting.status).to.equal(429);
    expect(waiting.body.error.lock).to.equal('delay');
    expect(waiting.headers['retry-after']).to.equal('1');
    clock.tick(1000);
    await login(b, '203.0.113.70', email, password).expect(200);
    // The pair starts over: two free failures again, on either instance.
    expect((await login(a, '203.0.113.70', email)).status).to.equal(401);
    expect((await login(b, '203.0.113.70', email)).status).to.equal(401);
  });

  it('counts requests for unlock links across instances (3 per address are stored, the rest dropped alike)', async () => {
    const [a, b] = instances({ unlockRequests: { perIp: { limit: 2, windowMs: 15 * 60_000 }, perAddress: { limit: 3, windowMs: 15 * 60_000 } } });
    const ask = (target: Express) =>
      request(target).post('/api/v1/auth/unlock-request').set('X-Forwarded-For', '203.0.113.80').send({ email: 'someone@example.org' });
    expect((await ask(a)).status).to.equal(202);
    expect((await ask(b)).status).to.equal(202);
    const refused = await ask(a);
    expect(refused.status).to.equal(429);
  });
});
