/**
 * Issue 17, accounts: the TOTP second factor (enrol with a QR code and a confirming code, ten
 * single-use recovery codes shown once, a code refused when reused within its window, wrong codes
 * throttled like passwords, disabled only with the password) and a person's own sessions (listed,
 * ended one by one or all others; someone else's session is "not found"; a new password ends the others).
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { Secret, TOTP } from 'otpauth';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { createLoginThrottle } from '../../server/auth/login-throttle.js';
import { createApp } from '../../server/app.js';
import { SessionModel } from '../../server/auth/session.model.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { startPasswordChangedMail } from '../../server/mail/password-changed-mail.js';
import { setPassword } from '../../server/auth/password-links.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildStaff, testPassword, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { hidden } from '../helpers/pages.js';

const totpOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret.replace(/\s+/g, '')), digits: 6, period: 30, algorithm: 'SHA1' });
/** A code for the step `offset` steps from now (the server accepts one either side). */
const codeAt = (secret: string, offset = 0) => totpOf(secret).generate({ timestamp: Date.now() + offset * 30_000 });

describe('second factor (TOTP) and my sessions', () => {
  useTestDatabase();
  const config = testConfig();
  let app: Express;
  let org: Org;

  before(async () => {
    app = testApp(config);
    org = await buildOrg();
  });

  /** Enrols a person through the API; returns their secret and recovery codes. */
  async function enrol(email: string): Promise<{ secret: string; codes: string[] }> {
    const auth = `Bearer ${await login(app, email)}`;
    const started = await request(app).post('/api/v1/me/totp/enrolment').set('Authorization', auth).expect(200);
    const secret = String(started.body.secret);
    const confirmed = await request(app)
      .post('/api/v1/me/totp/confirm')
      .set('Authorization', auth)
      .send({ code: codeAt(secret) })
      .expect(200);
    return { secret, codes: confirmed.body.recoveryCodes as string[] };
  }

  const passwordStep = async (email: string): Promise<string> => {
    const res = await request(app).post('/api/v1/auth/login').send({ email, password: testPassword }).expect(200);
    expect(res.body).to.have.property('secondFactor', 'totp');
    expect(res.body).not.to.have.property('token');
    expect(res.headers['set-cookie'] ?? []).to.satisfy((c: string[]) => !c.some((v) => v.startsWith('relais_at=')));
    return String(res.body.secondStepToken);
  };
  const codeStep = (token: string, code: string) => request(app).post('/api/v1/auth/login/second-factor').send({ token, code });

  it('enrols with a QR code and a confirming code, stores the secret encrypted, and shows ten recovery codes once', async () => {
    const person = await buildStaff({ name: 'Alice Enrol', roles: ['advisor'] });
    const auth = `Bearer ${await login(app, person.email)}`;
    const started = await request(app).post('/api/v1/me/totp/enrolment').set('Authorization', auth).expect(200);
    expect(started.body.uri).to.match(/^otpauth:\/\/totp\/Relais:/);
    expect(started.body.qrDataUrl).to.match(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(String(started.body.qrDataUrl).split(',')[1] ?? '', 'base64').toString()).to.include('<svg');
    const secret = String(started.body.secret);
    expect((await request(app).get('/api/v1/me/totp').set('Authorization', auth).expect(200)).body).to.include({ enabled: false, pending: true });

    const wrong = await request(app).post('/api/v1/me/totp/confirm').set('Authorization', auth).send({ code: '000000' });
    expect(wrong.status).to.equal(400);
    const ok = await request(app)
      .post('/api/v1/me/totp/confirm')
      .set('Authorization', auth)
      .send({ code: codeAt(secret) })
      .expect(200);
    const codes = ok.body.recoveryCodes as string[];
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);

    const doc = await StaffModel.findById(person.id).lean();
    const stored = JSON.stringify(doc);
    expect(stored).not.to.include(secret.replace(/\s+/g, ''));
    for (const code of codes) expect(stored).not.to.include(code);
    expect((await request(app).get('/api/v1/me').set('Authorization', auth)).text).not.to.match(/totp|recovery/i);
    expect((await request(app).get('/api/v1/me/totp').set('Authorization', auth)).body).to.deep.equal({
      enabled: true,
      pending: false,
      recoveryCodesLeft: 10,
      required: false,
    });
    const audit = await AuditEntryModel.find({ 'target.id': String(person.id) }).lean();
    expect(audit.map((a) => a.action)).to.deep.equal(['account.totp.enable']);
  });

  it('asks for a code after the password: a wrong code is refused, a right one opens the session, a reused one is refused', async () => {
    const person = await buildStaff({ name: 'Bruno Code', roles: ['advisor'] });
    const { secret } = await enrol(person.email);
    // The code that confirmed enrolment was spent: the next sign-in needs the next step's code.
    const token = await passwordStep(person.email);
    expect((await codeStep(token, '123456')).status).to.equal(401);
    const used = codeAt(secret, 1);
    const res = await codeStep(token, used);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await request(app)
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${String(res.body.token)}`)
      .expect(200);
    // The same step's code again, within its window, with a fresh password step: refused.
    const replay = await codeStep(await passwordStep(person.email), used);
    expect(replay.status).to.equal(401);
    // A second-step token opens one session at most, and a forged one none.
    expect((await codeStep(token, codeAt(secret, -1))).status).to.equal(401);
    expect((await codeStep('not.a.token', codeAt(secret, -1))).status).to.equal(401);
  });

  it('accepts each recovery code once, and turning TOTP off needs the password', async () => {
    const person = await buildStaff({ name: 'Chloé Secours', roles: ['advisor'] });
    const { codes } = await enrol(person.email);
    const first = codes[0] ?? '';
    const ok = await codeStep(await passwordStep(person.email), first.toLowerCase().replace('-', ' '));
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect((await codeStep(await passwordStep(person.email), first)).status).to.equal(401);
    const auth = `Bearer ${String(ok.body.token)}`;
    expect((await request(app).get('/api/v1/me/totp').set('Authorization', auth)).body.recoveryCodesLeft).to.equal(9);

    await request(app).post('/api/v1/me/totp/disable').set('Authorization', auth).send({ password: 'not my password' }).expect(401);
    await request(app).post('/api/v1/me/totp/disable').set('Authorization', auth).send({}).expect(400);
    await request(app).post('/api/v1/me/totp/disable').set('Authorization', auth).send({ password: testPassword }).expect(204);
    const plain = await request(app).post('/api/v1/auth/login').send({ email: person.email, password: testPassword }).expect(200);
    expect(plain.body).to.have.property('token');
  });

  it('throttles wrong codes like passwords, on their own count (a right password does not reset it)', async () => {
    const strict = createApp({ config, logger: silentLogger, api: { auth: { throttle: createLoginThrottle() } } });
    const person = await buildStaff({ name: 'Denis Lent', roles: ['advisor'] });
    const { secret } = await enrol(person.email);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const step = await request(strict).post('/api/v1/auth/login').send({ email: person.email, password: testPassword }).expect(200);
      const res = await request(strict).post('/api/v1/auth/login/second-factor').send({ token: step.body.secondStepToken, code: '000000' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 2)).to.deep.equal([401, 401]);
    expect(statuses.slice(2)).to.include(429);
    const step = await request(strict).post('/api/v1/auth/login').send({ email: person.email, password: testPassword }).expect(200);
    const refused = await request(strict)
      .post('/api/v1/auth/login/second-factor')
      .send({ token: step.body.secondStepToken, code: codeAt(secret, 1) });
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
  });

  it('signs in through the form with a code, and sends an administrator without TOTP to enrolment when it is required', async () => {
    const person = await buildStaff({ name: 'Emma Forme', roles: ['advisor'] });
    const { secret } = await enrol(person.email);
    const agent = request.agent(app);
    const form = await agent.get('/staff/login').expect(200);
    const first = await agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), email: person.email, password: testPassword, next: '/staff/account' });
    expect([first.status, first.headers.location]).to.deep.equal([303, '/staff/login/code']);
    // No session yet: the staff pages still send to sign-in.
    expect((await agent.get('/staff/queue')).status).to.equal(303);
    const page = await agent.get('/staff/login/code').expect(200);
    const wrong = await agent
      .post('/staff/login/code')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), code: '999999' });
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.include('Ce code n’est pas correct');
    const right = await agent
      .post('/staff/login/code')
      .type('form')
      .send({ _csrf: hidden(wrong.text, '_csrf'), code: codeAt(secret, 1) });
    expect([right.status, right.headers.location]).to.deep.equal([303, '/staff/account']);
    const account = await agent.get('/staff/account').expect(200);
    expect(account.text).to.include('Activée');

    const strictConfig = testConfig({ TOTP_REQUIRED_FOR_ADMINS: 'true' });
    const strictApp = testApp(strictConfig);
    const admin = await buildStaff({ name: 'Fanny Admin', roles: ['administrator'] });
    const adminAgent = request.agent(strictApp);
    const f = await adminAgent.get('/staff/login').expect(200);
    const signedIn = await adminAgent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: hidden(f.text, '_csrf'), email: admin.email, password: testPassword });
    expect(signedIn.headers.location).to.equal('/staff/account/totp?required=1');
    expect((await adminAgent.get('/staff/admin/staff')).headers.location).to.equal('/staff/account/totp?required=1');
    const enrolPage = await adminAgent.get('/staff/account/totp?required=1').expect(200);
    await adminAgent
      .post('/staff/account/totp/start')
      .type('form')
      .send({ _csrf: hidden(enrolPage.text, '_csrf') })
      .expect(303);
    const withQr = await adminAgent.get('/staff/account/totp').expect(200);
    expect(withQr.text).to.match(/<img class="totp-qr" src="data:image\/svg\+xml;base64,/);
    const shown = /id="totp-secret">([A-Z2-7 ]+)</.exec(withQr.text)?.[1] ?? '';
    const done = await adminAgent
      .post('/staff/account/totp/confirm')
      .type('form')
      .send({ _csrf: hidden(withQr.text, '_csrf'), code: codeAt(shown) });
    expect(done.status).to.equal(200);
    expect((done.text.match(/<li><code>[A-Z2-9]{5}-[A-Z2-9]{5}<\/code><\/li>/g) ?? []).length).to.equal(10);
    await adminAgent.get('/staff/admin/staff').expect(200);
    // The API holds the same line: without a second factor an administrator reaches only their account.
    const bare = await buildStaff({ name: 'Gaston Api', roles: ['administrator'] });
    const bareToken = `Bearer ${await login(strictApp, bare.email)}`;
    const refused = await request(strictApp).get('/api/v1/admin/staff').set('Authorization', bareToken);
    expect([refused.status, refused.body.error?.reason]).to.deep.equal([403, 'totp_required']);
    await request(strictApp).post('/api/v1/me/totp/enrolment').set('Authorization', bareToken).expect(200);
    await request(strictApp)
      .get('/api/v1/admin/staff')
      .set('Authorization', `Bearer ${await login(strictApp, org.staff.administrator.email)}`)
      .expect(403);
    // An advisor is not asked to.
    const advisor = request.agent(strictApp);
    const f2 = await advisor.get('/staff/login').expect(200);
    const adv = await advisor
      .post('/staff/login')
      .type('form')
      .send({ _csrf: hidden(f2.text, '_csrf'), email: org.staff.advisorLiege.email, password: testPassword });
    expect(adv.headers.location).to.equal('/staff/queue');
  });

  it('lists my sessions, ends one or all the others; another person’s session is not found and lives on', async () => {
    const person = await buildStaff({ name: 'Gilles Sessions', roles: ['advisor'] });
    const tokens = [await login(app, person.email), await login(app, person.email), await login(app, person.email)];
    const auth = `Bearer ${tokens[0] ?? ''}`;
    const listed = await request(app).get('/api/v1/me/sessions').set('Authorization', auth).set('User-Agent', 'x').expect(200);
    const sessions = listed.body.sessions as Array<{ id: string; current: boolean; ip: string }>;
    expect(sessions).to.have.length(3);
    expect(sessions.filter((s) => s.current)).to.have.length(1);
    const other = sessions.find((s) => !s.current);
    if (!other) throw new Error('no other session');

    const stranger = `Bearer ${await login(app, org.staff.advisorCharleroi.email)}`;
    await request(app).delete(`/api/v1/me/sessions/${other.id}`).set('Authorization', stranger).expect(404);
    await request(app).delete('/api/v1/me/sessions/%24ne').set('Authorization', auth).expect(404);
    await request(app).delete(`/api/v1/me/sessions/${other.id}`).set('Authorization', auth).expect(204);
    const alive = await Promise.all(tokens.map((t) => request(app).get('/api/v1/me').set('Authorization', `Bearer ${t}`)));
    expect(alive.map((r) => r.status).filter((s) => s === 401)).to.have.length(1);

    const ended = await request(app).post('/api/v1/me/sessions/end-others').set('Authorization', auth).expect(200);
    expect(ended.body.ended).to.equal(1);
    const after = await Promise.all(tokens.map((t) => request(app).get('/api/v1/me').set('Authorization', `Bearer ${t}`)));
    expect(after.map((r) => r.status)).to.deep.equal([200, 401, 401]);
    await request(app).get('/api/v1/me').set('Authorization', stranger).expect(200);
  });

  it('changes my password with the current one; my other sessions end, this one stays; the page does the same', async () => {
    const person = await buildStaff({ name: 'Hélène Mdp', roles: ['advisor'] });
    const [mine, other] = [await login(app, person.email), await login(app, person.email)];
    await request(app)
      .post('/api/v1/me/password')
      .set('Authorization', `Bearer ${mine}`)
      .send({ currentPassword: 'wrong', newPassword: 'a long new passphrase' })
      .expect(401);
    await request(app)
      .post('/api/v1/me/password')
      .set('Authorization', `Bearer ${mine}`)
      .send({ currentPassword: testPassword, newPassword: 'short' })
      .expect(400);
    await request(app)
      .post('/api/v1/me/password')
      .set('Authorization', `Bearer ${mine}`)
      .send({ currentPassword: testPassword, newPassword: testPassword })
      .expect(400);
    const stopMail = startPasswordChangedMail({ config: testConfig(), logger: silentLogger });
    try {
      await request(app)
        .post('/api/v1/me/password')
        .set('Authorization', `Bearer ${mine}`)
        .send({ currentPassword: testPassword, newPassword: 'a long new passphrase' })
        .expect(204);
      await domainEvents.settled();
    } finally {
      stopMail();
    }
    // The person is told, in their language, with the way to take the account back if it was not them.
    const told = await Outbox.find({ template: 'password-changed', to: person.email }).lean();
    expect(told).to.have.length(1);
    expect(told[0]?.subject).to.equal('Relais : le mot de passe de votre compte a été changé');
    expect(told[0]?.text).to.include('Si ce n’est pas vous, reprenez votre compte').and.include('/staff/login/forgot').and.not.include('par un lien'); // changed by the person, not through a reset link
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${mine}`).expect(200);
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${other}`).expect(401);
    await login(app, person.email, 'a long new passphrase');

    // The page: a browser sees its sessions and ends another one.
    const agent = request.agent(app);
    const form = await agent.get('/staff/login').expect(200);
    await agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), email: person.email, password: 'a long new passphrase' })
      .expect(303);
    const page = await agent.get('/staff/account').expect(200);
    expect(page.text).to.include('cette session');
    const otherId = /data-session="([0-9a-f]{24})"[^]*?action="\/staff\/account\/sessions\/\1\/end"/.exec(page.text)?.[1];
    if (!otherId) throw new Error('no other session on the page');
    const end = await agent
      .post(`/staff/account/sessions/${otherId}/end`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf') });
    expect([end.status, end.headers.location]).to.deep.equal([303, '/staff/account?done=session_ended']);
    // Someone else's live session. (A mutated id is no good: sessions made one after another differ
    // in their last digits, so changing one landed on another of this person's sessions in CI.)
    const stranger = await buildStaff({ name: 'Autre Personne', roles: ['advisor'] });
    await login(app, stranger.email);
    const strangers = await SessionModel.findOne({ staff: stranger.id }).lean().orFail();
    const notMine = await agent
      .post(`/staff/account/sessions/${String(strangers._id)}/end`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf') });
    expect(notMine.status, `${notMine.status} ${String(notMine.headers.location)}`).to.equal(404);
    expect((await SessionModel.findById(strangers._id).lean().orFail()).revokedAt ?? null).to.equal(null);

    // The page's password form says which password is wrong, and refuses the same one again (QA).
    const change = (current: string, next: string) =>
      agent
        .post('/staff/account/password')
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf'), current_password: current, new_password: next, confirm: next });
    const wrong = await change('not my password', 'another long passphrase');
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.include('id="password-error">Le mot de passe actuel n’est pas correct.').and.not.include('ou le code');
    const same = await change('a long new passphrase', 'a long new passphrase');
    expect(same.status).to.equal(400);
    expect(same.text).to.include('Le nouveau mot de passe doit être différent de l’actuel.');

    // A reset through a "forgot password" link is told too, saying so; an invitation's first password is not a change.
    const stopAgain = startPasswordChangedMail({ config: testConfig(), logger: silentLogger });
    const invited = await buildStaff({ name: 'Nouvelle Personne', roles: ['advisor'] });
    try {
      await setPassword(person.id, 'a long new passphrase');
      await setPassword(invited.id, 'her very first passphrase', { activate: true });
      await domainEvents.settled();
    } finally {
      stopAgain();
    }
    expect(await Outbox.countDocuments({ template: 'password-changed', to: invited.email })).to.equal(0);
    const reset = await Outbox.find({ template: 'password-changed', to: person.email, text: /par un lien « mot de passe oublié »/ }).lean();
    expect(reset).to.have.length(1);
  });
});
