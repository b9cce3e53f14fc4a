/** The supervisor board's routing panel: switch the office's model and a team's mode, hand off an away advisor. */
import { expect } from 'chai';
import type { Express } from 'express';

import { createApp } from '../../server/app.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { hidden, signedIn } from '../helpers/pages.js';
import { useMail } from '../helpers/enrichers.js';

describe('supervisor board: routing panel', function () {
  this.timeout(30_000);
  useTestDatabase();
  let org: Org;
  let app: Express;

  before(async () => {
    org = await buildOrg();
    const config = testConfig();
    useMail(config);
    // Julie is online; Nadia is away.
    const online = async () => new Set([String(org.staff.advisorLiege.id)]);
    app = createApp({
      config,
      logger: silentLogger,
      online,
      api: { auth: { rateLimits: { perIp: { limit: 1000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } } } },
    });
  });

  it('switches the office to polyvalent and its team to round-robin, with CSRF; only its supervisor sees the panel', async () => {
    const advisor = await signedIn(app, org.staff.advisorLiege.email);
    await advisor.post('/staff/board/routing').type('form').send({ officeModel: 'polyvalent' }).expect(403);
    const supervisor = await signedIn(app, org.staff.supervisorLiege.email);
    const board = await supervisor.get('/staff/board').expect(200);
    expect(board.text).to.include('id="routing"').and.include('Tour de rôle');
    const csrf = hidden(board.text, '_csrf');
    await supervisor.post('/staff/board/routing').type('form').send({ officeModel: 'polyvalent' }).expect(403); // no token
    const saved = await supervisor
      .post('/staff/board/routing')
      .type('form')
      .send({ _csrf: csrf, officeModel: 'polyvalent', [`team_${String(org.teams.liege)}`]: 'round_robin' })
      .expect(303);
    expect(saved.headers.location).to.include('routing=saved');
    expect((await OfficeModel.findById(org.offices.liege).lean())?.routingModel).to.equal('polyvalent');
    expect((await TeamModel.findById(org.teams.liege).lean())?.assignmentMode).to.equal('round_robin');
    expect((await TeamModel.findById(org.teams.charleroi).lean())?.assignmentMode).to.equal('manual');
  });

  it('lists people away who hold tickets and hands them back to the queue with a reason', async () => {
    const ticket = await buildTicket(org, { subject: 'Tenu par Nadia' });
    const current = await loadTicket(String(ticket._id));
    await claimTicket({ actor: org.staff.advisorLiege2, ticketId: String(ticket._id), version: current?.version ?? 1 });
    const supervisor = await signedIn(app, org.staff.supervisorLiege.email);
    const board = await supervisor.get('/staff/board').expect(200);
    expect(board.text)
      .to.include(`action="/staff/board/handoff/${String(org.staff.advisorLiege2.id)}"`)
      .and.include('Nadia El Amrani — 1 ticket<');
    expect(board.text).not.to.include(`action="/staff/board/handoff/${String(org.staff.advisorLiege.id)}"`); // online
    // The live snapshot carries the same list, so the board follows people coming and going without a reload.
    const snapshot = await supervisor.get('/staff/board/snapshot').expect(200);
    expect(snapshot.body.awayHtml)
      .to.include('Nadia El Amrani — 1 ticket<')
      .and.include(`value="${hidden(board.text, '_csrf')}"`);
    const done = await supervisor
      .post(`/staff/board/handoff/${String(org.staff.advisorLiege2.id)}`)
      .type('form')
      .send({ _csrf: hidden(board.text, '_csrf'), reason: 'Absente ce lundi' })
      .expect(303);
    expect(done.headers.location).to.include('handedoff=1');
    expect((await loadTicket(String(ticket._id)))?.assignee ?? null).to.equal(null);
    expect((await supervisor.get('/staff/board/snapshot').expect(200)).body.awayHtml).not.to.include('Nadia El Amrani');
  });
});
