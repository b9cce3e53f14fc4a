/**
 * The staff app's history page (`/staff/history`): done tickets of any age in the person's work
 * scope, most recently done first, filtered like the queue; a walk cut short says how far back it
 * read and goes on; the queue's closed filter leads here; only a signed-in person who works tickets
 * has it in the navigation, and what it shows is escaped.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import type { MemberActor } from '../../server/auth/actor.js';
import { addNote, claimTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { memberClose } from '../../server/tickets/member.commands.js';
import { walkBudget } from '../../server/tickets/ticket-history.queries.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { testApp } from '../helpers/http.js';
import { signedIn, type TestAgent } from '../helpers/pages.js';

const day = 24 * 3600 * 1000;
const ago = (days: number, hours = 0) => new Date(Date.now() - days * day - hours * 3600 * 1000);

/** The ticket numbers listed on a history page, in order. */
function numbers(html: string): string[] {
  const tbody = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...tbody.matchAll(/<span class="num">(R-\d{4}-\d{6})<\/span>/g)].map((m) => m[1] as string);
}

/** What Handlebars escapes in an attribute (`=`, `&`), read back. */
const decodeEntities = (html: string) => html.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');

describe('the history page: done tickets of any age, in the work scope', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let liege: TestAgent;
  const n: Record<string, string> = {};

  const resolved = async (createdDaysAgo: number, resolvedDaysAgo: number, overrides: Parameters<typeof buildTicket>[1] = {}) => {
    const t = await buildTicket(org, { at: ago(createdDaysAgo, 1), ...overrides });
    const actor = overrides.actor ?? org.staff.advisorLiege;
    const held = await claimTicket({ actor, ticketId: String(t._id), version: t.version, at: ago(createdDaysAgo) });
    await resolveTicket({ actor, ticketId: String(t._id), version: held.version, at: ago(resolvedDaysAgo) });
    return t;
  };

  before(async () => {
    app = testApp();
    org = await buildOrg();
    n.yearOld = (await resolved(300, 299, { subject: 'Attestation <b>annuelle</b>' })).number;
    n.invoices = (await resolved(61, 60, { category: 'invoices', language: 'nl' })).number;
    const closed = await resolved(4, 3);
    const member: MemberActor = { kind: 'member', id: closed.member, name: 'Claire Martin', email: 'claire@example.be' };
    await memberClose({ actor: member, ticketId: String(closed._id), at: ago(2) });
    n.closed = closed.number;
    n.charleroi = (await resolved(2, 1, { office: org.offices.charleroi, actor: org.staff.advisorCharleroi })).number;
    n.open = (await buildTicket(org)).number;
    liege = await signedIn(app, org.staff.advisorLiege.email);
  });

  afterEach(() => {
    walkBudget.tickets = 500;
    walkBudget.days = 400;
  });

  it('lists the done tickets of my work, most recently done first, and is in my navigation', async () => {
    const page = await liege.get('/staff/history').expect(200);
    expect(numbers(page.text)).to.deep.equal([n.closed, n.invoices, n.yearOld]);
    expect(page.text).to.include('href="/staff/history"');
    expect(page.text).to.include('aria-current="page"');
    // A subject is text, never markup.
    expect(page.text).to.include('Attestation &lt;b&gt;annuelle&lt;/b&gt;').and.not.include('<b>annuelle</b>');
  });

  it('filters by status, category, language and "handled by me"', async () => {
    expect(numbers((await liege.get('/staff/history?status=closed').expect(200)).text)).to.deep.equal([n.closed]);
    expect(numbers((await liege.get('/staff/history?status=resolved').expect(200)).text)).to.deep.equal([n.invoices, n.yearOld]);
    expect(numbers((await liege.get('/staff/history?category=invoices').expect(200)).text)).to.deep.equal([n.invoices]);
    expect(numbers((await liege.get('/staff/history?language=nl').expect(200)).text)).to.deep.equal([n.invoices]);
    expect(numbers((await liege.get('/staff/history?view=mine').expect(200)).text)).to.deep.equal([n.closed, n.invoices, n.yearOld]);
    const other = await signedIn(app, org.staff.supervisorLiege.email);
    expect(numbers((await other.get('/staff/history?view=mine').expect(200)).text)).to.deep.equal([]);
    // No "handed on" view here (a key cannot say who worked on a ticket): the whole history instead.
    expect(numbers((await liege.get('/staff/history?view=handed').expect(200)).text)).to.deep.equal([n.closed, n.invoices, n.yearOld]);
    const none = await liege.get('/staff/history?category=contracts').expect(200);
    expect(none.text).to.include('id="history-empty"');
  });

  it('shows Charleroi its own history, not Liège’s', async () => {
    const charleroi = await signedIn(app, org.staff.advisorCharleroi.email);
    expect(numbers((await charleroi.get('/staff/history').expect(200)).text)).to.deep.equal([n.charleroi]);
  });

  it('says how far back a walk cut short has read, and goes on from there to the end', async () => {
    walkBudget.tickets = 1;
    const seen: string[] = [];
    let path: string | null = '/staff/history';
    let notices = 0;
    for (let i = 0; path && i < 20; i += 1) {
      const page = await liege.get(path).expect(200);
      seen.push(...numbers(page.text));
      if (page.text.includes('id="history-searched"')) notices += 1;

      const next: RegExpExecArray | null = /<a href="(\/staff\/history\?[^"]*cursor&#x3D;[^"]+)">/.exec(page.text);
      path = next?.[1] ? decodeEntities(next[1]) : null;
    }
    expect(path).to.equal(null);
    expect(seen).to.deep.equal([n.closed, n.invoices, n.yearOld]);
    expect(notices).to.be.greaterThan(0);
  });

  it('says so when a page cut short found nothing, and links on', async () => {
    // Ten days a request: the first page holds the ticket closed days ago, the next ten days none.
    walkBudget.days = 10;
    const first = await liege.get('/staff/history').expect(200);
    expect(numbers(first.text)).to.deep.equal([n.closed]);
    const link = /<a href="(\/staff\/history\?[^"]*cursor&#x3D;[^"]+)">/.exec(first.text)?.[1] ?? '';
    const second = await liege.get(decodeEntities(link)).expect(200);
    expect(numbers(second.text)).to.deep.equal([]);
    expect(second.text).to.include('Aucun ticket correspondant dans l’historique parcouru jusqu’au');
    expect(second.text).to.match(/id="history-searched">[^<]*<a href="\/staff\/history\?cursor/);
  });

  it('starts again from the most recent on a cursor it cannot read', async () => {
    const page = await liege.get('/staff/history?cursor=not-a-cursor').expect(200);
    expect(numbers(page.text)).to.deep.equal([n.closed, n.invoices, n.yearOld]);
  });

  it('sends the queue’s closed filter to the history, keeping the other filters', async () => {
    const res = await liege.get('/staff/queue?status=closed&language=nl').expect(303);
    expect(res.headers.location).to.equal('/staff/history?status=closed&language=nl');
    const queue = await liege.get('/staff/queue').expect(200);
    expect(decodeEntities(queue.text)).to.include('href="/staff/history?status=resolved"');
  });

  it('asks a visitor to sign in, and leaves it out of an administrator’s navigation', async () => {
    const res = await request(app).get('/staff/history').expect(303);
    expect(res.headers.location).to.match(/^\/staff\/login/);
    const admin = await signedIn(app, org.staff.administrator.email);
    const page = await admin.get('/staff/mail').expect(200);
    expect(page.text).not.to.include('href="/staff/history"');
    // Reached by its address, the queue, history and search say why they are empty (QA: "Aucun ticket" and nothing more).
    for (const path of ['/staff/history', '/staff/search?q=Charleroi', '/staff/queue']) {
      const empty = await admin.get(path).expect(200);
      expect(empty.text, path).to.include('Votre compte est celui d’un administrateur');
    }
    expect((await liege.get('/staff/history').expect(200)).text).not.to.include('Votre compte est celui d’un administrateur');
  });

  it('speaks Dutch to a Dutch reader', async () => {
    const page = await liege.get('/staff/history?lang=nl').expect(200);
    expect(page.text).to.include('Geschiedenis').and.include('Afgerond op');
    await liege.get('/staff/history?lang=fr').expect(200);
  });
});

describe('the history page: ordered by the date it shows', () => {
  useTestDatabase();

  /** The `<time datetime>` of each row, in order. */
  const shownDates = (html: string): string[] =>
    [...(/<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').matchAll(/<time datetime="([^"]+)"/g)].map((m) => m[1] as string);

  it('lists by when each ticket was done, which is the date shown, even when resolutions were recorded out of order', async () => {
    const app = testApp();
    const org = await buildOrg();
    const advisor = org.staff.advisorLiege;
    // One UTC day ten days ago: the morning's resolution recorded after the evening's, as an import or
    // the demo's stories do; the evening one is late enough to be the next day in Brussels.
    const base = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 10);
    const at = (hours: number) => new Date(base + hours * 3600 * 1000);
    const resolveAt = async (done: Date) => {
      const t = await buildTicket(org, { at: at(-30) });
      const held = await claimTicket({ actor: advisor, ticketId: String(t._id), version: t.version, at: at(-29) });
      await resolveTicket({ actor: advisor, ticketId: String(t._id), version: held.version, at: done });
      return t;
    };
    const evening = await resolveAt(at(23.5));
    const morning = await resolveAt(at(6));
    const noon = await resolveAt(at(12));
    // Closed by the member while open, the day before, then noted on: it was done when closed, not at the note.
    const closed = await buildTicket(org, { at: at(-30) });
    const member: MemberActor = { kind: 'member', id: closed.member, name: 'Claire Martin', email: 'claire@example.be' };
    const shut = await memberClose({ actor: member, ticketId: String(closed._id), at: at(-10) });
    await addNote({ actor: advisor, ticketId: String(closed._id), version: shut.version, text: 'Classé.', at: at(40) });

    const page = await (await signedIn(app, advisor.email)).get('/staff/history').expect(200);
    expect(numbers(page.text)).to.deep.equal([evening.number, noon.number, morning.number, closed.number]);
    expect(shownDates(page.text)).to.deep.equal([at(23.5), at(12), at(6), at(-10)].map((d) => d.toISOString()));
  });
});

describe('the history page: pages through a day in the order of its dates', () => {
  useTestDatabase();

  it('goes on from a cursor in that order, not the order the resolutions were recorded in', async () => {
    const app = testApp();
    const org = await buildOrg();
    const advisor = org.staff.advisorLiege;
    const base = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 5);
    const numbersInOrder: string[] = [];
    // Recorded from the earliest hour to the latest but one, then the latest: slots and instants disagree.
    for (const hours of [9, 8, 7, 6, 5, 10]) {
      const t = await buildTicket(org, { at: new Date(base - 3600 * 1000) });
      const held = await claimTicket({ actor: advisor, ticketId: String(t._id), version: t.version, at: new Date(base) });
      await resolveTicket({ actor: advisor, ticketId: String(t._id), version: held.version, at: new Date(base + hours * 3600 * 1000) });
      numbersInOrder.push(t.number);
    }
    const expected = [5, 0, 1, 2, 3, 4].map((i) => numbersInOrder[i]);
    walkBudget.tickets = 2;
    const agent = await signedIn(app, advisor.email);
    const seen: string[] = [];
    let path: string | null = '/staff/history';
    for (let i = 0; path && i < 20; i += 1) {
      const page = await agent.get(path).expect(200);
      seen.push(...numbers(page.text));
      const next: RegExpExecArray | null = /<a href="(\/staff\/history\?[^"]*cursor&#x3D;[^"]+)">/.exec(page.text);
      path = next?.[1] ? decodeEntities(next[1]) : null;
    }
    walkBudget.tickets = 500;
    expect(seen).to.deep.equal(expected);
  });
});
