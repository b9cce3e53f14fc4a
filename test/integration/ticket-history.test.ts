/**
 * History lists (tickets/ticket-history.queries.ts): every resolved or closed ticket of any age, most
 * recently done first, once each, paged by a cursor that walks the done-day keys; the work scope
 * applies as in the queues; a walk cut short by its budget goes on from its cursor; the list ends.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import type { MemberActor } from '../../server/auth/actor.js';
import { claimTicket, reopenTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { memberClose } from '../../server/tickets/member.commands.js';
import { walkBudget } from '../../server/tickets/ticket-history.queries.js';
import { listTickets } from '../../server/tickets/ticket-list.queries.js';
import { TicketDayModel, firstDoneDay, resetTicketKeyCaches } from '../../server/tickets/ticket.keys.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';

const day = 24 * 3600 * 1000;
const ago = (days: number, hours = 0) => new Date(Date.now() - days * day - hours * 3600 * 1000);

/** A ticket created `createdDaysAgo` days ago, claimed and resolved `resolvedDaysAgo` days ago. */
async function resolvedTicket(org: Org, createdDaysAgo: number, resolvedDaysAgo: number, overrides: Parameters<typeof buildTicket>[1] = {}) {
  const t = await buildTicket(org, { at: ago(createdDaysAgo, 1), ...overrides });
  const actor = overrides.office && String(overrides.office) === String(org.offices.charleroi) ? org.staff.advisorCharleroi : org.staff.advisorLiege;
  const held = await claimTicket({ actor, ticketId: String(t._id), version: t.version, at: ago(createdDaysAgo) });
  const done = await resolveTicket({ actor, ticketId: String(t._id), version: held.version, at: ago(resolvedDaysAgo) });
  return { id: String(t._id), version: done.version, number: t.number, ticket: t as Ticket };
}

describe('history lists: resolved and closed tickets of any age, from the done-day keys', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  const ids: Record<string, string> = {};
  before(async () => {
    app = testApp();
    org = await buildOrg();
    // Oldest done first: a year ago, then 40 days ago; one resolved 30 days ago, reopened, resolved again 5 days ago.
    ids.yearOld = (await resolvedTicket(org, 366, 365)).id;
    ids.fortyDays = (await resolvedTicket(org, 41, 40, { category: 'invoices' })).id;
    const twice = await resolvedTicket(org, 31, 30);
    const reopened = await reopenTicket({ actor: org.staff.advisorLiege, ticketId: twice.id, version: twice.version, at: ago(29) });
    await resolveTicket({ actor: org.staff.advisorLiege, ticketId: twice.id, version: reopened.version, at: ago(5) });
    ids.twice = twice.id;
    // Closed by its member two days ago, after being resolved three days ago.
    const closed = await resolvedTicket(org, 4, 3);
    const member: MemberActor = { kind: 'member', id: closed.ticket.member, name: 'Claire Martin', email: 'claire@example.be' };
    await memberClose({ actor: member, ticketId: closed.id, at: ago(2) });
    ids.closed = closed.id;
    // Charleroi's, resolved yesterday: not in Liège's work scope.
    ids.charleroi = (await resolvedTicket(org, 2, 1, { office: org.offices.charleroi, actor: org.staff.advisorCharleroi })).id;
    // Still open: never in a history list.
    ids.open = String((await buildTicket(org))._id);
  });

  afterEach(() => {
    walkBudget.tickets = 500;
    walkBudget.days = 400;
  });

  const history = async (filters: Partial<Parameters<typeof listTickets>[1]> = {}) =>
    listTickets(org.staff.advisorLiege, { limit: 50, history: true, ...filters });

  it('lists every done ticket of the work scope, most recently done first, a reopened one once at its last resolution', async () => {
    const page = await history();
    expect(page.tickets.map((t) => t.id)).to.deep.equal([ids.closed, ids.twice, ids.fortyDays, ids.yearOld]);
    expect(page.nextCursor).to.equal(null);
    // The work list shows none of them older than 14 days: that is what history is for.
    const work = await listTickets(org.staff.advisorLiege, { limit: 50, status: ['resolved'] });
    expect(work.tickets.map((t) => t.id))
      .to.include(ids.twice)
      .and.not.include(ids.yearOld);
  });

  it('narrows to closed tickets with status=closed (history without asking), and to a category', async () => {
    expect((await listTickets(org.staff.advisorLiege, { limit: 50, status: ['closed'] })).tickets.map((t) => t.id)).to.deep.equal([ids.closed]);
    expect((await history({ status: ['resolved'] })).tickets.map((t) => t.id)).to.deep.equal([ids.twice, ids.fortyDays, ids.yearOld]);
    expect((await history({ category: 'invoices' })).tickets.map((t) => t.id)).to.deep.equal([ids.fortyDays]);
  });

  it('pages one ticket at a time in the same order, and ends', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i += 1) {
      const page = await history({ limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.tickets.map((t) => t.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).to.deep.equal([ids.closed, ids.twice, ids.fortyDays, ids.yearOld]);
  });

  it('answers a walk cut short by its budget with what it found and a cursor that goes on, to the end', async () => {
    walkBudget.days = 10;
    const first = await history();
    expect(first.tickets.map((t) => t.id)).to.deep.equal([ids.closed, ids.twice]);
    expect(first.nextCursor).to.be.a('string');
    const seen = first.tickets.map((t) => t.id);
    let cursor = first.nextCursor;
    let pages = 1;
    while (cursor && pages < 100) {
      const page = await history({ cursor });
      seen.push(...page.tickets.map((t) => t.id));
      cursor = page.nextCursor;
      pages += 1;
    }
    expect(cursor).to.equal(null);
    expect(seen).to.deep.equal([ids.closed, ids.twice, ids.fortyDays, ids.yearOld]);
    // A year back in steps of ten days, never past the first day with a key.
    expect(pages).to.be.within(30, 40);
  });

  it('stops at the first day that has a key, and lowers it for a ticket done before it', async () => {
    expect(await firstDoneDay()).to.equal(ago(365).toISOString().slice(0, 10));
    const older = (await resolvedTicket(org, 501, 500)).id;
    expect(await firstDoneDay()).to.equal(ago(500).toISOString().slice(0, 10));
    // Another process (no cache) reads it from the database.
    resetTicketKeyCaches();
    expect(await firstDoneDay()).to.equal(ago(500).toISOString().slice(0, 10));
    // Past the walk's 400 days of one request: on the next page.
    const first = await history();
    expect(first.tickets.map((t) => t.id).at(-1)).to.equal(ids.yearOld);
    const next = await history({ cursor: first.nextCursor ?? '' });
    expect(next.tickets.map((t) => t.id)).to.deep.equal([older]);
    expect(next.nextCursor).to.equal(null);
  });

  it('over HTTP: the work scope decides, as in the queues (Charleroi sees its own, not Liège’s)', async () => {
    const liege = await login(app, org.staff.advisorLiege.email);
    const charleroi = await login(app, org.staff.advisorCharleroi.email);
    const mine = await request(app).get('/api/v1/tickets?history=true').set('Authorization', `Bearer ${liege}`).expect(200);
    const ids1 = (mine.body as { tickets: { id: string }[] }).tickets.map((t) => t.id);
    expect(ids1).to.include(ids.yearOld).and.not.include(ids.charleroi).and.not.include(ids.open);
    const theirs = await request(app).get('/api/v1/tickets?status=closed,resolved&history=true').set('Authorization', `Bearer ${charleroi}`).expect(200);
    expect((theirs.body as { tickets: { id: string }[] }).tickets.map((t) => t.id)).to.deep.equal([ids.charleroi]);
    await request(app).get('/api/v1/tickets?history=true').expect(401);
    // Keys written before they carried where the ticket was are read through: the same lists.
    const keys = TicketDayModel.collection;
    expect(await keys.countDocuments({ _id: { $regex: '^d:' }, place: { $exists: true } } as never)).to.be.greaterThan(0);
    await keys.updateMany({}, { $unset: { place: '' } });
    const again = await request(app).get('/api/v1/tickets?history=true').set('Authorization', `Bearer ${liege}`).expect(200);
    expect((again.body as { tickets: { id: string }[] }).tickets.map((t) => t.id)).to.deep.equal(ids1);
  });

  it('refuses open statuses in a history list, a bad history value and a forged cursor, with a reason', async () => {
    const token = await login(app, org.staff.advisorLiege.email);
    const mixed = await request(app).get('/api/v1/tickets?status=open,closed').set('Authorization', `Bearer ${token}`).expect(400);
    expect(JSON.stringify(mixed.body)).to.match(/open work and history separately/);
    await request(app).get('/api/v1/tickets?history=yes').set('Authorization', `Bearer ${token}`).expect(400);
    const forged = Buffer.from(JSON.stringify({ h: 1, d: '../../etc', s: 0 })).toString('base64url');
    const bad = await request(app).get(`/api/v1/tickets?history=true&cursor=${forged}`).set('Authorization', `Bearer ${token}`).expect(400);
    expect(JSON.stringify(bad.body)).to.match(/cursor is not valid/);
  });

  it('tests a filter on the keys: tickets of another category or language are not read at all', async () => {
    // Resolved 20 days ago in another category: a walk that read it would spend its budget of one on it.
    const other = await resolvedTicket(org, 21, 20, { category: 'contracts' });
    walkBudget.tickets = 1;
    const invoices = await history({ category: 'invoices' });
    expect(invoices.tickets.map((t) => t.id)).to.deep.equal([ids.fortyDays]);
    const dutch = await history({ language: 'nl' });
    expect(dutch.tickets).to.deep.equal([]);
    // Keys without the category (written before it) are read through: the budget runs out on that ticket first.
    await TicketDayModel.collection.updateMany({}, { $unset: { 'place.category': '', 'place.language': '' } });
    resetTicketKeyCaches();
    const readThrough = await history({ category: 'invoices' });
    expect(readThrough.tickets).to.deep.equal([]);
    expect(readThrough.nextCursor).to.be.a('string');
    walkBudget.tickets = 500;
    expect((await history({ category: 'invoices' })).tickets.map((t) => t.id)).to.deep.equal([ids.fortyDays]);
    expect((await history({ category: 'contracts' })).tickets.map((t) => t.id)).to.deep.equal([other.id]);
  });
});
