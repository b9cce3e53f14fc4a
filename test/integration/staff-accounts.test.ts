/**
 * Issue 17, accounts: an administrator invites a person (inactive until they set a password through
 * the mailed link), edits and deactivates them (signed out everywhere at once), reactivates them; a
 * person who forgot their password asks for a link (the same answer whether the address exists, and
 * nothing looked up before answering); links are single-use and short-lived; setting a password ends
 * every other session. Every administration change is in the audit trail, without secrets.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { PasswordLinkRequestModel } from '../../server/auth/password-links.model.js';
import { passwordLinkUrl } from '../../server/auth/password-links.js';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { processPasswordLinkRequests } from '../../server/mail/password-link-mail.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildStaff, testPassword, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { hidden, refusedInputs } from '../helpers/pages.js';

const newPassword = 'a brand new passphrase 2026';

describe('staff accounts: invitations, forgotten passwords, deactivation', () => {
  useTestDatabase();
  const config = testConfig();
  let app: Express;
  let org: Org;
  let admin: string;

  before(async () => {
    app = testApp(config);
    org = await buildOrg();
    admin = `Bearer ${await login(app, org.staff.administrator.email)}`;
  });

  /** The newest mail of `template` to `email`, and the path of the link in it. */
  async function mailedLink(template: string, email: string): Promise<{ mail: OutboxMail; path: string }> {
    const [mail] = await Outbox.find({ template, to: email }).sort({ createdAt: -1 }).limit(1).lean<OutboxMail[]>();
    if (!mail) throw new Error(`no ${template} mail to ${email}`);
    const path = new RegExp(`${config.publicUrl}(/staff/password/[A-Za-z0-9._-]+)`).exec(mail.text)?.[1];
    if (!path) throw new Error('no link in the mail');
    expect(mail.html).to.include(`href="${config.publicUrl}${path}"`);
    return { mail, path };
  }

  /** Follows a link as a browser: the form, then the POST that spends it. */
  async function setPasswordThrough(path: string, password = newPassword): Promise<request.Response> {
    const agent = request.agent(app);
    const page = await agent.get(path);
    if (page.status !== 200) return page;
    return agent
      .post('/staff/password')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token'), password, confirm: password });
  }

  const invite = (email: string, extra: Record<string, unknown> = {}) =>
    request(app)
      .post('/api/v1/admin/staff')
      .set('Authorization', admin)
      .send({
        email,
        name: 'Léa Martin',
        roles: ['advisor'],
        team: String(org.teams.liege),
        office: String(org.offices.liege),
        languages: ['nl', 'fr'],
        capacity: 12,
        ...extra,
      });

  it('invites a person: inactive until they set a password through the mailed link, once; then they sign in', async () => {
    const email = 'lea.martin@example.be';
    const res = await invite(email.toUpperCase());
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.staff).to.include({ email, status: 'invited', active: false, capacity: 12, totpEnabled: false });
    expect(res.body.staff).not.to.have.property('passwordHash');
    // Nobody signs in to an invited account, whatever they type.
    await request(app).post('/api/v1/auth/login').send({ email, password: testPassword }).expect(401);

    expect(await processPasswordLinkRequests(config)).to.equal(1);
    const { mail, path } = await mailedLink('staff-invite', email);
    expect(mail.locale).to.equal('nl'); // the first language they speak
    expect(mail.subject).to.equal('Relais: uw uitnodiging — kies uw wachtwoord');
    expect(mail.text).to.include(org.staff.administrator.name);
    expect(mail.text).to.include('24 uur en één keer geldig');

    const page = await request(app).get(`${path}?lang=fr`).expect(200);
    expect(page.text).to.include('Bienvenue, Léa Martin');
    // The GET spends nothing: a mail scanner fetching the link leaves it usable.
    await request(app).get(path).expect(200);
    // Two passwords that differ: the page says so and is still the invitation's, by name (QA: it became a reset's).
    const agent = request.agent(app);
    const form = await agent.get(`${path}?lang=fr`).expect(200);
    const typo = await agent
      .post('/staff/password?lang=fr')
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), token: hidden(form.text, 'token'), password: newPassword, confirm: `${newPassword}x` });
    expect(typo.text).to.include('Bienvenue, Léa Martin').and.not.include('Choisir un nouveau mot de passe');

    const set = await setPasswordThrough(path);
    expect([set.status, set.headers.location]).to.deep.equal([303, '/staff/login?password_set=1']);
    const again = await setPasswordThrough(path, 'someone else entirely 42');
    expect(again.status).to.equal(410);
    expect(again.text).to.include('Ce lien a déjà servi');

    const signedIn = await request(app).post('/api/v1/auth/login').send({ email, password: newPassword }).expect(200);
    expect(signedIn.body.staff).to.include({ email, active: true });
    const audit = await AuditEntryModel.find({ 'target.id': res.body.staff.id }).sort({ at: 1 }).lean();
    expect(audit.map((a) => a.action)).to.deep.equal(['staff.invite', 'account.invitation.accept']);
    expect(audit[0]?.actorName).to.equal(org.staff.administrator.name);
    expect(JSON.stringify(audit)).not.to.match(/passwordHash|argon2|totp\.secret/);
  });

  it('refuses bad invitations clearly: not an administrator, a NoSQL operator, an unknown team, an address taken, a stray field', async () => {
    const supervisor = `Bearer ${await login(app, org.staff.supervisorLiege.email)}`;
    await request(app)
      .post('/api/v1/admin/staff')
      .set('Authorization', supervisor)
      .send({ email: 'x@example.be', name: 'X', roles: ['advisor'] })
      .expect(403);
    await invite({ $ne: null } as unknown as string).expect(400);
    await invite('y@example.be', { team: '65f000000000000000000001' }).expect(400);
    await invite('z@example.be', { passwordHash: 'x' }).expect(400);
    await invite('z@example.be', { roles: ['root'] }).expect(400);
    const taken = await invite(org.staff.advisorLiege.email);
    expect(taken.status).to.equal(409);
    expect(await StaffModel.countDocuments({ email: { $in: ['x@example.be', 'y@example.be', 'z@example.be'] } })).to.equal(0);
  });

  it('answers "forgot password" the same for any address, looks nothing up before answering, and mails staff only', async () => {
    const known = await buildStaff({ name: 'Marc Dubois', roles: ['advisor'], languages: ['en'] });
    const stranger = 'nobody-here@example.be';
    const answers = [
      await request(app).post('/api/v1/auth/password-reset-request').send({ email: known.email }),
      await request(app).post('/api/v1/auth/password-reset-request').send({ email: stranger }),
    ];
    for (const res of answers) expect(res.status).to.equal(202);
    expect(answers[0]?.body).to.deep.equal(answers[1]?.body);
    // The form answers alike too.
    for (const email of [known.email, stranger]) {
      const agent = request.agent(app);
      const form = await agent.get('/staff/login/forgot').expect(200);
      const res = await agent
        .post('/staff/login/forgot')
        .type('form')
        .send({ _csrf: hidden(form.text, '_csrf'), email });
      expect([res.status, res.headers.location]).to.deep.equal([303, '/staff/login/forgot?sent=1']);
    }
    // Both addresses are stored alike; no mail exists until the worker runs after the answers.
    const stored = (await PasswordLinkRequestModel.find({ kind: 'reset' }).lean()).map((r) => r.email).sort();
    expect(stored).to.deep.equal([known.email, stranger].sort());
    expect(await Outbox.countDocuments({ template: 'password-reset' })).to.equal(0);

    expect(await processPasswordLinkRequests(config)).to.equal(1);
    const { mail } = await mailedLink('password-reset', known.email);
    expect(mail.subject).to.equal('Relais: your link to choose a new password');
    expect(mail.text).to.include('valid for 30 minutes, once');
    expect(await Outbox.countDocuments({ to: stranger })).to.equal(0);
  });

  it('sets a new password with the link once, ends every session, and refuses an expired or forged link', async () => {
    const person = await buildStaff({ name: 'Sophie Renard', roles: ['advisor'] });
    const before = `Bearer ${await login(app, person.email)}`;
    await request(app).get('/api/v1/me').set('Authorization', before).expect(200);
    await request(app).post('/api/v1/auth/password-reset-request').send({ email: person.email }).expect(202);
    await processPasswordLinkRequests(config);
    const { path } = await mailedLink('password-reset', person.email);

    const set = await setPasswordThrough(path);
    expect(set.status).to.equal(303);
    await request(app).get('/api/v1/me').set('Authorization', before).expect(401);
    await request(app).post('/api/v1/auth/login').send({ email: person.email, password: testPassword }).expect(401);
    await login(app, person.email, newPassword);
    expect((await setPasswordThrough(path)).status).to.equal(410);
    // The JSON route refuses a used link too.
    const token = path.split('/').at(-1) ?? '';
    const api = await request(app).post('/api/v1/auth/password-link').send({ token, password: 'yet another passphrase' });
    expect([api.status, api.body.error.reason]).to.deep.equal([410, 'link_used']);

    const doc = await StaffModel.findById(person.id).lean();
    if (!doc) throw new Error('gone');
    const old = passwordLinkUrl(config, doc, 'reset', new Date(Date.now() - 31 * 60_000)).replace(config.publicUrl, '');
    const expired = await request(app).get(old);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.include('Ce lien a expiré');
    const forged = passwordLinkUrl({ ...config, jwt: { ...config.jwt, secret: 'another-secret-0123456789-abcdefghijklmnop' } }, doc, 'reset').replace(
      config.publicUrl,
      '',
    );
    expect((await request(app).get(forged)).status).to.equal(400);
    // A link made for a reset does not activate an invitation, nor the other way round: it names its kind.
    const tooShort = await setPasswordThrough(passwordLinkUrl(config, doc, 'reset').replace(config.publicUrl, ''), 'short');
    expect(tooShort.status).to.equal(400);
  });

  it('edits, deactivates (signed out everywhere at once) and reactivates a person, each change audited without secrets', async () => {
    const person = await buildStaff({ name: 'Tom Peeters', roles: ['advisor'], team: org.teams.liege, tier: 1, office: org.offices.liege });
    const theirs = `Bearer ${await login(app, person.email)}`;
    const id = String(person.id);
    const edited = await request(app)
      .patch(`/api/v1/admin/staff/${id}`)
      .set('Authorization', admin)
      .send({ capacity: 20, roles: ['advisor', 'supervisor'], languages: ['fr', 'nl'] });
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    expect(edited.body.staff).to.include({ capacity: 20 });
    // A tier-1 team takes only its office's people: Liège's team with the office Charleroi is refused, nothing changed.
    const mismatch = await request(app)
      .patch(`/api/v1/admin/staff/${id}`)
      .set('Authorization', admin)
      .send({ office: String(org.offices.charleroi) });
    expect(mismatch.status).to.equal(409);
    expect(mismatch.body.error.reason).to.equal('team_office_mismatch');
    const moved = await request(app)
      .patch(`/api/v1/admin/staff/${id}`)
      .set('Authorization', admin)
      .send({ office: String(org.offices.charleroi), team: String(org.teams.charleroi) });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);

    const revoked: unknown[] = [];
    const stop = domainEvents.subscribe('auth.revoked', (event) => void revoked.push(event));
    try {
      const off = await request(app).post(`/api/v1/admin/staff/${id}/deactivate`).set('Authorization', admin).expect(200);
      expect(off.body.staff).to.include({ status: 'deactivated', active: false });
      await domainEvents.settled();
    } finally {
      stop();
    }
    // Their sockets close on this event (realtime/session.ts); their tokens stop at once.
    expect(revoked).to.deep.include({ sessionId: null, staffId: id });
    await request(app).get('/api/v1/me').set('Authorization', theirs).expect(401);
    await request(app).post('/api/v1/auth/login').send({ email: person.email, password: testPassword }).expect(401);

    await request(app).post(`/api/v1/admin/staff/${id}/reactivate`).set('Authorization', admin).expect(200);
    await login(app, person.email);

    const entries = await AuditEntryModel.find({ 'target.id': id }).sort({ at: 1 }).lean();
    expect(entries.map((e) => e.action)).to.deep.equal(['staff.update', 'staff.update', 'staff.deactivate', 'staff.reactivate']);
    // Only what changed, before and after.
    expect(entries[0]?.before).to.deep.equal({ roles: ['advisor'], capacity: 15, languages: ['fr'] });
    expect(entries[0]?.after).to.deep.equal({ roles: ['advisor', 'supervisor'], capacity: 20, languages: ['fr', 'nl'] });
    expect(entries[2]?.after).to.deep.equal({ active: false, status: 'deactivated' });
    expect(JSON.stringify(entries)).not.to.match(/passwordHash|tokenVersion|recoveryCodes/);
  });

  it('refuses an administrator deactivating themselves or dropping their own administrator role', async () => {
    const me = String(org.staff.administrator.id);
    expect((await request(app).post(`/api/v1/admin/staff/${me}/deactivate`).set('Authorization', admin)).status).to.equal(409);
    expect(
      (
        await request(app)
          .patch(`/api/v1/admin/staff/${me}`)
          .set('Authorization', admin)
          .send({ roles: ['supervisor'] })
      ).status,
    ).to.equal(409);
    expect((await request(app).get('/api/v1/admin/staff/65f000000000000000000001').set('Authorization', admin)).status).to.equal(404);
  });

  it('runs the same through the staff page: list, invite form, edit form, deactivate, resend an invitation', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/staff/login').expect(200);
    await agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), email: org.staff.administrator.email, password: testPassword })
      .expect(303);
    const list = await agent.get('/staff/admin/staff').expect(200);
    expect(list.text).to.include(org.staff.advisorLiege.name);
    const csrf = hidden(list.text, '_csrf');
    const invited = await agent
      .post('/staff/admin/staff')
      .type('form')
      .send({
        _csrf: csrf,
        email: 'pages.invite@example.be',
        name: 'Page Invitée',
        roles: ['advisor'],
        team: String(org.teams.charleroi),
        office: String(org.offices.charleroi),
        languages: ['fr'],
        capacity: '10',
      });
    expect([invited.status, invited.headers.location]).to.deep.equal([303, '/staff/admin/staff?done=invited']);
    const created = await StaffModel.findOne({ email: 'pages.invite@example.be' }).lean();
    expect(created?.active).to.equal(false);
    const id = String(created?._id);
    const person = await agent.get(`/staff/admin/staff/${id}`).expect(200);
    expect(person.text).to.include('Renvoyer l’invitation');
    await agent.post(`/staff/admin/staff/${id}/invitation`).type('form').send({ _csrf: csrf }).expect(303);
    expect(await PasswordLinkRequestModel.countDocuments({ kind: 'invite', staff: created?._id })).to.equal(2);
    const bad = await agent
      .post(`/staff/admin/staff/${id}`)
      .type('form')
      .send({ _csrf: csrf, name: 'Page Invitée', roles: [], languages: ['fr'], capacity: '10' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Vérifiez ces champs');
    // No role ticked: said beside the roles (a group of boxes, no input of its own to mark).
    expect(bad.text).to.match(/<legend>Rôles<\/legend>\s*<span class="field-error" id="err-accounts-admin-field-roles">/);
    // An address already taken: said beside the address, the rest kept as typed.
    const taken = await agent
      .post('/staff/admin/staff')
      .type('form')
      .send({ _csrf: csrf, email: 'pages.invite@example.be', name: 'Homonyme', roles: ['advisor'], languages: ['fr'], capacity: '10' });
    expect(taken.status).to.equal(409);
    expect(refusedInputs(taken.text)).to.deep.equal({ email: 'Un membre du personnel a déjà cette adresse.' });
    expect(taken.text).to.include('value="Homonyme"');
    // A team of another office: said, beside both choices (QA: "Vérifiez ces champs : ."); each team names its tier and office.
    const mismatch = await agent
      .post('/staff/admin/staff')
      .type('form')
      .send({
        _csrf: csrf,
        email: 'jonas.verbeke@example.be',
        name: 'Jonas Verbeke',
        roles: ['advisor'],
        team: String(org.teams.liege),
        office: String(org.offices.charleroi),
        languages: ['nl', 'fr'],
        capacity: '10',
      });
    expect(mismatch.status).to.equal(409);
    expect(mismatch.text).to.include('Cette équipe est celle d’un autre bureau').and.not.include('Vérifiez ces champs : .');
    expect(Object.keys(refusedInputs(mismatch.text))).to.deep.equal(['team', 'office']);
    expect(mismatch.text).to.include('Conseil Liège — niveau 1, Liège</option>');

    // A typo in an invited address (QA): the invitation in the language chosen on the form, then the address corrected on
    // the person's page: the link sent to the typo stops working, a new invitation goes to the right address.
    const typo = await agent
      .post('/staff/admin/staff')
      .type('form')
      .send({
        _csrf: csrf,
        email: 'jonas.verbeke@relais.deom',
        name: 'Jonas Verbeke',
        roles: ['advisor'],
        languages: ['fr', 'nl'],
        capacity: '10',
        locale: 'nl',
      });
    expect(typo.status).to.equal(303);
    const jonas = await StaffModel.findOne({ email: 'jonas.verbeke@relais.deom' });
    if (!jonas) throw new Error('not invited');
    expect((await PasswordLinkRequestModel.findOne({ kind: 'invite', email: 'jonas.verbeke@relais.deom' }).lean())?.locale).to.equal('nl');
    const sentToTypo = passwordLinkUrl(config, jonas, 'invite').replace(config.publicUrl, '');
    expect((await request(app).get(sentToTypo)).status).to.equal(200);
    const jonasPage = await agent.get(`/staff/admin/staff/${String(jonas._id)}`).expect(200);
    expect(jonasPage.text).to.include('name="email"');
    const corrected = await agent
      .post(`/staff/admin/staff/${String(jonas._id)}`)
      .type('form')
      .send({
        _csrf: csrf,
        email: 'jonas.verbeke@relais.demo',
        name: 'Jonas Verbeke',
        roles: ['advisor'],
        languages: ['fr', 'nl'],
        capacity: '10',
      });
    expect([corrected.status, corrected.headers.location]).to.deep.equal([303, `/staff/admin/staff/${String(jonas._id)}?done=address_corrected`]);
    expect((await StaffModel.findById(jonas._id).lean())?.email).to.equal('jonas.verbeke@relais.demo');
    expect(await PasswordLinkRequestModel.countDocuments({ kind: 'invite', email: 'jonas.verbeke@relais.demo' })).to.equal(1);
    expect((await request(app).get(sentToTypo)).text).to.include('déjà servi');
    // An active person's address is theirs to sign in with: not changed here.
    const active = await agent
      .post(`/staff/admin/staff/${String(org.staff.advisorCharleroi.id)}`)
      .type('form')
      .send({
        _csrf: csrf,
        email: 'karim.autre@example.be',
        name: 'Karim Benali',
        roles: ['advisor'],
        languages: ['fr'],
        capacity: '10',
      });
    expect(active.status).to.equal(409);
    expect((await StaffModel.findById(org.staff.advisorCharleroi.id).lean())?.email).to.equal(org.staff.advisorCharleroi.email);
    await agent.post(`/staff/admin/staff/${id}/deactivate`).type('form').send({ _csrf: csrf }).expect(303);
    expect((await StaffModel.findById(id).lean())?.deactivatedAt).to.be.instanceOf(Date);
    // Without the CSRF token nothing changes.
    await agent.post(`/staff/admin/staff/${id}/reactivate`).type('form').send({}).expect(403);

    const advisor = request.agent(app);
    const f2 = await advisor.get('/staff/login').expect(200);
    await advisor
      .post('/staff/login')
      .type('form')
      .send({ _csrf: hidden(f2.text, '_csrf'), email: org.staff.advisorLiege.email, password: testPassword })
      .expect(303);
    expect((await advisor.get('/staff/admin/staff')).status).to.equal(403);
  });
});
