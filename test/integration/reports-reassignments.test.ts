/**
 * QA item 11: "reassignment counts look too low". Three supervisor reassignments (to a person, a
 * team, a tier) of tickets created in the period, counted through the real commands and the report page's CSV.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { reassignTicket } from '../../server/tickets/ticket.moves.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { testApp } from '../helpers/http.js';
import { signedIn } from '../helpers/pages.js';

describe('reports: supervisor reassignments', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;

  before(async () => {
    app = testApp();
    org = await buildOrg();
  });

  it('counts a reassignment to a person, to a team and to a tier, each once, for the ticket’s office', async () => {
    const sup = org.staff.supervisorLiege;
    const a = await buildTicket(org);
    const b = await buildTicket(org);
    const c = await buildTicket(org);
    await reassignTicket({ actor: sup, ticketId: String(a._id), version: a.version, assignee: String(org.staff.advisorLiege.id), reason: 'Absente' });
    await reassignTicket({ actor: sup, ticketId: String(b._id), version: b.version, team: String(org.teams.support), reason: 'Complexe' });
    await reassignTicket({ actor: sup, ticketId: String(c._id), version: c.version, tier: 3, reason: 'Administratif' });
    const agent = await signedIn(app, sup.email);
    // Semicolons: the column titles hold commas, never a semicolon.
    const count = async () => {
      const csv = (await agent.get('/staff/reports.csv?sep=semicolon&table=offices&preset=7d').expect(200)).text;
      const [header = '', ...rows] = csv.slice(1).trim().split('\r\n');
      return rows.find((r) => r.startsWith('Liège;'))?.split(';')[header.split(';').indexOf('Réassignations')];
    };
    expect(await count()).to.equal('3');
    // Read again after another one: the report's day documents follow the change.
    const moved = await buildTicket(org);
    const again = await reassignTicket({ actor: sup, ticketId: String(moved._id), version: moved.version, tier: 2, reason: 'Complexe' });
    expect(await count()).to.equal('4');
    await reassignTicket({ actor: sup, ticketId: String(moved._id), version: again.version, tier: 1, reason: 'Retour' });
    expect(await count()).to.equal('5');
    // What is counted is the cohort's: the page's definition says so.
    const page = await agent.get('/staff/reports?preset=7d').expect(200);
    expect(page.text).to.include('Un ticket créé avant la période n’y compte pas, même réassigné pendant celle-ci');
  });
});
