import { expect } from 'chai';
import cookieParser from 'cookie-parser';
import express, { type Express, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import request from 'supertest';
import type { Config } from '../../server/config.js';
import { authenticate, csrfProtection, requireStaff } from '../../server/auth/auth.middleware.js';
import { authRoutes, type LoginRateLimits } from '../../server/auth/auth.routes.js';
import { createLoginThrottle } from '../../server/auth/login-throttle.js';
import { toStaffActor } from '../../server/auth/actor.js';
import { hashPassword } from '../../server/auth/password.js';
import { SessionModel } from '../../server/auth/session.model.js';
import { endAllSessions } from '../../server/auth/sessions.js';
import { hashSecret } from '../../server/auth/tokens.js';
import { mountRoutes } from '../../server/lib/route-table.js';
import { updateStaff } from '../../server/staff/staff-admin.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { errorHandler } from '../../server/web/error-handler.js';
import { useTestDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/config.js';

const password = 'correct horse battery staple';
const roomy: Partial<LoginRateLimits> = { perIp: { limit: 1000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } };

let stillClocks = 0;

/**
 * The app. Given limits to test, its throttle runs on a still clock of its own (a distinct hour): the
 * counters live in the database the whole file shares, and each such app should count from zero, in
 * one window.
 */
function buildApp(config: Config, rateLimits?: Partial<LoginRateLimits>): Express {
  stillClocks += 1;
  const still = Date.UTC(2026, 0, 1) + stillClocks * 3_600_000;
  const throttle = rateLimits ? createLoginThrottle(rateLimits, () => still) : createLoginThrottle(roomy);
  const app = express();
  app.use(express.json());
  app.use(cookieParser());
  app.use(authenticate(config));
  app.use(csrfProtection(config));
  const router = express.Router();
  mountRoutes(router, '/api/v1', authRoutes(config, { throttle }), requireStaff);
  // Mounted directly (not through mountRoutes) so this probe stays out of the route registry.
  router.post('/probe', requireStaff, (req: Request, res: Response) => {
    res.json({ id: String(req.actor?.id), via: req.authVia, tier: req.actor?.tier });
  });
  router.post('/probe-actor', requireStaff, (req: Request, res: Response) => {
    res.json({ roles: req.actor?.roles, name: req.actor?.name });
  });
  app.use('/api/v1', router);
  app.use(errorHandler);
  return app;
}

/** Cookies a response sets, by name (value and the raw attribute string). */
function setCookies(res: request.Response): Record<string, { value: string; raw: string }> {
  const header = res.headers['set-cookie'] as unknown;
  const list = Array.isArray(header) ? header.map(String) : [];
  const out: Record<string, { value: string; raw: string }> = {};
  for (const raw of list) {
    const [pair = ''] = raw.split(';');
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = { value: decodeURIComponent(pair.slice(eq + 1)), raw };
  }
  return out;
}
const cookieHeader = (jar: Record<string, string>): string =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('; ');

interface Login {
  token: string;
  refreshToken: string;
  sid: string;
  cookies: Record<string, string>;
}

describe('staff authentication', () => {
  useTestDatabase();
  const config = testConfig();
  let app: Express;
  let passwordHash: string;
  let counter = 0;

  before(async () => {
    app = buildApp(config);
    passwordHash = await hashPassword(password);
  });

  async function staff(fields: { active?: boolean; tier?: 1 | 2 | 3 } = {}) {
    counter += 1;
    const team = fields.tier ? await TeamModel.create({ code: `team-${counter}`, name: 'Team', tier: fields.tier }) : null;
    return StaffModel.create({
      name: `Staff ${counter}`,
      email: `staff${counter}@example.org`,
      passwordHash,
      roles: ['advisor'],
      team: team?._id ?? null,
      active: fields.active ?? true,
    });
  }

  async function login(email: string, target: Express = app): Promise<Login> {
    const res = await request(target).post('/api/v1/auth/login').send({ email, password }).expect(200);
    const body = res.body as { token: string; refreshToken: string };
    const cookies = Object.fromEntries(Object.entries(setCookies(res)).map(([k, c]) => [k, c.value]));
    const sid = (jwt.decode(body.token) as { sid: string }).sid;
    return { token: body.token, refreshToken: body.refreshToken, sid, cookies };
  }

  const me = (token: string) => request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
  const refresh = (refreshToken: string) => request(app).post('/api/v1/auth/refresh').send({ refreshToken });
  const expect401 = (res: request.Response) => {
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthorized');
  };

  describe('login', () => {
    it('answers tokens and the presented staff member, sets hardened cookies and stores only a hash', async () => {
      const s = await staff({ tier: 2 });
      const res = await request(app)
        .post('/api/v1/auth/login')
        .send({ email: ` ${s.email.toUpperCase()} `, password })
        .expect(200);
      expect(res.body.staff).to.deep.equal({
        id: String(s._id),
        name: s.name,
        email: s.email,
        roles: ['advisor'],
        team: String(s.team),
        office: null,
        languages: ['fr'],
        capacity: 15,
        active: true,
      });
      expect(Date.parse(res.body.expiresAt) - Date.now()).to.be.within(config.jwt.accessTtl * 1000 - 5000, config.jwt.accessTtl * 1000 + 1000);
      expect(res.headers['cache-control']).to.equal('no-store');
      const cookies = setCookies(res);
      for (const name of ['relais_at', 'relais_rt']) {
        expect(cookies[name]?.raw)
          .to.match(/HttpOnly/)
          .and.match(/SameSite=Strict/)
          .and.match(/Path=\//);
        expect(cookies[name]?.raw).not.to.match(/Secure/);
      }
      expect(cookies.relais_at?.value).to.equal(res.body.token);
      const session = await SessionModel.findOne({ staff: s._id }).lean();
      expect(session?.refreshTokenHash).to.equal(hashSecret(String(res.body.refreshToken).split('.')[1] ?? ''));
      expect(JSON.stringify(session)).not.to.include(res.body.refreshToken.split('.')[1]);
      expect((await StaffModel.findById(s._id).lean())?.lastLoginAt).to.be.instanceOf(Date);
      const probe = await request(app).post('/api/v1/probe').set('Authorization', `Bearer ${res.body.token}`).expect(200);
      expect(probe.body).to.deep.equal({ id: String(s._id), via: 'bearer', tier: 2 });
    });

    it('marks the cookies Secure when the public address is https', async () => {
      const s = await staff();
      const res = await request(buildApp(testConfig({ PUBLIC_URL: 'https://help.example.org' })))
        .post('/api/v1/auth/login')
        .send({ email: s.email, password })
        .expect(200);
      expect(setCookies(res).relais_at?.raw).to.match(/Secure/);
      expect(setCookies(res).relais_rt?.raw).to.match(/Secure/);
    });

    it('answers wrong password, unknown email and deactivated account with the same 401', async () => {
      const s = await staff();
      const off = await staff({ active: false });
      const answers = await Promise.all([
        request(app).post('/api/v1/auth/login').send({ email: s.email, password: 'wrong password' }),
        request(app).post('/api/v1/auth/login').send({ email: 'nobody@example.org', password }),
        request(app).post('/api/v1/auth/login').send({ email: off.email, password }),
      ]);
      for (const res of answers) expect401(res);
      expect(new Set(answers.map((r) => r.body.error.message)).size).to.equal(1);
      expect(answers.every((r) => !r.headers['set-cookie'])).to.equal(true);
    });

    it('refuses unknown keys, operator-shaped input and form-encoded credentials', async () => {
      const s = await staff();
      expect((await request(app).post('/api/v1/auth/login').send({ email: s.email, password, admin: true })).status).to.equal(400);
      expect(
        (
          await request(app)
            .post('/api/v1/auth/login')
            .send({ email: { $ne: null }, password })
        ).status,
      ).to.equal(400);
      const form = express();
      form.use(express.urlencoded({ extended: false }));
      form.use(buildApp(config));
      expect((await request(form).post('/api/v1/auth/login').type('form').send({ email: s.email, password })).status).to.equal(400);
    });
  });

  describe('access token attacks (Bearer)', () => {
    let login0: Login;
    let claims: { sub: string; sid: string; tv: number };
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    /** A token for `claims`, correct in every respect except what `options` change (undefined drops an option). */
    const forge = (payload: object = {}, options: jwt.SignOptions = {}, key: jwt.Secret = config.jwt.secret) => {
      const all = {
        algorithm: 'HS256',
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        expiresIn: 600,
        jwtid: randomBytes(8).toString('hex'),
        ...options,
      };
      const defined = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as jwt.SignOptions;
      return jwt.sign({ ...claims, ...payload }, key, defined);
    };

    before(async () => {
      const s = await staff();
      login0 = await login(s.email);
      claims = { sub: String(s._id), sid: login0.sid, tv: 0 };
    });

    it('accepts a well-formed token (control: each attack below changes one thing)', async () => {
      await me(forge()).expect(200);
    });

    it('refuses alg "none", with or without a signature', async () => {
      const [, payload, signature] = login0.token.split('.');
      const header = b64({ alg: 'none', typ: 'JWT' });
      expect401(await me(`${header}.${payload}.`));
      expect401(await me(`${header}.${payload}.${signature}`));
    });

    it('refuses RS256 tokens, and HS256 signed with a public key (HS/RS confusion)', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expect401(await me(forge({}, { algorithm: 'RS256' }, privateKey.export({ type: 'pkcs8', format: 'pem' }))));
      expect401(await me(forge({}, {}, publicKey.export({ type: 'spki', format: 'pem' }).toString())));
    });

    it('pins HS256: HS512 with the right secret is refused', async () => {
      expect401(await me(forge({}, { algorithm: 'HS512' })));
    });

    it('refuses expired tokens, wrong audience, wrong issuer, missing jti and a tampered payload', async () => {
      const expired = await me(forge({ exp: Math.floor(Date.now() / 1000) - 10 }, { expiresIn: undefined }));
      expect401(expired);
      expect(expired.body.error.message).to.match(/expired/);
      expect401(await me(forge({}, { audience: 'relais-members' })));
      expect401(await me(forge({}, { issuer: 'someone-else' })));
      expect401(await me(forge({}, { jwtid: undefined })));
      const other = await staff();
      const [header, , signature] = login0.token.split('.');
      expect401(await me(`${header}.${b64({ ...claims, sub: String(other._id) })}.${signature}`));
    });

    it('refuses correctly signed tokens naming no open session or an old tokenVersion, and malformed headers', async () => {
      expect401(await me(forge({ sid: randomBytes(12).toString('hex') })));
      expect401(await me(forge({ tv: 1 })));
      expect401(await request(app).get('/api/v1/me').set('Authorization', `Basic ${login0.token}`));
      expect401(await request(app).get('/api/v1/me').set('Authorization', 'Bearer'));
    });
  });

  describe('revocation', () => {
    it('logout ends the session: its access and refresh tokens stop working', async () => {
      const s = await staff();
      const a = await login(s.email);
      const b = await login(s.email);
      await request(app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${a.token}`).expect(204);
      expect401(await me(a.token));
      expect401(await refresh(a.refreshToken));
      await me(b.token).expect(200);
      expect((await SessionModel.findById(a.sid).lean())?.revokedAt).to.be.instanceOf(Date);
    });

    it('log out everywhere ends every session and bumps tokenVersion', async () => {
      const s = await staff();
      const a = await login(s.email);
      const b = await login(s.email);
      await request(app).post('/api/v1/auth/logout-all').set('Authorization', `Bearer ${a.token}`).expect(204);
      for (const l of [a, b]) {
        expect401(await me(l.token));
        expect401(await refresh(l.refreshToken));
      }
      expect((await StaffModel.findById(s._id).lean())?.tokenVersion).to.equal(1);
      expect(await SessionModel.countDocuments({ staff: s._id, revokedAt: null })).to.equal(0);
    });

    // The writes below are what a password change or a deactivation writes on *another* instance
    // (the record, then its sessions: sessions.ts), without the news that makes this one forget
    // what it remembers of the person (staff-records.ts): the sessions read on every request decide.
    it('a tokenVersion bump (password change, deactivation) refuses tokens and refreshes, even on an instance that remembers the person', async () => {
      const s = await staff();
      const a = await login(s.email);
      await me(a.token).expect(200);
      await request(app).post('/api/v1/probe').set('Authorization', `Bearer ${a.token}`).expect(200); // now remembered here
      await StaffModel.updateOne({ _id: s._id }, { $inc: { tokenVersion: 1 } });
      await SessionModel.updateMany({ staff: s._id, revokedAt: null }, { $set: { revokedAt: new Date() } });
      expect401(await me(a.token));
      expect401(await request(app).post('/api/v1/probe').set('Authorization', `Bearer ${a.token}`));
      expect401(await refresh(a.refreshToken));
      // The new sign-in carries the new version: what this instance remembers must not refuse it.
      const b = await login(s.email);
      const probe = await request(app).post('/api/v1/probe').set('Authorization', `Bearer ${b.token}`).expect(200);
      expect(probe.body.id).to.equal(String(s._id));
    });

    it('locks deactivated staff out at once, Bearer and cookie alike', async () => {
      const s = await staff();
      const a = await login(s.email);
      await request(app).post('/api/v1/probe').set('Authorization', `Bearer ${a.token}`).expect(200);
      await StaffModel.updateOne({ _id: s._id }, { $set: { active: false } });
      await SessionModel.updateMany({ staff: s._id, revokedAt: null }, { $set: { revokedAt: new Date() } });
      expect401(await me(a.token));
      expect401(await refresh(a.refreshToken));
      const viaCookie = await request(app).get('/api/v1/me').set('Cookie', cookieHeader(a.cookies));
      expect401(viaCookie);
      expect(setCookies(viaCookie).relais_at?.raw).to.match(/Expires=Thu, 01 Jan 1970/);
    });

    it('remembers the person between requests, and a change made through the administration applies to the next request', async () => {
      const s = await staff();
      const a = await login(s.email);
      const probe = async () =>
        (await request(app).post('/api/v1/probe-actor').set('Authorization', `Bearer ${a.token}`).expect(200)).body as { roles: string[]; name: string };
      expect(await probe()).to.include({ name: s.name });
      // Written around Relais (no news): this instance still answers with what it remembers.
      await StaffModel.updateOne({ _id: s._id }, { $set: { name: 'Renamed Directly' } });
      expect(await probe()).to.include({ name: s.name });
      const admin = await StaffModel.create({ name: 'Admin', email: `admin${(counter += 1)}@example.org`, passwordHash, roles: ['administrator'] });
      await updateStaff({ actor: toStaffActor(admin.toObject(), null) }, String(s._id), { roles: ['advisor', 'supervisor'], name: 'Sam Supervisor' });
      expect(await probe()).to.deep.include({ name: 'Sam Supervisor', roles: ['advisor', 'supervisor'] });
    });

    it('ends a session opened while a revocation slipped in between the password check and its insert', async () => {
      const s = await staff();
      // The deactivation (or new password, or "log out everywhere") lands at that moment, as on another
      // instance: forced here by running it just before the session's insert.
      const create = SessionModel.create.bind(SessionModel);
      let opened: Types.ObjectId | undefined;
      (SessionModel as unknown as { create: unknown }).create = async (doc: { _id: Types.ObjectId }) => {
        opened = doc._id;
        await endAllSessions(s._id);
        return create(doc);
      };
      try {
        const res = await request(app).post('/api/v1/auth/login').send({ email: s.email, password });
        expect401(res);
      } finally {
        (SessionModel as unknown as { create: unknown }).create = create;
      }
      expect((await SessionModel.findById(opened).lean())?.revokedAt, 'the session it opened is ended').to.be.instanceOf(Date);
      await request(app).post('/api/v1/auth/login').send({ email: s.email, password }).expect(200);
    });

    it('refuses tokens of an expired session', async () => {
      const s = await staff();
      const a = await login(s.email);
      await SessionModel.updateOne({ _id: a.sid }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      expect401(await me(a.token));
      expect401(await refresh(a.refreshToken));
    });
  });

  describe('refresh', () => {
    it('rotates the refresh token; the replaced one works only during the grace period, then revokes the session', async () => {
      const s = await staff();
      const a = await login(s.email);
      const first = await refresh(a.refreshToken).expect(200);
      expect(first.body.refreshToken).to.be.a('string').and.not.equal(a.refreshToken);
      await me(first.body.token).expect(200);
      const racing = await refresh(a.refreshToken).expect(200);
      expect(racing.body.refreshToken).to.equal(null);
      await SessionModel.updateOne({ _id: a.sid }, { $set: { rotatedAt: new Date(Date.now() - 60_000) } });
      expect401(await refresh(a.refreshToken));
      expect401(await me(first.body.token));
      expect401(await refresh(first.body.refreshToken));
    });

    it('refuses malformed and unknown refresh tokens', async () => {
      expect401(await refresh('not-a-token'));
      expect401(await refresh(`${randomBytes(12).toString('hex')}.${randomBytes(32).toString('base64url')}`));
      expect401(await request(app).post('/api/v1/auth/refresh').send({}));
    });

    it('refreshes an expired access cookie transparently from the refresh cookie', async () => {
      const s = await staff();
      const a = await login(s.email);
      const expired = jwt.sign({ sid: a.sid, tv: 0, exp: Math.floor(Date.now() / 1000) - 10 }, config.jwt.secret, {
        algorithm: 'HS256',
        subject: String(s._id),
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        jwtid: 'x',
      });
      const step1 = await request(app)
        .get('/api/v1/me')
        .set('Cookie', cookieHeader({ ...a.cookies, relais_at: expired }))
        .expect(200);
      expect(step1.body.staff.id).to.equal(String(s._id));
      const set1 = setCookies(step1);
      await me(set1.relais_at?.value ?? '').expect(200);
      expect(set1.relais_rt?.value)
        .to.match(new RegExp(`^${a.sid}\\.`))
        .and.not.equal(a.cookies.relais_rt);
      // The browser may also have dropped the access cookie: the refresh cookie alone will do.
      const step2 = await request(app)
        .get('/api/v1/me')
        .set('Cookie', cookieHeader({ relais_rt: set1.relais_rt?.value ?? '' }))
        .expect(200);
      expect(step2.body.staff.id).to.equal(String(s._id));
      expect(setCookies(step2).relais_at?.value).to.be.a('string').and.not.equal('');
      // Without a refresh cookie, an expired access cookie is just refused.
      expect401(
        await request(app)
          .get('/api/v1/me')
          .set('Cookie', cookieHeader({ relais_at: expired })),
      );
    });

    it('clears refused cookies: staff routes answer 401, public routes still work', async () => {
      const s = await staff();
      const a = await login(s.email);
      await SessionModel.updateOne({ _id: a.sid }, { $set: { revokedAt: new Date() } });
      const refused = await request(app).get('/api/v1/me').set('Cookie', cookieHeader(a.cookies));
      expect401(refused);
      expect(refused.body.error.message).to.match(/session has ended/);
      expect(setCookies(refused).relais_rt?.raw).to.match(/Expires=Thu, 01 Jan 1970/);
      await request(app).post('/api/v1/auth/login').set('Cookie', cookieHeader(a.cookies)).send({ email: s.email, password }).expect(200);
    });
  });

  describe('CSRF', () => {
    async function csrfFor(l: Login): Promise<Record<string, string>> {
      const res = await request(app).get('/api/v1/auth/csrf').set('Cookie', cookieHeader(l.cookies)).expect(200);
      const jar = { ...l.cookies, relais_csrf: setCookies(res).relais_csrf?.value ?? '' };
      return { ...jar, token: res.body.csrfToken as string };
    }
    const probe = (jar: Record<string, string>) => request(app).post('/api/v1/probe').set('Cookie', cookieHeader(jar));

    it('requires a token for cookie-authenticated unsafe requests, bound to the session', async () => {
      const s = await staff();
      const a = await login(s.email);
      const b = await login(s.email);
      const { token, ...jar } = await csrfFor(a);
      const other = await csrfFor(b);
      const expect403 = (res: request.Response) => {
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('forbidden');
      };
      expect403(await probe(a.cookies));
      expect403(await probe(jar));
      expect403(await probe(jar).set('x-csrf-token', `${token}x`));
      expect403(await probe({ ...a.cookies, relais_csrf: other.relais_csrf ?? '' }).set('x-csrf-token', other.token ?? ''));
      expect403(await request(app).post('/api/v1/auth/logout').set('Cookie', cookieHeader(a.cookies)));
      const ok = await probe(jar)
        .set('x-csrf-token', token ?? '')
        .expect(200);
      expect(ok.body.via).to.equal('cookie');
      await probe(jar).send({ _csrf: token }).expect(200);
      await request(app).get('/api/v1/me').set('Cookie', cookieHeader(a.cookies)).expect(200);
      await request(app)
        .post('/api/v1/auth/logout')
        .set('Cookie', cookieHeader(jar))
        .set('x-csrf-token', token ?? '')
        .expect(204);
      expect401(await me(a.token));
    });

    it('keeps the token valid across a transparent refresh; refresh by cookie needs it too', async () => {
      const s = await staff();
      const a = await login(s.email);
      const { token = '', ...jar } = await csrfFor(a);
      await probe({ relais_rt: jar.relais_rt ?? '', relais_csrf: jar.relais_csrf ?? '' })
        .set('x-csrf-token', token)
        .expect(200);
      const fresh = await login(s.email);
      const f = await csrfFor(fresh);
      expect((await request(app).post('/api/v1/auth/refresh').set('Cookie', cookieHeader(fresh.cookies))).status).to.equal(403);
      const res = await request(app)
        .post('/api/v1/auth/refresh')
        .set('Cookie', cookieHeader({ ...fresh.cookies, relais_csrf: f.relais_csrf ?? '' }))
        .set('x-csrf-token', f.token ?? '')
        .expect(200);
      expect(setCookies(res).relais_rt?.value).to.be.a('string').and.not.equal(fresh.cookies.relais_rt);
    });

    it('does not ask Bearer requests for a token', async () => {
      const s = await staff();
      const a = await login(s.email);
      const res = await request(app).post('/api/v1/probe').set('Authorization', `Bearer ${a.token}`).expect(200);
      expect(res.body.via).to.equal('bearer');
      expect401(await request(app).post('/api/v1/probe'));
    });
  });

  describe('rate limiting of failed logins', () => {
    const attempt = (target: Express, email: string, pw = 'wrong password') => request(target).post('/api/v1/auth/login').send({ email, password: pw });

    it('limits failures per account (any letter case), with Retry-After, even for the right password', async () => {
      const limited = buildApp(config, { perIp: { limit: 100, windowMs: 60_000 }, perAccount: { limit: 2, windowMs: 60_000 } });
      const s = await staff();
      expect401(await attempt(limited, s.email));
      expect401(await attempt(limited, s.email.toUpperCase()));
      const blocked = await attempt(limited, s.email, password);
      expect(blocked.status).to.equal(429);
      expect(blocked.body.error.code).to.equal('rate_limited');
      expect(Number(blocked.headers['retry-after'])).to.be.within(1, 60);
      const other = await staff();
      await attempt(limited, other.email, password).expect(200);
    });

    it('limits failures per IP across accounts', async () => {
      const limited = buildApp(config, { perIp: { limit: 3, windowMs: 60_000 }, perAccount: { limit: 100, windowMs: 60_000 } });
      for (const n of [1, 2, 3]) expect401(await attempt(limited, `unknown${n}@example.org`));
      expect((await attempt(limited, 'unknown4@example.org')).status).to.equal(429);
    });

    it('does not count successful logins', async () => {
      const limited = buildApp(config, { perIp: { limit: 2, windowMs: 60_000 }, perAccount: { limit: 2, windowMs: 60_000 } });
      const s = await staff();
      for (let i = 0; i < 4; i += 1) await attempt(limited, s.email, password).expect(200);
    });
  });
});
