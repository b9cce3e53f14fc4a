/**
 * When the live layer ends a socket: its access token expires, its session is logged
 * out, or its staff member is deactivated or moved (their rooms would be wrong).
 */
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { signAccessToken } from '../../server/auth/tokens.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { buildStaff } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { connected, nextEvent, sleep, until, useLiveServer, type ConnectOptions } from '../helpers/realtime.js';

describe('realtime: session endings', () => {
  const live = useLiveServer();
  const open = (options: ConnectOptions) => live.open(options);
  const settled = () => domainEvents.settled();

  describe('sessions', () => {
    const sessionOf = (token: string | undefined) => jwt.decode(token ?? '') as { sub: string; sid: string };

    it('disconnects a socket when its access token expires, with session:expired first', async () => {
      const { sub, sid } = sessionOf(live.tokens.advisorLiege);
      // Short-lived, but long enough for the handshake on a loaded machine (1 s was not, under coverage).
      const short = signAccessToken(live.server.config.jwt, { staffId: sub, sessionId: sid, tokenVersion: 0 }, 3).token;
      const socket = open({ token: short });
      const hello = await connected(socket);
      expect(Date.parse(hello.expiresAt) - Date.now()).to.be.below(3_500);
      const notice = nextEvent(socket, 'session:expired', () => true, 5_000);
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect(await notice).to.deep.equal({ reason: 'expired' });
      expect(await closed).to.equal('io server disconnect');
    });

    it('disconnects the sockets of a session at logout, and every socket of someone deactivated or moved to another team', async () => {
      const pierre = await buildStaff({ name: 'Pierre Devos', roles: ['advisor'], team: live.org.teams.liege, tier: 1, office: live.org.offices.liege });
      const [t1, t2] = [await login(live.server.app, pierre.email), await login(live.server.app, pierre.email)];
      const one = open({ token: t1 });
      const other = open({ token: t2 });
      await Promise.all([connected(one), connected(other)]);
      const revoked = nextEvent(one, 'session:expired');
      await request(live.server.app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${t1}`).expect(204);
      await settled();
      expect(await revoked).to.deep.equal({ reason: 'revoked' });
      await until(() => one.disconnected, 2_000, 'the logged-out socket to close');
      await sleep(300);
      expect(other.connected).to.equal(true); // another session of the same person stays

      const moved = nextEvent(other, 'session:expired', () => true, 3_000);
      await StaffModel.updateOne({ _id: pierre.id }, { $set: { team: live.org.teams.charleroi, office: live.org.offices.charleroi } });
      expect(await moved).to.deep.equal({ reason: 'access_changed' });

      const third = open({ token: await login(live.server.app, pierre.email) });
      await connected(third);
      const deactivated = nextEvent(third, 'session:expired', () => true, 3_000);
      await StaffModel.updateOne({ _id: pierre.id }, { $set: { active: false } });
      expect(await deactivated).to.deep.equal({ reason: 'revoked' });
      await until(() => third.disconnected, 2_000, 'the deactivated socket to close');
    });
  });
});

describe('realtime: endings from the account and staff administration pages', () => {
  // A re-check a minute apart: what closes these sockets within the second is the revocation event.
  const live = useLiveServer({ recheckIntervalMs: 60_000 });
  const open = (options: ConnectOptions) => live.open(options);
  const settled = () => domainEvents.settled();

  it("closes every socket of a person an administrator deactivates, at once, and a session its owner ends from 'My account'", async () => {
    const anna = await buildStaff({ name: 'Anna Vos', roles: ['advisor'], team: live.org.teams.liege, tier: 1, office: live.org.offices.liege });
    const [t1, t2, t3] = [await login(live.server.app, anna.email), await login(live.server.app, anna.email), await login(live.server.app, anna.email)];
    const [one, two, three] = [open({ token: t1 }), open({ token: t2 }), open({ token: t3 })];
    await Promise.all([connected(one), connected(two), connected(three)]);

    // Her own "end" on another session of hers closes that session's socket only.
    const { sid } = jwt.decode(t2 ?? '') as { sid: string };
    const ended = nextEvent(two, 'session:expired', () => true, 1_500);
    await request(live.server.app).delete(`/api/v1/me/sessions/${sid}`).set('Authorization', `Bearer ${t1}`).expect(204);
    await settled();
    expect(await ended).to.deep.equal({ reason: 'revoked' });
    await sleep(200);
    expect([one.connected, three.connected]).to.deep.equal([true, true]);

    // Deactivation by an administrator: on the revocation event, not the periodic re-check.
    const closing = [nextEvent(one, 'session:expired', () => true, 1_500), nextEvent(three, 'session:expired', () => true, 1_500)];
    await request(live.server.app)
      .post(`/api/v1/admin/staff/${String(anna.id)}/deactivate`)
      .set('Authorization', `Bearer ${live.tokens.administrator}`)
      .expect(200);
    await settled();
    expect(await Promise.all(closing)).to.deep.equal([{ reason: 'revoked' }, { reason: 'revoked' }]);
  });
});
