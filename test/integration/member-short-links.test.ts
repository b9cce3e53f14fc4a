/**
 * Links in mails short enough to read (issue 16, point 10): a member link is a compact signed token
 * (about 67 characters for one ticket) instead of a JWT (about 330). It keeps issue 14's guarantees:
 * signed with its own key, single use, expiring, used only by the page's button (a GET uses nothing).
 * Links already mailed in the old form keep working until they expire.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { memberLinkUrl, signMemberLink, verifyMemberLink } from '../../server/members/member-links.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket } from '../helpers/factories.js';
import { hidden } from '../helpers/pages.js';

describe('short member links', function () {
  useTestDatabase();
  let config: Config;
  let app: Express;
  let ticket: Ticket;
  let memberId: string;

  before(async () => {
    const org = await buildOrg();
    // http: supertest does not send the Secure cookies an https address asks for.
    config = testConfig({ PUBLIC_URL: 'http://relais.example.be' });
    app = createApp({ config, logger: silentLogger });
    ticket = await buildTicket(org);
    memberId = String(ticket.member);
  });

  /** The link's page, then its button; resolves with the button's answer. */
  async function open(agent: ReturnType<typeof request.agent>, path: string, status: number): Promise<request.Response> {
    const page = await agent.get(path);
    if (page.status !== 200) {
      expect(page.status).to.equal(status);
      return page;
    }
    return agent
      .post('/suivi/acces')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') })
      .expect(status);
  }

  /** A link in the form mailed before: a JWT under the link key. */
  function legacyToken(claims: { ticketId: string | null }, expiresIn = config.memberLinkTtl): string {
    const key = createHmac('sha256', config.jwt.secret).update('relais:member-link').digest();
    return jwt.sign(claims.ticketId ? { tkt: claims.ticketId } : {}, key, {
      algorithm: 'HS256',
      jwtid: randomBytes(16).toString('base64url'),
      subject: memberId,
      issuer: config.jwt.issuer,
      audience: 'relais-member-link',
      expiresIn,
    });
  }

  it('is short: a ticket link fits on one line of a mail, with the same claims', () => {
    const url = memberLinkUrl(config, { memberId, ticketId: String(ticket._id) });
    const token = url.split('/').pop() ?? '';
    expect(token).to.match(/^[A-Za-z0-9_-]+$/);
    expect(token.length).to.be.at.most(70);
    expect(url.length).to.be.at.most(110);
    const check = verifyMemberLink(config, token);
    expect(check.ok && check.claims).to.deep.equal({ memberId, ticketId: String(ticket._id) });
    const all = verifyMemberLink(config, signMemberLink(config, { memberId, ticketId: null }));
    expect(all.ok && all.claims).to.deep.equal({ memberId, ticketId: null });
    // Each link is its own (single use is recorded per link).
    const again = verifyMemberLink(config, token.replace(/.$/, ''));
    expect(again.ok).to.equal(false);
    const other = verifyMemberLink(config, signMemberLink(config, { memberId, ticketId: String(ticket._id) }));
    expect(other.ok && check.ok && other.useKey !== check.useKey).to.equal(true);
  });

  it('opens like a long one, once; a link mailed in the old form still opens', async () => {
    const short = new URL(memberLinkUrl(config, { memberId, ticketId: String(ticket._id) })).pathname;
    const opened = await open(request.agent(app), short, 303);
    expect(opened.headers.location).to.equal(`/suivi/demandes/${ticket.number}`);
    const used = await open(request.agent(app), short, 410);
    expect(used.text).to.include('Ce lien a déjà servi');
    const legacy = await open(request.agent(app), `/suivi/acces/${legacyToken({ ticketId: String(ticket._id) })}`, 303);
    expect(legacy.headers.location).to.equal(`/suivi/demandes/${ticket.number}`);
  });

  it('refuses an expired, a forged or a guessed link the same way as before (410 expired, 400 not valid)', async () => {
    const expired = signMemberLink({ ...config, memberLinkTtl: -10 }, { memberId, ticketId: null });
    expect(expired.length).to.be.at.most(70);
    expect((await request(app).get(`/suivi/acces/${expired}`).expect(410)).text).to.include('Ce lien a expiré');
    const good = signMemberLink(config, { memberId, ticketId: String(ticket._id) });
    const bytes = Buffer.from(good, 'base64url');
    const refused: string[] = [
      // another installation's key
      signMemberLink({ ...config, jwt: { ...config.jwt, secret: 'another-secret-0123456789-abcdefghijklmnop' } }, { memberId, ticketId: null }),
      // one bit changed in the member, the ticket, the expiry, the MAC
      ...[1, 14, 26, 45].map((i) => {
        const copy = Buffer.from(bytes);
        copy[i] = (copy[i] ?? 0) ^ 1;
        return copy.toString('base64url');
      }),
      // a ticket link turned into an all-tickets link
      Buffer.concat([Buffer.from([1]), bytes.subarray(1, 13), bytes.subarray(25)]).toString('base64url'),
      // guessed: random bytes of the right length
      randomBytes(bytes.length).toString('base64url'),
      good.slice(0, 20),
    ];
    for (const token of refused) {
      const res = await request(app).get(`/suivi/acces/${token}`);
      expect(res.status, token).to.equal(400);
      expect(res.text).to.include('Ce lien n’est pas valable');
    }
  });
});
