/**
 * Staff search on the real bleve process, fed by the journal: accents and case, French and Dutch
 * words, numbers, addresses, member numbers, message text and internal notes; who sees what; a
 * change seen after its commit; marks left by a stopped engine; a rebuild from the database.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { SearchPendingModel } from '../../server/search/search-pending.model.js';
import { SearchIndexer } from '../../server/search/search.indexer.js';
import type { SearchEngine } from '../../server/search/search.engine.js';
import { changeMemberDetails } from '../../server/members/member-changes.js';
import { findMemberByEmail } from '../../server/members/member-lookup.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { searchScope } from '../../server/search/search.scope.js';
import { addNote, claimTicket, replyToTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket, reassignTicket } from '../../server/tickets/ticket.moves.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildStaff, buildTicket, type Org } from '../helpers/factories.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { MemberModel } from '../../server/members/member.model.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { login, testApp } from '../helpers/http.js';
import { useSearchEngine } from '../helpers/search.js';
import { signedIn } from '../helpers/pages.js';

interface Answer {
  results: Array<{ ticket: { id: string; number: string; status: string; tier: number; assigneeName?: string | null }; member: { name: string } | null }>;
  more: boolean;
  refine: boolean;
  approximate: boolean;
}

describe('staff search (bleve, fed by the journal)', function () {
  this.timeout(60_000);
  useTestDatabase();
  const search = useSearchEngine();
  let app: Express;
  let org: Org;
  let tokens: Record<'liege' | 'charleroi' | 'supervisor' | 'admin', string>;
  let cafe: Ticket;
  let dutch: Ticket;
  let charleroi: Ticket;

  const ask = async (q: string, token = tokens.liege): Promise<Answer> => {
    await search.indexer().idle();
    const res = await request(app).get('/api/v1/search').query({ q }).set('Authorization', `Bearer ${token}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as Answer;
  };
  const ids = (a: Answer) => a.results.map((r) => r.ticket.id);

  before(async () => {
    app = testApp();
    org = await buildOrg();
    cafe = await buildTicket(org, {
      subject: 'Question sur le café du séminaire',
      body: 'Bonjour, la note de frais pour le café a été refusée.',
      member: { name: 'Frédéric Dubois', email: 'frederic.dubois@example.be', memberNumber: 'SM-48213' },
    });
    dutch = await buildTicket(org, {
      subject: 'Vraag over mijn facturen',
      body: 'Ik heb de facturen van maart nog niet ontvangen.',
      language: 'nl',
      member: { name: 'Pieter Janssens', email: 'pieter.janssens@example.be' },
    });
    charleroi = await buildTicket(org, {
      actor: org.staff.advisorCharleroi,
      office: org.offices.charleroi,
      subject: 'Contrat zanzibar à signer',
      body: 'Le contrat de Frédéric est prêt.',
      member: { name: 'Frédéric Lemaire', email: 'frederic.lemaire@example.be' },
    });
    tokens = {
      liege: await login(app, org.staff.advisorLiege.email),
      charleroi: await login(app, org.staff.advisorCharleroi.email),
      supervisor: await login(app, org.staff.supervisorLiege.email),
      admin: await login(app, org.staff.administrator.email),
    };
  });

  it('ignores accents and case: "Frederic" and "FRÉDÉRIC" find Frédéric, "cafe" finds café', async () => {
    expect(ids(await ask('Frederic'))).to.include(String(cafe._id));
    expect(ids(await ask('FRÉDÉRIC dubois'))).to.deep.equal([String(cafe._id)]);
    expect(ids(await ask('cafe'))).to.deep.equal([String(cafe._id)]);
    expect(ids(await ask('CAFÉ séminaire'))).to.deep.equal([String(cafe._id)]);
  });

  it('finds Dutch words by their stem ("factuur" finds "facturen")', async () => {
    expect(ids(await ask('factuur'))).to.deep.equal([String(dutch._id)]);
    expect(ids(await ask('ONTVANGEN'))).to.deep.equal([String(dutch._id)]);
  });

  it('finds a ticket by its number, whole or its last digits, first', async () => {
    const whole = await ask(cafe.number);
    expect(ids(whole)[0]).to.equal(String(cafe._id));
    const digits = cafe.number.split('-')[2] ?? '';
    expect(ids(await ask(digits))[0]).to.equal(String(cafe._id));
    expect(ids(await ask(String(Number(digits))))[0]).to.equal(String(cafe._id));
  });

  it('finds a ticket by the member’s address (whole or its start) and member number', async () => {
    expect(ids(await ask('Frederic.Dubois@example.be'))).to.deep.equal([String(cafe._id)]);
    expect(ids(await ask('pieter.jans'))).to.deep.equal([String(dutch._id)]);
    expect(ids(await ask('sm-48213'))).to.deep.equal([String(cafe._id)]);
  });

  it('finds message text and shows status, tier, holder and member', async () => {
    const a = await ask('note de frais refusee');
    expect(ids(a)).to.deep.equal([String(cafe._id)]);
    const [row] = a.results;
    expect(row?.ticket).to.include({ number: cafe.number, status: 'new', tier: 1 });
    expect(row?.member?.name).to.equal('Frédéric Dubois');
  });

  it('shows a ticket only to those who may read it: nothing of Charleroi’s ticket for a Liège advisor', async () => {
    const liege = await ask('zanzibar');
    expect(liege.results).to.deep.equal([]);
    expect(liege.more).to.equal(false);
    expect(ids(await ask('zanzibar', tokens.charleroi))).to.deep.equal([String(charleroi._id)]);
    // "Frédéric" matches both; each advisor sees only their office's.
    expect(ids(await ask('frederic'))).to.not.include(String(charleroi._id));
    expect(ids(await ask('frederic', tokens.charleroi))).to.deep.equal([String(charleroi._id)]);
    expect(ids(await ask('zanzibar', tokens.supervisor))).to.deep.equal([]);
  });

  it('forgives a typing error when nothing matches as typed, says so, and still shows only readable tickets', async () => {
    const typo = await ask('Duboiss');
    expect(ids(typo)).to.deep.equal([String(cafe._id)]);
    expect(typo.approximate).to.equal(true);
    expect(ids(await ask('seminiare cafe'))).to.deep.equal([String(cafe._id)]);
    // Found as typed: no second chance, nothing approximate.
    const exact = await ask('Dubois');
    expect(exact.approximate).to.equal(false);
    // The second chance goes through the same policy: nothing of Charleroi's ticket for Liège.
    const liege = await ask('zanzibr');
    expect(liege.results).to.deep.equal([]);
    expect(liege.approximate).to.equal(false);
    const charleroiSees = await ask('zanzibr', tokens.charleroi);
    expect(ids(charleroiSees)).to.deep.equal([String(charleroi._id)]);
    expect(charleroiSees.approximate).to.equal(true);
    // Numbers, codes and addresses are never approximated: another year, member number or address is another thing.
    const year = await buildTicket(org, {
      subject: 'Attestation fiscale 2025',
      member: { name: 'Hélène Moreau', email: 'helene.moreau@example.be', memberNumber: 'SM-77123' },
    });
    const near = await ask('attestaton fiscale 2025');
    expect(ids(near)).to.deep.equal([String(year._id)]);
    expect(near.approximate).to.equal(true);
    expect((await ask('attestation fiscale 2024')).results).to.deep.equal([]);
    expect((await ask('Moreau SM-77124')).results).to.deep.equal([]);
    expect((await ask('helene.moreu@example.be')).results).to.deep.equal([]);
    // Nothing near: nothing, and not called approximate.
    expect(await ask('xylophoniste'))
      .to.include({ approximate: false })
      .and.have.property('results')
      .that.deep.equals([]);
    const page = await (await signedIn(app, org.staff.advisorLiege.email)).get('/staff/search').query({ q: 'Duboiss' }).expect(200);
    expect(page.text)
      .to.include('class="notice notice-info search-approximate"')
      .and.include('Aucun des tickets que vous pouvez consulter ne contient « Duboiss »')
      .and.include(cafe.number);
  });

  it('finds a ticket the advisor handed on to tier 2 (read-only following), still nothing of another office', async () => {
    const handed = await buildTicket(org, { subject: 'Attestation quokka pour la banque', body: 'Il me faut une attestation.' });
    let v = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(handed._id), version: handed.version });
    v = await escalateTicket({
      actor: org.staff.advisorLiege,
      ticketId: String(handed._id),
      version: v.version,
      reason: 'payroll_correction',
      handoff: 'Tout est vérifié.',
    });
    expect(v.tier).to.equal(2);
    expect(ids(await ask('quokka'))).to.deep.equal([String(handed._id)]);
    expect(ids(await ask('quokka', tokens.charleroi))).to.deep.equal([]);
  });

  it('finds a ticket the advisor handed on that another office now works (read-only), and its members’ office still does; an advisor of a third office does not', async () => {
    const member = await MemberModel.create({ name: 'Odile Pangaert', email: 'odile.pangaert@example.be', office: org.offices.liege });
    const handed = await buildTicket(org, {
      subject: 'Remboursement pangolin',
      body: 'Le mot rare est dans le message : tamanoir.',
      member: { name: member.name, email: member.email },
    });
    expect(String(handed.memberOffice)).to.equal(String(org.offices.liege));
    let v = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(handed._id), version: handed.version });
    v = await escalateTicket({
      actor: org.staff.advisorLiege,
      ticketId: String(handed._id),
      version: v.version,
      reason: 'payroll_correction',
      handoff: 'Vérifié.',
    });
    v = await reassignTicket({
      actor: org.staff.supervisorLiege,
      ticketId: String(handed._id),
      version: v.version,
      team: String(org.teams.charleroi),
      reason: 'Charleroi s’en charge.',
    });
    expect(String(v.office)).to.equal(String(org.offices.charleroi));
    const mons = await OfficeModel.create({ code: 'mons', name: 'Mons' });
    const monsTeam = await TeamModel.create({ code: 'conseil-mons', name: 'Conseil Mons', tier: 1, office: mons._id });
    const monsAdvisor = await buildStaff({ name: 'Sophie Mons', roles: ['advisor'], team: monsTeam._id, tier: 1, office: mons._id });
    const found = await ask('pangolin');
    expect(ids(found)).to.deep.equal([String(handed._id)]);
    expect(found.results[0]?.ticket).to.include({ readOnly: 'worked' });
    // The message text too (its document carries the same followers).
    expect(ids(await ask('tamanoir'))).to.deep.equal([String(handed._id)]);
    // A colleague of the member's office who never touched it follows it as their office's member's.
    expect(ids(await ask('pangolin', await login(app, org.staff.advisorLiege2.email)))).to.deep.equal([String(handed._id)]);
    expect(ids(await ask('pangolin', tokens.charleroi))).to.deep.equal([String(handed._id)]);
    const stranger = await login(app, monsAdvisor.email);
    expect((await ask('pangolin', stranger)).results).to.deep.equal([]);
    expect((await ask('tamanoir', stranger)).results).to.deep.equal([]);
    // The engine's pre-filter itself keeps it from the stranger (not only the policy afterwards).
    const engineIds = async (actor: typeof monsAdvisor) =>
      (await search.indexer().engine.search('pangolin', { limit: 20, internal: true, scope: searchScope(actor) })).tickets.map((h) => h.id);
    expect(await engineIds(monsAdvisor)).to.deep.equal([]);
    expect(await engineIds(org.staff.advisorLiege)).to.deep.equal([String(handed._id)]);
    // The results page says it can only be followed; a ticket of one's own queue does not.
    const agent = await signedIn(app, org.staff.advisorLiege.email);
    const page = await agent.get('/staff/search').query({ q: 'pangolin' }).expect(200);
    expect(page.text).to.include(handed.number).and.include('class="chip chip-read-only">Lecture seule</span>');
    expect((await agent.get('/staff/search').query({ q: 'cafe' }).expect(200)).text).to.not.include('chip-read-only');
  });

  it('takes a reply and an internal note as soon as they are committed (journal), and clears their marks', async () => {
    const claimed = (await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(dutch._id), version: dutch.version })).version;
    const v = (await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(dutch._id), version: claimed, text: 'Uw ornithorynque is onderweg.' }))
      .version;
    await addNote({ actor: org.staff.advisorLiege, ticketId: String(dutch._id), version: v, text: 'Note interne : dossier quokka vérifié.' });
    expect(ids(await ask('ornithorynque'))).to.deep.equal([String(dutch._id)]);
    // Internal notes are searchable by staff (members never search).
    expect(ids(await ask('quokka verifie'))).to.deep.equal([String(dutch._id)]);
    expect((await SearchPendingModel.find({}).lean()).map((m) => m._id)).to.deep.equal([]);
  });

  it('shows the results page with the search box on every staff page, escaped, only readable tickets', async () => {
    const agent = await signedIn(app, org.staff.advisorLiege.email);
    const queue = await agent.get('/staff/queue').expect(200);
    expect(queue.text).to.include('action="/staff/search"');
    const page = await agent.get('/staff/search').query({ q: 'frederic <b>' }).expect(200);
    expect(page.text).to.include('&lt;b&gt;').and.not.include('frederic <b>');
    const found = await agent.get('/staff/search').query({ q: 'frederic' }).expect(200);
    expect(found.text).to.include(cafe.number).and.include('Frédéric Dubois');
    expect(found.text).to.not.include(charleroi.number);
    expect(found.text).to.include('1 ticket, les plus pertinents d’abord');
    // More than a page: the number is the page's, said as "the first 20" (QA: it read "20 tickets", then 40, 60…).
    for (let i = 0; i < 21; i += 1) await buildTicket(org, { subject: `Dossier numbat ${i}`, body: 'Un numbat.' });
    await search.indexer().idle();
    const first = await agent.get('/staff/search').query({ q: 'numbat' }).expect(200);
    expect(first.text).to.include('Les 20 premiers tickets, les plus pertinents d’abord').and.include('Afficher plus de résultats');
    const all = await agent.get('/staff/search').query({ q: 'numbat', limit: '40' }).expect(200);
    expect(all.text).to.include('21 tickets, les plus pertinents d’abord').and.not.include('premiers');
    const none = await agent.get('/staff/search').query({ q: 'zanzibar' }).expect(200);
    expect(none.text).to.not.include(charleroi.number);
    expect(none.text).to.include('Aucun ticket');
    await request(app).get('/staff/search').query({ q: 'cafe' }).expect(303);
    // A whole ticket number, however typed, opens the ticket; one out of reach finds nothing.
    const [, year, digits] = /^R-(\d{4})-(\d{6})$/.exec(cafe.number) ?? [];
    const opened = await agent
      .get('/staff/search')
      .query({ q: `r-${year}-${Number(digits)}` })
      .expect(303);
    expect(opened.headers.location).to.equal(`/staff/tickets/${String(cafe._id)}`);
    const elsewhere = await agent.get('/staff/search').query({ q: charleroi.number }).expect(200);
    expect(elsewhere.text).to.include('Aucun ticket').and.not.include(String(charleroi._id));
  });

  it('refuses anonymous callers, bad input, and treats query syntax as plain text', async () => {
    await request(app).get('/api/v1/search').query({ q: 'cafe' }).expect(401);
    const bearer = { Authorization: `Bearer ${tokens.liege}` };
    await request(app).get('/api/v1/search').set(bearer).expect(400);
    await request(app).get('/api/v1/search').query({ q: '   ' }).set(bearer).expect(400);
    await request(app)
      .get('/api/v1/search')
      .query({ q: 'x'.repeat(201) })
      .set(bearer)
      .expect(400);
    await request(app).get('/api/v1/search').query({ q: 'cafe', $where: '1' }).set(bearer).expect(400);
    // bleve's query-string syntax would match everything here; the engine never parses it.
    expect((await ask('+subject:* -zzz')).results).to.deep.equal([]);
    expect((await ask('*')).results).to.deep.equal([]);
  });

  it('indexes at the next start what was committed while the engine was down (marks)', async () => {
    const live = search.indexer();
    live.detach();
    const down: SearchEngine = { ...live.engine, write: () => Promise.reject(new Error('engine down')) };
    const failing = new SearchIndexer(down);
    failing.attach();
    try {
      const t = await buildTicket(org, { subject: 'Panne pendant la mise à jour', body: 'Mot rare : capybara.' });
      const v = (await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: t.version })).version;
      await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: v, text: 'Réponse : tatou.' });
      await failing.idle();
      expect(await SearchPendingModel.countDocuments({})).to.equal(3);
    } finally {
      failing.detach();
      live.attach();
    }
    expect((await ask('capybara')).results).to.deep.equal([]);
    expect(await live.catchUp()).to.equal(3);
    expect((await ask('capybara')).results).to.have.length(1);
    expect((await ask('tatou')).results).to.have.length(1);
    expect(await SearchPendingModel.countDocuments({})).to.equal(0);
  });

  it('follows a ticket that moved to another office (the engine’s pre-filter), and the policy refuses what a lagging pre-filter lets through', async () => {
    // "ocelot" is only in the message: its document must follow the ticket too.
    const t = await buildTicket(org, { subject: 'Dossier okapi', body: 'Demande au sujet de l’ocelot.' });
    const engineIds = async (actor: typeof org.staff.advisorLiege, q = 'okapi') => {
      await search.indexer().idle();
      return (await search.indexer().engine.search(q, { limit: 20, internal: true, scope: searchScope(actor) })).tickets.map((h) => h.id);
    };
    expect(await engineIds(org.staff.advisorLiege)).to.deep.equal([String(t._id)]);
    expect(await engineIds(org.staff.advisorCharleroi)).to.deep.equal([]);
    const moved = await reassignTicket({
      actor: org.staff.supervisorLiege,
      ticketId: String(t._id),
      version: t.version,
      team: String(org.teams.charleroi),
      reason: 'Le membre a déménagé.',
    });
    // The engine follows the move: Charleroi's advisor finds it, Liège's does not even get it as a candidate.
    expect(await engineIds(org.staff.advisorCharleroi)).to.deep.equal([String(t._id)]);
    expect(await engineIds(org.staff.advisorLiege)).to.deep.equal([]);
    expect(await engineIds(org.staff.advisorCharleroi, 'ocelot')).to.deep.equal([String(t._id)]);
    expect(await engineIds(org.staff.advisorLiege, 'ocelot')).to.deep.equal([]);
    expect(ids(await ask('okapi', tokens.charleroi))).to.deep.equal([String(t._id)]);
    expect((await ask('okapi')).results).to.deep.equal([]);

    // The move back is committed while the engine is down: its pre-filter still says Charleroi.
    const live = search.indexer();
    live.detach();
    const failing = new SearchIndexer({ ...live.engine, write: () => Promise.reject(new Error('engine down')) });
    failing.attach();
    try {
      await reassignTicket({
        actor: org.staff.supervisorCharleroi,
        ticketId: String(t._id),
        version: moved.version,
        team: String(org.teams.liege),
        reason: 'Erreur.',
      });
      await failing.idle();
    } finally {
      failing.detach();
      live.attach();
    }
    expect(await engineIds(org.staff.advisorCharleroi)).to.deep.equal([String(t._id)]);
    // …but the policy reads the ticket as it is now: Charleroi's advisor no longer sees it.
    const stale = await ask('okapi', tokens.charleroi);
    expect(stale.results).to.deep.equal([]);
    expect(stale.more).to.equal(false);
    // The same for the second search, with near words: the engine lets it through, the policy refuses it.
    expect(await engineIds(org.staff.advisorCharleroi, 'okopi')).to.deep.equal([]);
    const nearEngine = await search
      .indexer()
      .engine.search('okopi', { limit: 20, internal: true, scope: searchScope(org.staff.advisorCharleroi), fuzzy: true });
    expect(nearEngine.tickets.map((h) => h.id)).to.deep.equal([String(t._id)]);
    expect((await ask('okopi', tokens.charleroi)).results).to.deep.equal([]);
    await live.catchUp();
    expect(ids(await ask('okapi'))).to.deep.equal([String(t._id)]);
    expect(await engineIds(org.staff.advisorCharleroi)).to.deep.equal([]);
    // The placements are kept with the index: after a restart the pre-filter still knows where it is.
    await search.restart();
    expect(await engineIds(org.staff.advisorCharleroi)).to.deep.equal([]);
    expect(await engineIds(org.staff.advisorLiege)).to.deep.equal([String(t._id)]);
    expect(await engineIds(org.staff.advisorLiege, 'ocelot')).to.deep.equal([String(t._id)]);
    // A reply after the restart carries the placement the engine read back.
    expect(await engineIds(org.staff.advisorCharleroi, 'ocelot')).to.deep.equal([]);
  });

  it('rewrites a member’s tickets when their name, address or member number changes (marked first, so a stopped engine catches up)', async () => {
    const first = await buildTicket(org, {
      subject: 'Congé parental',
      member: { name: 'Gaston Lagaffe', email: 'gaston.lagaffe@spirou.be', memberNumber: 'SM-1957' },
    });
    const second = await buildTicket(org, { subject: 'Chômage temporaire', member: { name: 'Gaston Lagaffe', email: 'gaston.lagaffe@spirou.be' } });
    const both = [String(first._id), String(second._id)].sort();
    expect(ids(await ask('lagaffe')).sort()).to.deep.equal(both);

    await changeMemberDetails(first.member, { name: 'Gaston Prunelle', email: 'g.prunelle@example.be', memberNumber: 'SM-2024' });
    await domainEvents.settled();
    expect((await ask('lagaffe')).results).to.deep.equal([]);
    const renamed = await ask('prunelle');
    expect(ids(renamed).sort()).to.deep.equal(both);
    expect(renamed.results.map((r) => r.member?.name)).to.deep.equal(['Gaston Prunelle', 'Gaston Prunelle']);
    expect(ids(await ask('g.prunelle@example.be')).sort()).to.deep.equal(both);
    expect(ids(await ask('sm-2024')).sort()).to.deep.equal(both);
    expect((await ask('gaston.lagaffe@spirou.be')).results).to.deep.equal([]);
    // The address key follows: the new address finds the member, the old one nobody.
    expect(String((await findMemberByEmail('G.Prunelle@example.be'))?._id)).to.equal(String(first.member));
    expect(await findMemberByEmail('gaston.lagaffe@spirou.be')).to.equal(null);
    // Another member's address is refused, and nothing is marked for nothing.
    const other = await buildTicket(org, { subject: 'Autre', member: { name: 'Jeanne Dupuis', email: 'jeanne@example.be' } });
    await changeMemberDetails(other.member, { email: 'g.prunelle@example.be' }).then(
      () => expect.fail('a taken address was accepted'),
      (error: unknown) => expect((error as { status?: number }).status, String(error)).to.equal(409),
    );
    await search.indexer().catchUp();
    expect(await SearchPendingModel.countDocuments({})).to.equal(0);

    // With the engine down, the marks written before the change stay, and the next start rewrites the tickets.
    const live = search.indexer();
    live.detach();
    const failing = new SearchIndexer({ ...live.engine, write: () => Promise.reject(new Error('engine down')) });
    failing.attach();
    try {
      await changeMemberDetails(first.member, { name: 'Gaston Fantasio' });
      await domainEvents.settled();
      expect(await SearchPendingModel.countDocuments({})).to.equal(2);
    } finally {
      failing.detach();
      live.attach();
    }
    expect(await live.catchUp()).to.equal(2);
    expect(ids(await ask('fantasio')).sort()).to.deep.equal(both);
    // The old name is gone; the address (g.prunelle@…, unchanged) is found whole only, never as a near word.
    expect((await ask('prunelle')).results).to.deep.equal([]);
  });

  it('rebuilds from the database on demand (administrators), and by itself when the index is missing', async () => {
    // A ticket written behind the journal's back: only a rebuild, which reads the database, finds it.
    const hidden = await TicketModel.findById(cafe._id).lean<Ticket>();
    const id = new Types.ObjectId();
    await TicketModel.collection.insertOne({ ...hidden, _id: id, number: 'R-2020-999999', subject: 'Dossier wombat', version: 1 } as never);
    expect((await ask('wombat', tokens.supervisor)).results).to.deep.equal([]);

    await request(app).post('/api/v1/search/rebuild').set('Authorization', `Bearer ${tokens.liege}`).expect(403);
    await request(app).post('/api/v1/search/rebuild').set('Authorization', `Bearer ${tokens.admin}`).expect(202);
    await search.indexer().rebuild(); // joins the running rebuild
    expect(ids(await ask('wombat', tokens.supervisor))).to.deep.equal([String(id)]);
    const status = await request(app).get('/api/v1/search/status').set('Authorization', `Bearer ${tokens.admin}`).expect(200);
    expect(status.body.search).to.include({ engine: 'bleve', complete: true, rebuilding: false });

    // The index lost: a new, empty one is incomplete, and the start rebuilds it.
    await search.restartEmpty();
    expect((await search.indexer().engine.health()).complete).to.equal(false);
    const started = await search.indexer().start();
    expect(started.rebuilding).to.equal(true);
    await search.indexer().rebuild();
    expect(ids(await ask('seminaire'))).to.deep.equal([String(cafe._id)]);
    expect(ids(await ask('ornithorynque'))).to.deep.equal([String(dutch._id)]);
  });
});
