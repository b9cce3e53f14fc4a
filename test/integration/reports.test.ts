/**
 * The reports pages and CSV over HTTP on a real database: the hand-counted week
 * (test/fixtures/reports/hand-counted.ts) stored as tickets and journal events, then
 * read back through /staff/reports, /staff/reports.csv and /staff/reports/compare:
 * the figures match the hand counts, supervisors see their office and escalated
 * tickets only, administrators everything, advisors nothing (403); CSV headers,
 * quoting and formula neutralization; the comparison shows both sides.
 */
import { clearConfigCaches } from '../../server/lib/ttl-cache.js';
import { markWorking, rememberTicketDay } from '../../server/tickets/ticket.keys.js';
import { isWorking, workingSet } from '../../server/tickets/working-set.js';
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import type { StaffActor } from '../../server/auth/actor.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { markSpam } from '../../server/tickets/ticket.spam.js';
import { createTicket } from '../../server/tickets/ticket.create.js';
import { eventId, TicketEventModel } from '../../server/tickets/ticket-event.model.js';
import { NO_DUE_DATE, TicketModel } from '../../server/tickets/ticket.model.js';
import type { ReportPlace } from '../../server/reports/compute.js';
import { clearForecastCache } from '../../server/reports/forecast.board.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildStaff } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { fixtureTickets, ids } from '../fixtures/reports/hand-counted.js';

const oid = (id: string) => new Types.ObjectId(id);
const week = 'from=2026-03-02&to=2026-03-06';

/** RFC 4180, enough for the tests: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  return rows;
}

/** The CSV as records keyed by column title, the BOM checked and removed. */
function records(text: string): Array<Record<string, string>> {
  expect(text.charCodeAt(0), 'UTF-8 BOM first').to.equal(0xfeff);
  const [header = [], ...rows] = parseCsv(text.slice(1));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function place(p: ReportPlace) {
  return { tier: p.tier, team: oid(p.team), office: oid(p.office), assignee: null, status: p.status };
}

/** Stores the fixture as Relais stores tickets: the ticket documents and their journal events. */
async function storeFixture(): Promise<void> {
  const member = new Types.ObjectId();
  for (const { ticket: t, events, updatedAt } of fixtureTickets()) {
    await TicketModel.collection.insertOne({
      _id: oid(t.id),
      number: t.number,
      subject: `Demande ${t.number}`,
      status: t.status,
      priority: 'normal',
      category: null,
      language: 'fr',
      channel: 'web',
      member,
      office: oid(t.office),
      tier: t.tier,
      team: oid(t.team),
      assignee: null,
      escalation: null,
      routing: { rule: 'default', explanation: 'fixture' },
      version: events.length,
      messageCount: 1,
      lastMessageAt: null,
      lastMemberMessageAt: null,
      firstResponseAt: t.firstResponseAt,
      dueAt: NO_DUE_DATE,
      resolvedAt: t.resolvedAt,
      closedAt: t.closedAt,
      createdBy: null,
      rating: t.rating ? { ...t.rating, team: oid(t.rating.team), office: oid(t.rating.office), comment: null, at: updatedAt, resolvedBy: null } : null,
      ...(t.deadlines ? { sla: { deadlines: t.deadlines.map((d) => ({ ...d, due: d.metAt })) } } : {}),
      createdAt: t.createdAt,
      updatedAt,
    });
    // Written as an import writes them: with the working-set hint of the tickets still in the work,
    // and the keys of the days they were created and done (ticket.keys.ts).
    if (isWorking({ status: t.status, resolvedAt: t.resolvedAt, updatedAt })) await markWorking(oid(t.id));
    await rememberTicketDay({ kind: 'created', office: oid(t.office) }, t.createdAt, oid(t.id));
    const doneAt = t.status === 'resolved' || t.status === 'closed' ? (t.closedAt ?? t.resolvedAt) : null;
    if (doneAt) await rememberTicketDay('done', doneAt, oid(t.id));
    await TicketEventModel.collection.insertMany(
      events.map((e) => ({
        _id: eventId(e.ticket, e.seq) as unknown as Types.ObjectId,
        ticket: oid(e.ticket),
        seq: e.seq,
        type: e.type,
        actor: { kind: 'system', staff: null, member: null, name: 'Relais' },
        at: e.at,
        from: e.from ? place(e.from) : null,
        to: place(e.to),
        reason: null,
        note: null,
        data: e.escalation ? { escalation: oid(e.escalation) } : {},
        patch: {},
        writes: [],
      })),
    );
  }
}

describe('Reports (pages and CSV, real database)', () => {
  useTestDatabase();
  let app: Express;
  let staff: { advisor: StaffActor; supervisorL: StaffActor; supervisorC: StaffActor; admin: StaffActor };
  const tokens = new Map<string, string>();
  const as = (who: StaffActor) => ({ Authorization: `Bearer ${tokens.get(who.email) ?? ''}` });

  before(async () => {
    app = testApp();
    await OfficeModel.create([
      { _id: oid(ids.officeL), code: 'liege', name: 'Liège' },
      { _id: oid(ids.officeC), code: 'charleroi', name: 'Charleroi', isDefault: true },
    ]);
    await TeamModel.create([
      { _id: oid(ids.teamL), code: 'conseil-liege', name: 'Conseil Liège', tier: 1, office: oid(ids.officeL) },
      { _id: oid(ids.teamC), code: 'conseil-charleroi', name: 'Conseil Charleroi', tier: 1, office: oid(ids.officeC) },
      { _id: oid(ids.teamS), code: 'soutien', name: 'Équipe de soutien', tier: 2 },
      { _id: oid(ids.teamA), code: 'administratif', name: 'Équipe administrative', tier: 3 },
    ]);
    staff = {
      advisor: await buildStaff({ name: 'Julie Lambert', roles: ['advisor'], team: oid(ids.teamL), tier: 1, office: oid(ids.officeL) }),
      supervisorL: await buildStaff({ name: 'Isabelle Collard', roles: ['supervisor'], office: oid(ids.officeL) }),
      supervisorC: await buildStaff({ name: 'Paul Henrard', roles: ['supervisor'], office: oid(ids.officeC) }),
      admin: await buildStaff({ name: 'Thomas Lejeune', roles: ['administrator'] }),
    };
    for (const s of Object.values(staff)) tokens.set(s.email, await login(app, s.email));
    await storeFixture();
  });

  describe('who may read reports', () => {
    it('sends someone signed out to the sign-in form', async () => {
      const res = await request(app).get('/staff/reports').expect(303);
      expect(res.headers.location).to.match(/^\/staff\/login\?next=%2Fstaff%2Freports/);
    });

    it('refuses advisors (403) on the page, the comparison and the CSV', async () => {
      const page = await request(app).get('/staff/reports').set(as(staff.advisor)).expect(403);
      expect(page.text).to.include('Réservé à la supervision');
      await request(app).get('/staff/reports/compare').set(as(staff.advisor)).expect(403);
      const csv = await request(app)
        .get(`/staff/reports.csv?sep=comma&table=offices&${week}`)
        .set(as(staff.advisor))
        .set('Accept', 'application/json')
        .expect(403);
      expect(csv.text).to.not.include('Liège,');
    });

    it('shows the "Reports" link to supervisors and administrators only', async () => {
      const link = 'href="/staff/reports"';
      expect((await request(app).get('/staff/queue').set(as(staff.supervisorL)).expect(200)).text).to.include(link);
      expect((await request(app).get('/staff/queue').set(as(staff.admin)).expect(200)).text).to.include(link);
      expect((await request(app).get('/staff/queue').set(as(staff.advisor)).expect(200)).text).to.not.include(link);
    });
  });

  describe('the report page', () => {
    it('renders for a supervisor: filters, key figures, tables, chart data as JSON, no inline script or style', async () => {
      const res = await request(app).get(`/staff/reports?${week}`).set(as(staff.supervisorL)).expect(200);
      const html = res.text;
      expect(html).to.include('<h1 id="reports-title">Rapports</h1>');
      expect(html).to.include('href="/staff/reports" aria-current="page"');
      expect(html).to.include('votre agence (Liège)');
      expect(html).to.include('value="2026-03-02"');
      for (const table of ['periods', 'offices', 'tiers', 'teams', 'sla', 'satisfaction']) {
        expect(html).to.include(`id="table-${table}"`);
        expect(html).to.include(`href="/staff/reports.csv?from&#x3D;2026-03-02&amp;to&#x3D;2026-03-06&amp;table&#x3D;${table}"`);
      }
      // Each chart names its table as its description (the table is the text alternative).
      expect(html).to.match(/<canvas id="chart-offices" role="img" aria-label="[^"]+" aria-describedby="table-offices">/);
      expect(html).to.include('<script type="application/json" id="report-data">');
      expect(html).to.include('<script type="module" src="/static/js/reports.page.js">');
      expect(html).to.not.match(/<script(?![^>]*(type="application\/json"|src=))/);
      expect(html).to.not.match(/ style="/);
      const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
      const data = JSON.parse(json) as { charts: Array<{ id: string; labels: string[] }> };
      expect(data.charts.map((c) => c.id)).to.deep.equal(['chart-periods', 'chart-offices', 'chart-tiers', 'chart-satisfaction']);
      expect(data.charts[0]?.labels).to.have.length(5);
    });

    it('says when the tickets carry no SLA data, rather than showing 0 %', async () => {
      const res = await request(app).get('/staff/reports?from=2026-02-25&to=2026-03-01').set(as(staff.admin)).expect(200);
      expect(res.text).to.include('Pas encore de données de délais (SLA)');
    });

    it('counts the key figures on the office a supervisor sees whole, and says which', async () => {
      const card = (html: string, label: string) =>
        new RegExp(`<dt>${label}</dt><dd class="report-card-value">([^<]*)</dd>(?:<dd class="report-card-hint">([^<]*)</dd>)?`).exec(html)?.slice(1) ?? [];
      const supervisor = (await request(app).get(`/staff/reports?${week}`).set(as(staff.supervisorL)).expect(200)).text;
      // Liège alone: 4 tickets, 1 escalated (25 %); the blend with Charleroi's escalated ticket said 5 and 40 %.
      expect(card(supervisor, 'Tickets créés')[0]).to.equal('4');
      expect(card(supervisor, 'Taux d’escalade')[0]).to.match(/^25\s%$/);
      expect(supervisor).to.match(/id="cards-scope">Chiffres clés de Liège, [^<]*Les autres agences \(Charleroi\) n’y sont pas comptées/);
      // The per-office table still has both, Charleroi marked.
      expect(supervisor).to.include('Charleroi (partiel)');
      // A supervisor looking at another office alone is told the figures are of escalated tickets only.
      const other = (await request(app).get(`/staff/reports?${week}&office=${ids.officeC}`).set(as(staff.supervisorL)).expect(200)).text;
      expect(other).to.match(/id="cards-scope">Vous ne voyez que les tickets escaladés de Charleroi/);
      // An administrator sees every office whole: the total, no scope note.
      const admin = (await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200)).text;
      expect(card(admin, 'Tickets créés')[0]).to.equal('6');
      expect(admin).not.to.include('id="cards-scope"');
    });

    it('says "1 renvoi sur 1 escalade": French singular for 0 and 1', async () => {
      const card = (html: string) => /<dt>Taux de renvoi<\/dt><dd class="report-card-value">[^<]*<\/dd><dd class="report-card-hint">([^<]*)</.exec(html)?.[1];
      expect(card((await request(app).get(`/staff/reports?${week}`).set(as(staff.supervisorL)).expect(200)).text)).to.equal('1 renvoi sur 1 escalade');
      expect(card((await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200)).text)).to.equal('1 renvoi sur 3 escalades');
    });

    it('says once that a period has no tickets, instead of zeros and "no SLA data yet"', async () => {
      const html = (await request(app).get('/staff/reports?from=2025-03-01&to=2025-03-31').set(as(staff.supervisorL)).expect(200)).text;
      expect(html).to.include('id="report-empty"').and.include('Aucun ticket n’a été créé dans cette période (du 1 mars 2025 au 31 mars 2025)');
      expect(html).not.to.include('Pas encore de données').and.not.include('pas encore de données SLA');
      expect(html).not.to.include('id="table-periods"').and.not.include('Aucun ticket pour ces filtres.');
      expect(html).not.to.include('id="report-data"');
    });

    it('gives durations their unit in the cells, not "(h ouvrables)" over "44 min"; the CSV, whose cells are hours, keeps it', async () => {
      const html = (await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200)).text;
      expect(html).to.include('<th scope="col" class="num-col">1re réponse, médiane</th>').and.not.include('(h ouvrables)');
      const csv = (await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}`).set(as(staff.admin)).expect(200)).text;
      expect(csv).to.include('"1re réponse, médiane (h ouvrables)"');
    });

    it('names the filter that is not valid', async () => {
      const res = await request(app).get(`/staff/reports?${week}&office=liege`).set(as(staff.supervisorL)).expect(400);
      expect(res.text).to.include('<li>Agence : valeur de filtre invalide.</li>');
      const csv = await request(app)
        .get(`/staff/reports.csv?table=offices&${week}&tier=7`)
        .set(as(staff.supervisorL))
        .set('Accept', 'application/json')
        .expect(400);
      expect(JSON.stringify(csv.body)).to.include('Niveau : valeur de filtre invalide.');
    });

    it('answers 400 with the problem next to the field for a reversed or too long period', async () => {
      const reversed = await request(app).get('/staff/reports?from=2026-03-10&to=2026-03-01').set(as(staff.supervisorL)).expect(400);
      expect(reversed.text).to.include('La date de fin précède la date de début.');
      expect(reversed.text).to.include('aria-describedby="rf-to-error"');
      const long = await request(app).get('/staff/reports?from=2026-01-01&to=2026-06-01').set(as(staff.supervisorL)).expect(400);
      expect(long.text).to.include('au plus 92 jours');
    });

    it('speaks Dutch and English too', async () => {
      expect((await request(app).get(`/staff/reports?${week}&lang=nl`).set(as(staff.admin)).expect(200)).text).to.include('Per kantoor');
      expect((await request(app).get(`/staff/reports?${week}&lang=en`).set(as(staff.admin)).expect(200)).text).to.include('By office');
    });
  });

  describe('CSV, checked against the hand counts', () => {
    it('is an attachment in UTF-8 with a BOM, named after the table and period', async () => {
      const res = await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}`).set(as(staff.admin)).buffer(true).expect(200);
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).to.equal('attachment; filename="relais-offices-2026-03-02_2026-03-06.csv"');
      expect(res.text.startsWith('\uFEFFAgence,Chiffres complets,Créés,Résolus,Fermés comme spam,"1re réponse, médiane (h ouvrables)"')).to.equal(true);
      expect(res.text.endsWith('\r\n')).to.equal(true);
    });

    it('per office, for an administrator (every office)', async () => {
      const res = await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}`).set(as(staff.admin)).expect(200);
      const rows = records(res.text);
      const [c, l, total] = rows;
      expect(rows.map((r) => r.Agence)).to.deep.equal(['Charleroi', 'Liège', 'Total']);
      expect(l).to.include({ Créés: '4', Résolus: '2', '1re réponse, médiane (h ouvrables)': '1', '1re réponse, p90 (h ouvrables)': '1.7' });
      expect(l).to.include({
        'Résolution, médiane (h ouvrables)': '7',
        'Résolution, p90 (h ouvrables)': '9.4',
        'Taux d’escalade (%)': '25',
        'Taux de renvoi (%)': '100',
      });
      expect(l).to.include({
        'Délai de 1re réponse respecté (%)': '50',
        'En cours en fin de période': '1',
        'Satisfaction moyenne (/5)': '4',
        Avis: '2',
        Réassignations: '0',
      });
      expect(c).to.include({
        Créés: '2',
        Résolus: '1',
        'Taux d’escalade (%)': '50',
        'Taux de renvoi (%)': '0',
        Réassignations: '1',
        'En cours en fin de période': '2',
      });
      expect(total).to.include({
        Créés: '6',
        Résolus: '3',
        '1re réponse, médiane (h ouvrables)': '1',
        '1re réponse, p90 (h ouvrables)': '2.6',
        'Résolution, médiane (h ouvrables)': '10',
      });
      expect(total).to.include({
        'Résolution, p90 (h ouvrables)': '16.4',
        'Taux d’escalade (%)': '33.3',
        'Taux de renvoi (%)': '33.3',
        'En cours en fin de période': '3',
        'Délai de 1re réponse respecté (%)': '66.7',
      });
    });

    it('per office, for a supervisor: their office and the escalated tickets of others', async () => {
      const rows = records((await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}`).set(as(staff.supervisorL)).expect(200)).text);
      // Charleroi: only T3 (now at tier 3); T4 and T00 stay on Charleroi's tier 1, out of sight.
      expect(rows.find((r) => r.Agence === 'Charleroi')).to.include({ Créés: '1', 'En cours en fin de période': '0' });
      expect(rows.find((r) => r.Agence === 'Total')).to.include({ Créés: '5', 'En cours en fin de période': '1' });
    });

    it('says in a column of its own which rows are complete, as the page marks them "(partiel)"', async () => {
      const rows = records((await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}`).set(as(staff.supervisorL)).expect(200)).text);
      // The bare name (it matches the office elsewhere), and a column a spreadsheet can filter on.
      expect(rows.map((r) => [r.Agence, r['Chiffres complets']])).to.deep.equal([
        ['Charleroi', 'non'],
        ['Liège', 'oui'],
        ['Total', 'non'],
      ]);
      const admin = records((await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}`).set(as(staff.admin)).expect(200)).text);
      expect(admin.map((r) => r['Chiffres complets'])).to.deep.equal(['oui', 'oui', 'oui']);
      // An office seen in part has no escalation or return rate (100 % and 0 % by construction: QA), the administrator's has.
      const rate = (rs: Array<Record<string, string>>, office: string, column: string) => rs.find((r) => r.Agence === office)?.[column];
      const escalation = Object.keys(admin[0] ?? {}).find((k) => /escalade/i.test(k) && /taux/i.test(k)) ?? '';
      expect(escalation, 'the escalation rate column').to.not.equal('');
      expect(rate(rows, 'Charleroi', escalation)).to.equal('');
      expect(rate(admin, 'Charleroi', escalation)).to.not.equal('');
      expect(rate(rows, 'Liège', escalation)).to.equal(rate(admin, 'Liège', escalation));
      // The total adds the rows seen in part: no rate either (review); the administrator's has one.
      expect(rate(rows, 'Total', escalation)).to.equal('');
      expect(rate(admin, 'Total', escalation)).to.not.equal('');
      const page = await request(app).get(`/staff/reports?${week}`).set(as(staff.supervisorL)).expect(200);
      expect(page.text).to.include('<th scope="row">Charleroi (partiel)</th>').and.not.include('Chiffres complets');
      // The total adds a row seen in part: marked so too (QA: "Total 65" read as every office's whole).
      expect(page.text).to.match(/<th scope="row">Total \(partiel\)<\/th>/);
      const adminPage = await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200);
      expect(adminPage.text).to.match(/<th scope="row">Total<\/th>/);
    });

    it('writes each day as an ISO date, which a spreadsheet sorts and reads', async () => {
      const days = records((await request(app).get(`/staff/reports.csv?sep=comma&table=periods&${week}`).set(as(staff.admin)).expect(200)).text);
      expect(days.map((r) => r.Période)).to.deep.equal(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);
      const page = await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200);
      expect(page.text).to.include('<th scope="row">lun. 2 mars</th>');
    });

    it('per tier, per day, SLA and satisfaction', async () => {
      const get = async (table: string) =>
        records((await request(app).get(`/staff/reports.csv?sep=comma&table=${table}&${week}`).set(as(staff.admin)).expect(200)).text);
      const tiers = await get('tiers');
      expect(tiers.map((r) => r.Niveau)).to.deep.equal(['Niveau 1 · Conseil', 'Niveau 2 · Soutien', 'Niveau 3 · Administratif']);
      expect(tiers[1]).to.include({
        'Tickets passés par là': '2',
        'Temps passé, médiane (h ouvrables)': '4.5',
        'Temps passé, p90 (h ouvrables)': '4.9',
        'Escalades reçues': '2',
        'Taux de renvoi (%)': '50',
      });
      expect(tiers[2]).to.include({ 'Résolus ici': '1', 'Temps passé, médiane (h ouvrables)': '8', 'Satisfaction moyenne (/5)': '4' });
      const days = await get('periods');
      expect(days.map((r) => r.Créés)).to.deep.equal(['2', '1', '1', '1', '1']);
      expect(days.map((r) => r.Escalades)).to.deep.equal(['0', '2', '1', '0', '0']);
      const sla = await get('sla');
      expect(sla.map((r) => [r.Délai, r.Tenus, r.Dépassés, r['En cours'], r['Respect (%)']])).to.deep.equal([
        ['Première réponse', '2', '1', '1', '66.7'],
        ['Réponse suivante', '0', '0', '0', ''],
        ['Résolution', '1', '2', '0', '33.3'],
        ['Prise en charge', '2', '1', '0', '66.7'],
      ]);
      const satisfaction = await get('satisfaction');
      expect(satisfaction[0]).to.include({ Avis: '2', 'Satisfaction moyenne (/5)': '4', '3 ★': '1', '5 ★': '1', '1 ★': '0' });
    });

    it('filters by tier: the tickets that went through it', async () => {
      const rows = records((await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}&tier=2`).set(as(staff.admin)).expect(200)).text);
      expect(rows.find((r) => r.Agence === 'Total')).to.include({ Créés: '2', 'En cours en fin de période': '0' });
    });

    it("writes what Excel opens in columns in the reader's language: semicolons and decimal commas in French and Dutch, commas in English", async () => {
      const csv = async (query: string) => (await request(app).get(`/staff/reports.csv?table=offices&${week}${query}`).set(as(staff.admin)).expect(200)).text;
      const header = (text: string) => text.slice(1).split('\r\n')[0] ?? '';
      const fr = await csv('');
      expect(header(fr)).to.match(/^Agence;Chiffres complets;Créés;Résolus;/);
      expect(fr).to.include(';66,7').and.not.include('66.7');
      const nl = await csv('&lang=nl');
      expect(header(nl).split(';').length).to.be.greaterThan(5);
      expect(nl).to.include(';66,7');
      const en = await csv('&lang=en');
      expect(header(en).split(',').length).to.be.greaterThan(5);
      expect(en).to.include(',66.7').and.not.include(';');
      // Asked for explicitly, whatever the language; an unknown choice falls back to the language's.
      expect(await csv('&lang=en&sep=semicolon')).to.include(';66,7');
      expect(await csv('&sep=comma')).to.include(',66.7');
      expect(header(await csv('&sep=tab'))).to.match(/^Agence;/);
    });

    it('keeps a formula-like office name as text, quoted', async () => {
      const evil = '=HYPERLINK("http://evil.example","Charleroi")';
      await OfficeModel.updateOne({ _id: oid(ids.officeC) }, { $set: { name: evil } });
      // Written behind Relais's back: the administration pages clear the configuration caches themselves.
      clearConfigCaches();
      try {
        const res = await request(app).get(`/staff/reports.csv?sep=comma&table=offices&${week}`).set(as(staff.admin)).expect(200);
        expect(res.text).to.include(`"'=HYPERLINK(""http://evil.example"",""Charleroi"")",oui,2,`);
        const page = await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200);
        expect(page.text).to.include('&#x3D;HYPERLINK(&quot;http://evil.example&quot;');
      } finally {
        await OfficeModel.updateOne({ _id: oid(ids.officeC) }, { $set: { name: 'Charleroi' } });
        clearConfigCaches();
      }
    });

    it('refuses an unknown table (400)', async () => {
      await request(app).get(`/staff/reports.csv?sep=comma&table=staff&${week}`).set(as(staff.admin)).set('Accept', 'application/json').expect(400);
    });
  });

  describe('the comparison', () => {
    it('shows two offices side by side, and says when one is seen only in part', async () => {
      const res = await request(app)
        .get(`/staff/reports/compare?mode=offices&a=${ids.officeL}&b=${ids.officeC}&${week}`)
        .set(as(staff.supervisorL))
        .expect(200);
      expect(res.text).to.include('<th scope="col" class="num-col">Liège</th><th scope="col" class="num-col">Charleroi (partiel)</th>');
      expect(res.text).to.include('Charleroi : vous ne voyez que ses tickets escaladés');
      expect(res.text).to.match(/aria-describedby="table-compare"/);
      const csv = await request(app)
        .get(`/staff/reports.csv?sep=comma&table=compare&mode=offices&a=${ids.officeL}&b=${ids.officeC}&${week}`)
        .set(as(staff.admin))
        .expect(200);
      const rows = records(csv.text);
      expect(Object.keys(rows[0] ?? {})).to.deep.equal(['Indicateur', 'Liège', 'Charleroi', 'Écart (B − A)']);
      expect(rows.find((r) => r.Indicateur === 'Créés')).to.deep.equal({ Indicateur: 'Créés', Liège: '4', Charleroi: '2', 'Écart (B − A)': '-2' });
      expect(rows.find((r) => r.Indicateur === 'Taux d’escalade (%)')).to.include({ Liège: '25', Charleroi: '50', 'Écart (B − A)': '25' });
    });

    it('compares a period with the one just before it by default', async () => {
      const res = await request(app).get(`/staff/reports/compare?mode=periods&${week}`).set(as(staff.admin)).expect(200);
      expect(res.text).to.include('value="2026-02-25"'); // the five days before
      const csv = await request(app)
        .get(`/staff/reports.csv?sep=comma&table=compare&mode=periods&${week}&from2=2026-02-25&to2=2026-03-01`)
        .set(as(staff.admin))
        .expect(200);
      const volume = records(csv.text).find((r) => r.Indicateur === 'Créés');
      // The earlier period first, so the difference is the change since then: T00 and T0 were created in February.
      expect(Object.values(volume ?? {})).to.deep.equal(['Créés', '2', '6', '4']);
      // …and named so, whatever the form called A and B (QA: "B − A" under columns in another order than the form's).
      expect(Object.keys(volume ?? {}).at(-1)).to.equal('Évolution (depuis la période la plus ancienne)');
      expect(res.text).to.include('la valeur de la période la plus récente moins celle de la plus ancienne').and.not.include('la valeur de B moins celle de A');
    });

    it('says when a period is not over or not begun, and when two periods differ in length or overlap (QA: a month of next year "had" tickets open at its end)', async () => {
      const future = await request(app).get('/staff/reports?from=2099-01-01&to=2099-01-31').set(as(staff.admin)).expect(200);
      expect(future.text).to.include('Cette période n’a pas encore commencé');
      const past = await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200);
      expect(past.text).not.to.include('report-period-note');
      const compared = await request(app).get(`/staff/reports/compare?mode=periods&${week}&from2=2026-03-04&to2=2026-03-20`).set(as(staff.admin)).expect(200);
      expect(compared.text).to.include('Les deux périodes n’ont pas la même durée (5 et 17 jours)').and.include('Les deux périodes se chevauchent');
      const fair = await request(app).get(`/staff/reports/compare?mode=periods&${week}&from2=2026-02-23&to2=2026-02-27`).set(as(staff.admin)).expect(200);
      expect(fair.text).not.to.include('pas la même durée').and.not.include('se chevauchent');
    });

    it('compares two different periods when nothing is chosen: this month so far against the same days of the month before', async () => {
      const res = await request(app).get('/staff/reports/compare').set(as(staff.admin)).expect(200);
      expect(res.text).to.match(/class="report-filters is-current"[^>]*aria-labelledby="cmp-periods-title"/);
      const dates = [...res.text.matchAll(/name="(from|to|from2|to2)" value="(\d{4}-\d{2}-\d{2})"/g)].map((m) => `${m[1]}=${m[2]}`);
      const value = (k: string) => dates.find((d) => d.startsWith(`${k}=`))?.slice(k.length + 1) ?? '';
      expect(value('from')).to.match(/-01$/);
      expect(value('from2')).to.match(/-01$/);
      expect(value('from2')).not.to.equal(value('from'));
    });

    it('compares two periods of a supervisor’s own office by default, so nothing is partial', async () => {
      const res = await request(app).get('/staff/reports/compare').set(as(staff.supervisorL)).expect(200);
      expect(res.text).not.to.include('la comparaison est donc partielle');
      expect(res.text).to.match(new RegExp(`<option value="${ids.officeL}" selected>`));
      // Two periods of all offices: said once, of the offices, not of a period (QA: "9 nov. – 22 nov. : … ses tickets escaladés").
      const all = await request(app).get(`/staff/reports/compare?mode=periods&${week}&office=`).set(as(staff.supervisorL)).expect(200);
      expect(all.text.match(/class="notice notice-warn"/g) ?? []).to.have.length(1);
      expect(all.text).to.include('Toutes les agences : des agences autres que la vôtre, vous ne voyez que les tickets escaladés');
      // Two periods of another office: that office is named.
      const other = await request(app).get(`/staff/reports/compare?mode=periods&${week}&office=${ids.officeC}`).set(as(staff.supervisorL)).expect(200);
      expect(other.text).to.include('Charleroi : vous ne voyez que ses tickets escaladés');
    });

    it('labels another office seen by a supervisor as partial, in the columns and in the office rows', async () => {
      const cmp = await request(app)
        .get(`/staff/reports/compare?mode=offices&a=${ids.officeL}&b=${ids.officeC}&${week}`)
        .set(as(staff.supervisorL))
        .expect(200);
      expect(cmp.text).to.include('<th scope="col" class="num-col">Charleroi (partiel)</th>');
      expect(cmp.text).to.include('ses taux d’escalade et de renvoi ne sont pas calculés (—)');
      const report = await request(app).get(`/staff/reports?${week}`).set(as(staff.supervisorL)).expect(200);
      expect(report.text).to.include('Charleroi (partiel)').and.not.include('Liège (partiel)');
      expect(report.text).to.include('Pour une ligne marquée « partiel », les taux d’escalade et de renvoi ne sont pas calculés (—)');
      // By team: another office's team and the shared tier-2/3 teams (seen only while escalated) are
      // marked, the supervisor's own office's team is not; by tier every row mixes the offices, so all are.
      const teams = report.text.slice(report.text.indexOf('id="table-teams"'), report.text.indexOf('</table>', report.text.indexOf('id="table-teams"')));
      expect(teams).to.match(/<th scope="row">[^<]*Charleroi[^<]* \(partiel\)<\/th>/);
      expect(teams).to.match(/<th scope="row">[^<]*Liège<\/th>/);
      expect(teams).to.include('Équipe de soutien (partiel)');
      const tiers = report.text.slice(report.text.indexOf('id="table-tiers"'), report.text.indexOf('</table>', report.text.indexOf('id="table-tiers"')));
      expect(tiers).to.include('Niveau 1 · Conseil (partiel)');
      const csv = records((await request(app).get(`/staff/reports.csv?sep=comma&table=teams&${week}`).set(as(staff.supervisorL)).expect(200)).text);
      expect(csv.map((r) => r['Chiffres complets']))
        .to.include('oui')
        .and.include('non');
      const admin = await request(app).get(`/staff/reports?${week}`).set(as(staff.admin)).expect(200);
      expect(admin.text).not.to.include('(partiel)');
    });

    it('says what the durations measure, beside the figures, in one word for business hours', async () => {
      const res = await request(app).get(`/staff/reports?${week}&lang=nl`).set(as(staff.admin)).expect(200);
      // Dutch says "werkuren" everywhere (SLA policies, calendars, the report's columns), never "kantooruren" beside it.
      expect(res.text)
        .to.include('data-measured')
        .and.match(/Doorlooptijden in werkuren/);
      expect(res.text).not.to.include('kantooruren');
    });

    it('refuses the same office twice', async () => {
      const res = await request(app).get(`/staff/reports/compare?mode=offices&a=${ids.officeL}&b=${ids.officeL}`).set(as(staff.admin)).expect(400);
      expect(res.text).to.include('Choisissez deux agences différentes.');
    });
  });

  describe('the breach forecast on the supervisor board', () => {
    beforeEach(() => clearForecastCache());

    it('lists the supervisor’s queues and, without deadlines, the oldest unanswered tickets', async () => {
      const html = (await request(app).get('/staff/board').set(as(staff.supervisorL)).expect(200)).text;
      expect(html).to.include('Prévision des dépassements · 4 prochaines heures');
      expect(html).to.include('<th scope="row" role="rowheader">Liège · niveau 1</th>');
      expect(html).to.include('<th scope="row" role="rowheader">Niveau 2 · tous les bureaux</th>');
      expect(html).to.not.include('Charleroi · niveau 1'); // not this supervisor's office
      expect(html).to.include('Ces tickets n’ont pas encore d’échéances');
      expect(html).to.include('Présence en direct indisponible'); // the app alone runs no live layer
      expect(html).to.include('Comment cette prévision est calculée');
      // T7 (Liège, new, never answered) is the oldest unanswered ticket waiting in Liège.
      expect(html).to.match(/<li class="risk risk-old">\s*<a class="row-link" href="\/staff\/tickets\/65f0000000000000000000b7">/);
    });

    it('counts deadlines due within four hours and those already missed', async () => {
      const soon = new Date(Date.now() + 90 * 60_000);
      await TicketModel.updateOne({ _id: oid(ids.t7) }, { $set: { dueAt: soon } });
      const missed = new Date(Date.now() - 60_000);
      // Its deadline is named: the board's row may show another one (a waiting escalation's pick-up).
      const sla = {
        policy: 'Priorité normale',
        paused: false,
        nextAlertAt: null,
        deadlines: [{ kind: 'resolution', state: 'running', due: missed, breached: true }],
      };
      await TicketModel.updateOne({ _id: oid(ids.t5) }, { $set: { dueAt: missed, sla } });
      workingSet.reset(); // written behind the journal's back: the working set reads them again
      try {
        const html = (await request(app).get('/staff/board').set(as(staff.supervisorL)).expect(200)).text;
        expect(html).to.include('<span class="chip chip-waiting">1 en retard</span>');
        // Presence unknown: at most the deadlines due; the one already missed is counted with them (never a bare figure beside "1 late").
        expect(html).to.include('<span class="forecast-level forecast-warn">1 en retard + au plus 1</span>');
        expect(html).to.match(/<li class="risk risk-overdue">\s*<a class="row-link" href="\/staff\/tickets\/65f0000000000000000000a5">/);
        expect(html).to.match(/<time datetime="[^"]+">[^<]+<\/time> \(Résolution\)/);
        expect(html).to.match(/<li class="risk risk-soon">\s*<a class="row-link" href="\/staff\/tickets\/65f0000000000000000000b7">/);
        expect(html).to.not.include('pas encore d’échéances');
      } finally {
        await TicketModel.updateMany({ _id: { $in: [oid(ids.t5), oid(ids.t7)] } }, { $set: { dueAt: NO_DUE_DATE } });
        await TicketModel.updateOne({ _id: oid(ids.t5) }, { $unset: { sla: '' } });
        workingSet.reset();
      }
    });
  });

  describe('tickets made through the real commands', () => {
    it('count like any other', async () => {
      const ticket = await createTicket({
        actor: staff.advisor,
        subject: 'Attestation',
        body: 'Bonjour, il me faut une attestation.',
        member: { name: 'Claire Martin', email: 'claire.reports@example.be' },
        channel: 'phone',
        office: oid(ids.officeL),
      });
      await replyToTicket({ actor: staff.supervisorL, ticketId: String(ticket._id), version: ticket.version, text: 'Voici.' });
      const rows = records((await request(app).get('/staff/reports.csv?sep=comma&table=offices&preset=7d').set(as(staff.admin)).expect(200)).text);
      expect(rows.find((r) => r.Agence === 'Liège')).to.include({ Créés: '1' });
      // The period ends now: every ticket open now, whenever created — it, T4, T00, T5, T6 (reopened) and T7.
      expect(rows.find((r) => r.Agence === 'Total')?.['En cours en fin de période']).to.equal('6');
    });

    it('do not count a ticket closed as spam as resolved: apart in its own column, out of the medians, in every period', async () => {
      const namur = await OfficeModel.create({ code: 'namur', name: 'Namur' });
      await TeamModel.create({ code: 'conseil-namur', name: 'Conseil Namur', tier: 1, office: namur._id });
      clearConfigCaches();
      const supervisor = await buildStaff({ name: 'Anne Namur', roles: ['supervisor'], office: namur._id });
      const file = (subject: string) =>
        createTicket({
          actor: supervisor,
          subject,
          body: 'Bonjour.',
          member: { name: 'Claire Martin', email: `${subject.toLowerCase()}.reports@example.be` },
          channel: 'phone',
          office: namur._id,
        });
      const real = await file('Attestation');
      const junk = await file('Casino');
      const answered = await replyToTicket({ actor: supervisor, ticketId: String(real._id), version: real.version, text: 'Voici.' });
      await resolveTicket({ actor: supervisor, ticketId: String(real._id), version: answered.version });
      await markSpam({ actor: supervisor, ticketId: String(junk._id), version: junk.version });
      const query = `sep=comma&preset=7d&office=${String(namur._id)}`;
      const [row] = records((await request(app).get(`/staff/reports.csv?table=offices&${query}`).set(as(staff.admin)).expect(200)).text);
      expect(row).to.include({ Agence: 'Namur', Créés: '2', Résolus: '1', 'Fermés comme spam': '1' });
      const periods = records((await request(app).get(`/staff/reports.csv?table=periods&${query}`).set(as(staff.admin)).expect(200)).text);
      expect(periods.reduce((n, r) => n + Number(r.Résolus), 0)).to.equal(1);
      expect(periods.reduce((n, r) => n + Number(r['Fermés comme spam']), 0)).to.equal(1);
      const page = await request(app)
        .get(`/staff/reports?preset=7d&office=${String(namur._id)}`)
        .set(as(staff.admin))
        .expect(200);
      expect(page.text).to.include('Fermés comme spam').and.include('dont 1 résolu ; 1 fermé comme spam');
    });
  });
});
