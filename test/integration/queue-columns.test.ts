/**
 * The queue's columns: sorting by a column (server-side, over the working set, with pages that
 * follow the order), the "no category" filter, a notice for filters the queue ignored, and each
 * person's own choice of columns (`/api/v1/me/preferences`), which the page renders.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { listTickets } from '../../server/tickets/ticket-list.queries.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { signedIn } from '../helpers/pages.js';

/** The subjects of the queue's rows, in page order. */
function subjects(html: string): string[] {
  return [...html.matchAll(/class="row-link" href="[^"]+" title="([^"]*)"/g)].map((m) => m[1] ?? '');
}

/** Handlebars writes `=` in attributes as `&#x3D;` (the browser reads it back as `=`). */
function unescapeEquals(html: string): string {
  return html.replaceAll('&#x3D;', '=');
}

/** The queue table's header cells' classes (`col-subject`…), in order. */
function headerColumns(html: string): string[] {
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? '';
  return [...head.matchAll(/<th scope="col" class="col-([a-z]+)"/g)].map((m) => m[1] ?? '');
}

describe('Queue columns: sorting, "no category", ignored filters, the column chooser', () => {
  useTestDatabase();
  const config = testConfig();
  let app: Express;
  let org: Org;
  const made: Ticket[] = [];

  before(async () => {
    useMail(config);
    app = await createApp({ config, logger: silentLogger });
    org = await buildOrg();
    made.push(
      await buildTicket(org, {
        subject: 'Bravo attestation',
        category: 'contracts',
        priority: 'low',
        member: { name: 'Zoé Zimmer', email: 'zoe.cols@example.be' },
      }),
    );
    made.push(
      await buildTicket(org, {
        subject: 'alpha fiche de paie',
        category: null,
        priority: 'urgent',
        member: { name: 'Anne Aubry', email: 'anne.cols@example.be' },
      }),
    );
    made.push(
      await buildTicket(org, {
        subject: 'Charlie facture',
        category: 'invoices',
        priority: 'normal',
        member: { name: 'Marc Moreau', email: 'marc.cols@example.be' },
      }),
    );
  });

  describe('sorting', () => {
    it('sorts by due date by default and by a column header when asked, both ways', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const bySubject = subjects((await agent.get('/staff/queue?sort=subject').expect(200)).text);
      expect(bySubject).to.deep.equal(['alpha fiche de paie', 'Bravo attestation', 'Charlie facture']);
      const backwards = subjects((await agent.get('/staff/queue?sort=-subject').expect(200)).text);
      expect(backwards).to.deep.equal(['Charlie facture', 'Bravo attestation', 'alpha fiche de paie']);
      const byMember = subjects((await agent.get('/staff/queue?sort=member').expect(200)).text);
      expect(byMember).to.deep.equal(['alpha fiche de paie', 'Charlie facture', 'Bravo attestation']);
      const byPriority = subjects((await agent.get('/staff/queue?sort=priority').expect(200)).text);
      expect(byPriority).to.deep.equal(['alpha fiche de paie', 'Charlie facture', 'Bravo attestation']);
    });

    it('marks the sorted column for screen readers and links each header to the other direction', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const html = unescapeEquals((await agent.get('/staff/queue?sort=subject').expect(200)).text);
      expect(html).to.match(/<th scope="col" class="col-subject" aria-sort="ascending"><a class="sort-link" href="\/staff\/queue\?sort=-subject"/);
      expect(html).to.match(/<th scope="col" class="col-due" aria-sort="none"><a class="sort-link" href="\/staff\/queue"/);
      // Oldest first is the greatest age first, most urgent first the highest priority: both "descending".
      const byAge = unescapeEquals((await agent.get('/staff/queue?sort=age').expect(200)).text);
      expect(byAge).to.match(
        /<th scope="col" class="col-age" aria-sort="descending"><a class="sort-link" href="\/staff\/queue\?sort=-age" title="Trier par Âge \(croissant\)"/,
      );
      // The number shares that order (creation): marked on screen too (ascending numbers), its header turns it
      // round (QA: it could not), and only the age header tells a screen reader (one sorted header at a time).
      expect(byAge).to.match(
        /<th scope="col" class="col-number" aria-sort="none" data-sorted="ascending"><a class="sort-link" href="\/staff\/queue\?sort=-age" title="Trier par N° \(décroissant\)"/,
      );
      const byNewest = unescapeEquals((await agent.get('/staff/queue?sort=-age').expect(200)).text);
      expect(byNewest).to.match(
        /<th scope="col" class="col-number" aria-sort="none" data-sorted="descending"><a class="sort-link" href="\/staff\/queue\?sort=age"/,
      );
      expect(byNewest.match(/aria-sort="(ascending|descending)"/g)).to.have.length(1);
      expect(byAge).to.match(
        /<th scope="col" class="col-priority" aria-sort="none"><a class="sort-link" href="\/staff\/queue\?sort=priority" title="Trier par Priorité \(décroissant\)"/,
      );
    });

    it('puts tickets without a category last when sorting by category', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const rows = subjects((await agent.get('/staff/queue?sort=category').expect(200)).text);
      expect(rows.at(-1)).to.equal('alpha fiche de paie');
    });

    it('pages through a sorted list without losing or repeating a ticket; a cursor of another order starts again', async () => {
      const order = { key: 'subject' as const, descending: false };
      const first = await listTickets(org.staff.advisorLiege, { limit: 2, order });
      expect(first.tickets.map((t) => t.subject)).to.deep.equal(['alpha fiche de paie', 'Bravo attestation']);
      expect(first.nextCursor).to.be.a('string');
      const second = await listTickets(org.staff.advisorLiege, { limit: 2, order, cursor: first.nextCursor ?? '' });
      expect(second.tickets.map((t) => t.subject)).to.deep.equal(['Charlie facture']);
      expect(second.nextCursor).to.equal(null);
      let refused = false;
      try {
        await listTickets(org.staff.advisorLiege, { limit: 2, order: { key: 'member', descending: false }, cursor: first.nextCursor ?? '' });
      } catch {
        refused = true;
      }
      expect(refused, 'a subject cursor used for the member order').to.equal(true);
      // The page starts again from the first page instead of failing.
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get(`/staff/queue?sort=member&cursor=${first.nextCursor ?? ''}`).expect(200);
      expect(subjects(res.text)).to.have.length(3);
    });
  });

  describe('filters', () => {
    it('offers "no category" with its count, and lists only tickets without one', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const all = await agent.get('/staff/queue').expect(200);
      expect(unescapeEquals(all.text)).to.match(
        /href="\/staff\/queue\?category=-"[^>]*><span class="facet-label">Sans catégorie<\/span><span class="count" data-count-key="category:-">1</,
      );
      const none = await agent.get('/staff/queue?category=-').expect(200);
      expect(subjects(none.text)).to.deep.equal(['alpha fiche de paie']);
    });

    it('ignores an invalid filter or sort and says so, naming it', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get('/staff/queue?status=bogus&sort=shoe_size&language=fr').expect(200);
      expect(res.text).to.include('id="queue-ignored"');
      expect(res.text).to.match(/Filtre ignoré[^<]*Statut, Tri\./);
      expect(subjects(res.text)).to.have.length(3);
      const fine = await agent.get('/staff/queue?status=new&sort=-age').expect(200);
      expect(fine.text).not.to.include('id="queue-ignored"');
    });

    it('says an office filter is ignored for someone whose queue has no offices to choose', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get(`/staff/queue?office=${String(org.offices.charleroi)}`).expect(200);
      expect(res.text).to.match(/Filtre ignoré[^<]*Bureau\./);
    });
  });

  describe('the column chooser', () => {
    it('shows the default columns until the person chooses, then only theirs (each once, the subject always)', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege2.email);
      const before = await agent.get('/staff/queue').expect(200);
      expect(headerColumns(before.text)).to.deep.equal(['select', 'number', 'subject', 'member', 'category', 'priority', 'holder', 'age', 'due']);

      const token = await login(app, org.staff.advisorLiege2.email);
      const auth = { Authorization: `Bearer ${token}` };
      const got = await request(app).get('/api/v1/me/preferences').set(auth).expect(200);
      expect(got.body).to.deep.equal({ queueColumns: ['number', 'subject', 'member', 'category', 'priority', 'holder', 'age', 'due'] });

      const put = await request(app)
        .put('/api/v1/me/preferences')
        .set(auth)
        .send({ queueColumns: ['due', 'status', 'member', 'due'] })
        .expect(200);
      expect(put.body).to.deep.equal({ queueColumns: ['subject', 'member', 'status', 'due'] });

      const after = await agent.get('/staff/queue').expect(200);
      expect(headerColumns(after.text)).to.deep.equal(['select', 'subject', 'member', 'status', 'due']);
      // The status has its own column now: no chip repeats it inside the subject.
      const firstRow = /<tr data-key="[^"]+"[\s\S]*?<\/tr>/.exec(after.text)?.[0] ?? '';
      expect(firstRow.match(/class="chip chip-/g)).to.have.length(1);
      expect(firstRow).not.to.include('col-priority').and.not.to.include('col-number');
      const snapshot = await agent.get('/staff/queue/snapshot').expect(200);
      expect((snapshot.body as { rowsHtml: string }).rowsHtml).not.to.include('col-priority');
    });

    it('keeps each person’s choice to themselves', async () => {
      const mine = await login(app, org.staff.supervisorLiege.email);
      await request(app)
        .put('/api/v1/me/preferences')
        .set({ Authorization: `Bearer ${mine}` })
        .send({ queueColumns: ['subject', 'due'] })
        .expect(200);
      const other = await login(app, org.staff.advisorCharleroi.email);
      const theirs = await request(app)
        .get('/api/v1/me/preferences')
        .set({ Authorization: `Bearer ${other}` })
        .expect(200);
      expect(theirs.body.queueColumns).to.include('member');
      const stored = await StaffModel.findById(org.staff.advisorCharleroi.id, { preferences: 1 }).lean();
      expect(stored?.preferences?.queueColumns ?? []).to.deep.equal([]);
    });

    it('refuses unknown columns, extra fields and operators with a 400, and anonymous callers with a 401', async () => {
      const token = await login(app, org.staff.advisorLiege.email);
      const auth = { Authorization: `Bearer ${token}` };
      for (const body of [
        { queueColumns: ['subject', 'password'] },
        { queueColumns: [] },
        { queueColumns: ['subject'], staff: 'x' },
        { queueColumns: { $ne: null } },
      ]) {
        const res = await request(app).put('/api/v1/me/preferences').set(auth).send(body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      await request(app).get('/api/v1/me/preferences').expect(401);
      await request(app)
        .put('/api/v1/me/preferences')
        .send({ queueColumns: ['subject'] })
        .expect(401);
    });
  });

  it('keeps the search results’ columns (no selection box, no sort links)', async () => {
    const agent = await signedIn(app, org.staff.advisorLiege.email);
    const res = await agent.get('/staff/search?q=R-').expect(200);
    expect(res.text).not.to.include('class="sort-link"');
  });
});
