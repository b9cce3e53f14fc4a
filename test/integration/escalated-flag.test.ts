/**
 * The receiving tier's queue says who escalated a ticket and why ("Escaladé par Julie Lambert ·
 * Modification de contrat"), as tier 1's says who returned one; the line goes once the ticket is back
 * on tier 1.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { reassignTicket, returnTicket } from '../../server/tickets/ticket.moves.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildEscalatedTicket, buildOrg, type Org } from '../helpers/factories.js';
import { testApp } from '../helpers/http.js';
import { pageAgent } from '../helpers/page-agent.js';

describe('queue: who escalated a ticket, and why', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
  });

  const rowOf = (html: string, number: string): string => {
    const start = html.indexOf(`>${number}<`);
    return start < 0 ? '' : html.slice(start, html.indexOf('</tr>', start));
  };

  it('shows the escalator and the reason on the receiving tier’s row, in the reader’s language; not once returned', async () => {
    const { ticket, escalated } = await buildEscalatedTicket(org, { subject: 'Contrat à modifier' });
    const support = await pageAgent(app, org.staff.support.email);
    const row = rowOf((await support.get('/staff/queue').expect(200)).text, ticket.number);
    expect(row).to.include('Escaladé par Julie Lambert · Modification de contrat');
    const dutch = rowOf((await support.get('/staff/queue?lang=nl').expect(200)).text, ticket.number);
    expect(dutch).to.include('Geëscaleerd door Julie Lambert · Contractwijziging');

    const taken = await claimTicket({ actor: org.staff.support, ticketId: String(ticket._id), version: escalated.version });
    await returnTicket({ actor: org.staff.support, ticketId: String(ticket._id), version: taken.version, note: 'Avenant enregistré.' });
    const julie = await pageAgent(app, org.staff.advisorLiege.email);
    const back = rowOf((await julie.get('/staff/queue').expect(200)).text, ticket.number);
    expect(back).to.include('Renvoyé vers vous par Amélie Renard').and.not.include('Escaladé par');
    // The ticket page says it at the top too, with the note that came with it (escaped).
    const page = await julie.get(`/staff/tickets/${String(ticket._id)}`).expect(200);
    expect(page.text).to.include(
      '<p class="returned-banner"><strong class="flag-returned">Renvoyé vers vous par Amélie Renard</strong> — « Avenant enregistré. »</p>',
    );
    const other = await pageAgent(app, org.staff.advisorLiege2.email);
    expect((await other.get(`/staff/tickets/${String(ticket._id)}`).expect(200)).text).not.to.include('returned-banner');
  });

  it('a supervisor who moves an escalation to another tier is named there, with their reason, on the queue and the board', async () => {
    const { ticket, escalated } = await buildEscalatedTicket(org, { subject: 'Procuration à signer' });
    const moved = await reassignTicket({
      actor: org.staff.supervisorLiege,
      ticketId: String(ticket._id),
      version: escalated.version,
      team: String(org.teams.admin),
      reason: 'Signature du mandat par l’administration.',
    });
    expect(moved.tier).to.equal(3);
    expect(moved.escalated).to.include({ by: org.staff.supervisorLiege.name, reassigned: true, note: 'Signature du mandat par l’administration.' });
    const tier3 = await pageAgent(app, org.staff.administrative.email);
    const row = rowOf((await tier3.get('/staff/queue').expect(200)).text, ticket.number);
    expect(row).to.include(`Placé ici par ${org.staff.supervisorLiege.name} (supervision)`).and.not.include('Escaladé par Julie');
    const board = (await (await pageAgent(app, org.staff.supervisorLiege.email)).get('/staff/board').expect(200)).text;
    const at = board.indexOf(ticket.number);
    const boardRow = board.slice(board.lastIndexOf('<tr', at), board.indexOf('</tr>', at));
    expect(boardRow)
      .to.include('Placé ici par la supervision')
      .and.include('Signature du mandat par l’administration.')
      .and.include(org.staff.supervisorLiege.name);
    expect(boardRow).not.to.include('Le membre a envoyé son avenant.');
    // A move within the tier (to a person) keeps who put it there.
    const toPerson = await reassignTicket({
      actor: org.staff.supervisorLiege,
      ticketId: String(ticket._id),
      version: moved.version,
      assignee: String(org.staff.administrative.id),
      reason: 'Marc connaît le dossier.',
    });
    expect(toPerson.escalated).to.include({ reassigned: true, note: 'Signature du mandat par l’administration.' });
  });
});
