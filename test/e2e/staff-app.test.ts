/**
 * The staff web app in a real browser: Relais as a user runs it (`server/index.ts` in
 * its own process, embedded database, demo data), Debian's Chromium driven by
 * playwright-core, one browser context per person. What the issue asks for:
 *  - two advisors: one claims, the other sees it claimed live (queue and ticket page);
 *  - an escalation appears on the supervisor board; the supervisor reassigns it with a
 *    reason and the advisor's queue updates;
 *  - the Liège queue follows what a colleague, the supervisor and a Charleroi advisor
 *    taking a call for Liège do, and never receives Charleroi's own tickets;
 *  - presence and typing on the ticket page; the stale-reply guard;
 *  - the queue in French (default), Dutch and English;
 *  - axe-core finds no serious or critical WCAG 2 A/AA violation on the queue, ticket, history
 *    and board pages.
 * Each test creates its own tickets through the JSON API, so none depends on the random
 * demo tickets. "Live" is never a duration assertion: the test waits (bounded) for the
 * visible change and logs how long it took. Screenshots go to test-results/e2e/staff-app/.
 */
import { expect } from 'chai';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { translator } from '../../server/lib/i18n.js';
import { gotoLive, runAxe, screenshot, startAppearanceClock, unexpectedErrors, waitLive, type StaffSession } from '../helpers/browser.js';
import { keepForDocs, useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const fr = translator('fr');
const nl = translator('nl');
const en = translator('en');
/** How long a live change may take before the test gives up (generous: it is not the measure). */
const liveTimeout = 10_000;

interface TicketJson {
  id: string;
  number: string;
  version: number;
  status: string;
  priority: string;
  tier: number;
  assignee: string | null;
  messageCount: number;
}

interface Person {
  email: string;
  id: string;
  name: string;
  token: string;
}

const emails = {
  julie: 'conseiller.liege@relais.demo',
  nadia: 'nadia.liege@relais.demo',
  karim: 'conseiller.charleroi@relais.demo',
  isabelle: 'superviseur.liege@relais.demo',
} as const;
type Who = keyof typeof emails;

const latencies: { what: string; ms: number }[] = [];
function logLatency(what: string, ms: number): void {
  latencies.push({ what, ms });
  console.log(`      live: ${what}: ${ms} ms`);
}

describe('staff web app in Chromium (real server process, live updates, accessibility)', function () {
  this.timeout(60_000);
  const e2e = useE2eServer({ screenshots: 'staff-app', dataPrefix: 'relais-e2e-staff-', password, demoTickets: 30 });
  const people = {} as Record<Who, Person>;
  let sessions: StaffSession[] = [];
  let runTag = '';

  async function api<T>(who: Who, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${e2e.base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${people[who].token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function createTicket(
    who: Who,
    office: 'liege' | 'charleroi',
    subject: string,
    member = { name: 'Marie Dethier', email: 'marie.dethier@example.be' },
  ): Promise<TicketJson> {
    const res = await api<{ ticket: TicketJson }>(who, 'POST', '/tickets', {
      subject: `${subject} (${runTag})`,
      body: 'Le membre a appelé : il attend une réponse écrite. Numéro de membre vérifié.',
      member,
      office,
      language: 'fr',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.ticket;
  }

  async function getTicket(who: Who, id: string): Promise<TicketJson> {
    const res = await api<{ ticket: TicketJson }>(who, 'GET', `/tickets/${id}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.ticket;
  }

  /** A command with the ticket's current version (read first), expected to succeed. */
  async function command(who: Who, id: string, name: string, extra: Record<string, unknown> = {}): Promise<TicketJson> {
    const { version } = await getTicket(who, id);
    const res = await api<{ ticket: TicketJson }>(who, 'POST', `/tickets/${id}/${name}`, { version, ...extra });
    expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body.ticket;
  }

  async function open(who: Who, options: BrowserContextOptions = {}): Promise<StaffSession> {
    const session = await e2e.signIn(emails[who], options);
    sessions.push(session);
    return session;
  }

  const live = (page: Page, url: string) => gotoLive(page, `${e2e.base}${url}`);
  const openTicket = (page: Page, id: string) => live(page, `/staff/tickets/${id}`);

  const queueRow = (page: Page, id: string) => page.locator(`#queue-rows tr[data-key="${id}"]`);
  const boardRow = (page: Page, id: string) => page.locator(`#board-rows tr[data-key="${id}"]`);

  before(async function () {
    runTag = `e2e ${new Date().toISOString().slice(11, 19)}`;
    for (const who of Object.keys(emails) as Who[]) {
      const res = await fetch(`${e2e.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: emails[who], password }),
      });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { token: string; staff: { id: string; name: string } };
      people[who] = { email: emails[who], id: body.staff.id, name: body.staff.name, token: body.token };
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, s] of sessions.entries()) {
        for (const page of s.context.pages()) await screenshot(page, `FAILED-${i}`, true).catch(() => undefined);
        if (s.errors.length) console.log(s.errors.join('\n'));
      }
    }
    await Promise.all(sessions.map((s) => s.context.close().catch(() => undefined)));
    sessions = [];
  });

  after(async function () {
    if (latencies.length) console.log(`      live latencies (ms): ${latencies.map((l) => `${l.what} ${l.ms}`).join('; ')}`);
  });

  /** No uncaught exception or unexpected console error on any page of the test. */
  function expectCleanPages(): void {
    const errors = sessions.flatMap((s) => unexpectedErrors(s.errors));
    expect(errors, errors.join('\n')).to.deep.equal([]);
  }

  it('two Liège advisors: Nadia claims in her browser, Julie sees it claimed live on her queue and on the ticket page', async () => {
    const ticket = await createTicket('julie', 'liege', 'Fiche de paie de novembre introuvable');
    const untouched = await createTicket('julie', 'liege', 'Attestation de revenus pour la mutuelle');
    const julie = await open('julie');
    await live(julie.page, '/staff/queue');
    await queueRow(julie.page, ticket.id).waitFor();
    await queueRow(julie.page, untouched.id).waitFor();
    // The live snapshot brings only what changed: the page says which rows it shows (live-rows.ts).
    const snapshot = julie.page.waitForResponse((r) => r.url().includes('/staff/queue/snapshot') && r.url().includes('known='));
    expect(await queueRow(julie.page, ticket.id).locator('.col-holder').innerText()).to.contain(fr('queue.unassigned'));
    // Julie also has the ticket open in a second tab.
    const julieTicket = await julie.context.newPage();
    await openTicket(julieTicket, ticket.id);
    await julieTicket.locator('#part-actions [data-action="claim"]').waitFor();

    const nadia = await open('nadia');
    await openTicket(nadia.page, ticket.id);
    const onQueue = await startAppearanceClock(julie.page, `#queue-rows tr[data-key="${ticket.id}"] .col-holder`, people.nadia.name);
    const onTicket = await startAppearanceClock(julieTicket, '#part-header .facts', people.nadia.name);
    await screenshot(julie.page, 'claim-before-julie-queue');
    const clickedAt = Date.now();
    await nadia.page.click('#part-actions [data-action="claim"]');
    const queueAt = await onQueue.seenAt(liveTimeout);
    const sent = (await (await snapshot).json()) as { rowsHtml: string; order: Array<[string, number]> };
    expect(sent.rowsHtml).to.include(`data-key="${ticket.id}"`).and.not.include(`data-key="${untouched.id}"`);
    expect(sent.order.map(([key]) => key)).to.include.members([ticket.id, untouched.id]);
    // …and the row it did not send is still there, as it was.
    expect(await queueRow(julie.page, untouched.id).locator('.row-link').textContent()).to.contain('Attestation de revenus pour la mutuelle');
    // Julie's row is marked for a moment with who did what.
    const row = queueRow(julie.page, ticket.id);
    expect(await row.getAttribute('class')).to.match(/is-changed/);
    expect(await row.textContent()).to.contain(fr('client.event.claimed', { name: people.nadia.name }));
    const ticketAt = await onTicket.seenAt(liveTimeout);
    logLatency("claim click → other advisor's queue row", queueAt - clickedAt);
    logLatency("claim click → other advisor's open ticket page", ticketAt - clickedAt);

    // Nadia's page confirms; on Julie's ticket page a notice says what changed, and the claim button is gone.
    await nadia.page.locator('#action-status', { hasText: fr('client.done.claim') }).waitFor();
    await julieTicket.locator('#ticket-notice:not([hidden])').waitFor();
    expect(await julieTicket.locator('#part-actions [data-action="claim"]').count()).to.equal(0);
    await screenshot(julie.page, 'claim-seen-on-julie-queue');
    await screenshot(julieTicket, 'claim-seen-on-julie-ticket');
    await julie.page.locator('#live-announcer', { hasText: ticket.number }).waitFor({ state: 'attached' });
    expect((await getTicket('julie', ticket.id)).assignee).to.equal(people.nadia.id);
    expectCleanPages();
  });

  it("an escalation made in the advisor's browser appears live on the supervisor board", async () => {
    const ticket = await createTicket('julie', 'liege', 'Contrat à modifier : changement de statut au premier décembre, avenant à signer avant la fin du mois');
    await command('julie', ticket.id, 'claim');
    const isabelle = await open('isabelle', { viewport: { width: 1280, height: 800 } });
    await live(isabelle.page, '/staff/board');
    expect(await boardRow(isabelle.page, ticket.id).count()).to.equal(0);

    const julie = await open('julie');
    await openTicket(julie.page, ticket.id);
    await julie.page.click('[data-open-dialog="escalate-dialog"]');
    await julie.page.locator('#escalate-dialog[open]').waitFor();
    await julie.page.selectOption('#escalate-reason', 'needs_contract_change');
    await julie.page.fill('#escalate-handoff', 'Le membre change de statut au 1er décembre ; vérifié avec lui par téléphone. Il faut un avenant.');
    await screenshot(julie.page, 'escalate-dialog');
    const onBoard = await startAppearanceClock(isabelle.page, `#board-rows tr[data-key="${ticket.id}"]`);
    const sentAt = Date.now();
    await julie.page.click('#escalate-dialog button[type=submit]');
    const seenAt = await onBoard.seenAt(liveTimeout);
    logLatency('escalate submit → supervisor board row', seenAt - sentAt);

    const row = boardRow(isabelle.page, ticket.id);
    const text = await row.innerText();
    expect(text).to.contain(ticket.number);
    expect(text).to.contain('Modification de contrat nécessaire');
    expect(text).to.contain(people.julie.name);
    expect(text).to.contain(fr('board.waiting'));
    // At 1280 px beside the load panel: the long subject takes two lines (cut at the end of the second),
    // and the reason's header ("Motif · escaladé par") is read whole, on two lines if need be.
    const subjectLines = await row
      .locator('.row-link')
      .evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
    expect(subjectLines, 'subject lines at 1280 px').to.equal(2);
    const header = await isabelle.page
      .locator('.board-table th.col-reason')
      .evaluate((th) => ({ cut: th.scrollWidth > th.clientWidth, text: th.textContent ?? '' }));
    expect(header, 'reason header at 1280 px').to.deep.equal({ cut: false, text: `${fr('board.col.reason')} · ${fr('board.col.by')}` });
    await screenshot(isabelle.page, 'escalation-on-board');
    // The ticket left Julie's hands, not her sight: the page stays on it, read only, and says why (issue 16).
    await julie.page.waitForSelector('.read-only-notice', { timeout: liveTimeout });
    expect(julie.page.url()).to.contain(`/staff/tickets/${ticket.id}`);
    await screenshot(julie.page, 'escalated-read-only');
    expect((await getTicket('isabelle', ticket.id)).tier).to.equal(2);
    expectCleanPages();
  });

  it("the supervisor reassigns from the board with a reason, and the advisor's queue updates live", async () => {
    const ticket = await createTicket('nadia', 'liege', 'Recalcul du précompte professionnel');
    await command('nadia', ticket.id, 'claim');
    await command('nadia', ticket.id, 'escalate', {
      reason: 'payroll_correction',
      handoff: "Écart de 120 € sur le précompte ; fiches d'octobre et novembre jointes.",
    });
    const julie = await open('julie');
    await live(julie.page, '/staff/queue');
    expect(await queueRow(julie.page, ticket.id).count()).to.equal(0);
    const isabelle = await open('isabelle');
    await live(isabelle.page, '/staff/board');
    await boardRow(isabelle.page, ticket.id).waitFor();

    await isabelle.page.click(`[data-reassign="${ticket.id}"]`);
    await isabelle.page.locator('#reassign-dialog[open]').waitFor();
    expect(await isabelle.page.locator('#reassign-dialog [data-slot="number"]').innerText()).to.equal(ticket.number);
    await isabelle.page.selectOption('#reassign-assignee', people.julie.id);
    // Julie works on tier 1: the dialog says the escalation goes back down before anything is sent (QA).
    expect(await isabelle.page.locator('#reassign-dialog .reassign-tier-change').innerText()).to.equal(fr('reassign.tier_down', { from: 2, to: 1 }));
    expect(await isabelle.page.locator('#reassign-assignee option:checked').innerText()).to.match(/\(FR/);
    const reason = 'Nadia est absente cette semaine ; Julie connaît le dossier et reprend le recalcul.';
    await isabelle.page.fill('#reassign-reason', reason);
    await screenshot(isabelle.page, 'reassign-dialog');
    const onQueue = await startAppearanceClock(julie.page, `#queue-rows tr[data-key="${ticket.id}"] .me-tag`);
    const sentAt = Date.now();
    await isabelle.page.click('#reassign-dialog button[type=submit]');
    const seenAt = await onQueue.seenAt(liveTimeout);
    const row = queueRow(julie.page, ticket.id);
    expect(await row.textContent()).to.contain(fr('client.event.reassigned', { name: people.isabelle.name }));
    logLatency("reassign submit (board) → advisor's queue row", seenAt - sentAt);
    await isabelle.page.locator('#reassign-dialog').waitFor({ state: 'hidden' });
    // The supervisor sees what was done, not only the row leaving.
    await isabelle.page.locator('#board-flash:not([hidden])').waitFor();
    // Named, with the way to the ticket (she follows it read only once it leaves her board).
    expect(await isabelle.page.locator('#board-flash').innerText()).to.match(
      new RegExp(`^${ticket.number} réassigné à ${people.julie.name}\\b.*\\. Voir ${ticket.number}$`),
    );
    expect(await isabelle.page.locator('#board-flash a').getAttribute('href')).to.equal(`/staff/tickets/${ticket.id}`);
    await screenshot(julie.page, 'reassigned-on-julie-queue');
    // Back on tier 1, the ticket leaves the board (struck through a moment, then gone).
    await boardRow(isabelle.page, ticket.id).waitFor({ state: 'detached', timeout: liveTimeout });
    await screenshot(isabelle.page, 'board-after-reassign');

    const after = await getTicket('julie', ticket.id);
    expect(after).to.include({ tier: 1, assignee: people.julie.id });
    const history = await api<{ events: { type: string; note: string | null; reason: string | null }[] }>('julie', 'GET', `/tickets/${ticket.id}/history`);
    const reassigned = history.body.events.find((e) => e.type === 'reassigned');
    expect(reassigned, JSON.stringify(history.body.events)).to.not.equal(undefined);
    expect(JSON.stringify(reassigned)).to.contain(reason);
    expectCleanPages();
  });

  it("the Liège queue follows a Charleroi advisor's call for Liège, a Liège colleague and the supervisor, and never receives Charleroi's own tickets", async () => {
    const julie = await open('julie');
    // Everything the live layer sends to Julie's page: WebSocket frames and long-polling answers.
    const received: string[] = [];
    julie.page.on('websocket', (ws) =>
      ws.on('framereceived', (frame) => received.push(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('utf8'))),
    );
    julie.page.on('response', (res) => {
      if (res.url().includes('/socket.io/') && res.request().method() === 'GET')
        void res.text().then(
          (t) => received.push(t),
          () => undefined,
        );
    });
    await live(julie.page, '/staff/queue');

    // Karim works a Charleroi ticket of a member who is not Liège's: not Julie's business, it must not
    // reach her page (a Liège member's ticket would: advisors follow their office's members, issue 16).
    const charleroi = await createTicket('karim', 'charleroi', 'Avance sur facture à Charleroi', {
      name: 'Luc Charlier',
      email: `luc.charlier.${runTag.replace(/\D/g, '')}@example.be`,
    });
    await command('karim', charleroi.id, 'claim');

    // Karim takes a phone call for a Liège member: the ticket arrives in Julie's queue.
    let clock = await startAppearanceClock(julie.page, '#queue-rows tr.is-new', 'Appel reçu à Charleroi pour un membre liégeois');
    let at = Date.now();
    const liege = await createTicket('karim', 'liege', 'Appel reçu à Charleroi pour un membre liégeois');
    logLatency('ticket created by a Charleroi advisor for Liège (API) → Liège queue row', (await clock.seenAt(liveTimeout)) - at);
    await queueRow(julie.page, liege.id).waitFor();
    expect(await queueRow(julie.page, liege.id).textContent()).to.contain(fr('client.event.created', { name: people.karim.name }));
    await screenshot(julie.page, 'liege-queue-new-from-charleroi');

    // Nadia takes it (through the API, as another tab or tool would).
    clock = await startAppearanceClock(julie.page, `#queue-rows tr[data-key="${liege.id}"] .col-holder`, people.nadia.name);
    at = Date.now();
    await command('nadia', liege.id, 'claim');
    logLatency('claim by a Liège colleague (API) → queue row', (await clock.seenAt(liveTimeout)) - at);

    // The supervisor gives it to Julie, with a reason.
    clock = await startAppearanceClock(julie.page, `#queue-rows tr[data-key="${liege.id}"] .me-tag`);
    at = Date.now();
    await command('isabelle', liege.id, 'reassign', { assignee: people.julie.id, reason: 'Julie parle avec ce membre depuis hier.' });
    logLatency('reassign by the supervisor (API) → queue row', (await clock.seenAt(liveTimeout)) - at);

    // The supervisor raises the priority.
    clock = await startAppearanceClock(julie.page, `#queue-rows tr[data-key="${liege.id}"] .col-priority`, fr('priority.urgent'));
    at = Date.now();
    await command('isabelle', liege.id, 'update', { priority: 'urgent' });
    logLatency('priority change by the supervisor (API) → queue row', (await clock.seenAt(liveTimeout)) - at);
    await screenshot(julie.page, 'liege-queue-after-supervisor');

    expect(await queueRow(julie.page, charleroi.id).count()).to.equal(0);
    const all = received.join('\n');
    expect(all, 'the capture saw the Liège updates').to.contain(liege.id);
    expect(all).to.not.contain(charleroi.id);
    expect(all).to.not.contain(charleroi.number);
    expectCleanPages();
  });

  it('presence: each advisor sees the other on the ticket page, typing included, and the viewer leaves when the page closes', async () => {
    const ticket = await createTicket('julie', 'liege', 'Attestation de travail pour la crèche');
    const julie = await open('julie');
    await openTicket(julie.page, ticket.id);
    expect(await julie.page.locator('#presence').isHidden()).to.equal(true);

    const nadia = await open('nadia');
    const seen = await startAppearanceClock(julie.page, '#presence:not([hidden])', people.nadia.name);
    const at = Date.now();
    await nadia.page.goto(`${e2e.base}/staff/tickets/${ticket.id}`);
    logLatency('colleague opens the ticket → presence shown', (await seen.seenAt(liveTimeout)) - at);
    await waitLive(nadia.page);
    await nadia.page.locator('#presence:not([hidden])', { hasText: people.julie.name }).waitFor({ timeout: liveTimeout });

    const typing = await startAppearanceClock(julie.page, '#presence .viewer.is-typing', fr('client.presence.typing', { name: people.nadia.name }));
    const typedAt = Date.now();
    await nadia.page.locator('#composer-text').pressSequentially('Je regarde ', { delay: 20 });
    logLatency('colleague types → "is typing" shown', (await typing.seenAt(liveTimeout)) - typedAt);
    await screenshot(julie.page, 'presence-typing');

    await nadia.page.close();
    await julie.page.locator('#presence').waitFor({ state: 'hidden', timeout: liveTimeout });
    expectCleanPages();
  });

  it('lost claim race: the refusal says someone acted first, and the page shows the ticket as it is now (holder, no "Prendre")', async () => {
    const ticket = await createTicket('julie', 'liege', 'Attestation de revenus pour la mutuelle');
    const julie = await open('julie');
    await openTicket(julie.page, ticket.id);
    // Julie is typing a note, so the live change only offers to show itself; then she clicks "Prendre".
    await julie.page.fill('#composer-text', 'Je regarde');
    await command('nadia', ticket.id, 'claim');
    await julie.page.locator('#ticket-notice:not([hidden]) [data-notice="review"]').waitFor({ timeout: liveTimeout });
    const [refused] = await Promise.all([
      julie.page.waitForResponse((r) => r.url().endsWith(`/tickets/${ticket.id}/claim`)),
      julie.page.click('#part-actions [data-action="claim"]'),
    ]);
    expect(refused.status()).to.equal(409);
    // The live notice was up already: the refusal replaces it.
    const notice = julie.page.locator('#ticket-notice:not([hidden])', { hasText: fr('client.ticket.conflict_action') });
    await notice.waitFor();
    expect(await notice.innerText()).not.to.contain(fr('client.ticket.conflict'));
    await julie.page.locator('#part-header', { hasText: people.nadia.name }).waitFor();
    expect(await julie.page.locator('#part-actions [data-action="claim"]').count()).to.equal(0);
    expect(await julie.page.inputValue('#composer-text')).to.equal('Je regarde');
    await screenshot(julie.page, 'claim-race-lost');
    expectCleanPages();
  });

  it('stale-reply guard: a reply on a ticket changed meanwhile is refused, the text is kept, and it goes through after review', async () => {
    const ticket = await createTicket('julie', 'liege', 'Question sur la note de frais de septembre');
    await command('julie', ticket.id, 'claim');
    const julie = await open('julie');
    await openTicket(julie.page, ticket.id);
    const text = 'Bonjour,\nVotre note de frais a bien été reçue ; elle sera payée avec votre salaire.';
    await julie.page.fill('#composer-text', text);

    // Meanwhile the supervisor raises the priority: Julie is typing, so the page only offers to show it.
    await command('isabelle', ticket.id, 'update', { priority: 'urgent' });
    await julie.page.locator('#ticket-notice:not([hidden]) [data-notice="review"]').waitFor({ timeout: liveTimeout });
    await screenshot(julie.page, 'stale-live-notice');

    // She sends anyway, with the version she saw: the server refuses (409), the page says what changed.
    const [refused] = await Promise.all([
      julie.page.waitForResponse((r) => r.url().endsWith(`/tickets/${ticket.id}/replies`)),
      julie.page.click('#composer-send'),
    ]);
    expect(refused.status()).to.equal(409);
    const conflict = julie.page.locator('#composer-conflict:not([hidden])');
    await conflict.waitFor();
    expect(await conflict.innerText()).to.contain(fr('client.ticket.conflict'));
    expect(await conflict.innerText()).to.contain(fr('priority.urgent'));
    expect(await julie.page.inputValue('#composer-text')).to.equal(text);
    await julie.page.locator('#composer').scrollIntoViewIfNeeded();
    await screenshot(julie.page, 'stale-reply-refused');
    expect((await getTicket('julie', ticket.id)).messageCount).to.equal(1);

    // Review, then send again: it goes through once.
    await conflict.locator('button').click();
    await julie.page.locator('#part-header .prio', { hasText: fr('priority.urgent') }).waitFor();
    const [accepted] = await Promise.all([
      julie.page.waitForResponse((r) => r.url().endsWith(`/tickets/${ticket.id}/replies`)),
      julie.page.click('#composer-send'),
    ]);
    expect(accepted.status()).to.equal(200);
    await julie.page.locator('#composer-status', { hasText: fr('client.composer.sent_reply') }).waitFor();
    await julie.page.locator('#part-thread', { hasText: 'elle sera payée avec votre salaire' }).waitFor();
    expect(await julie.page.inputValue('#composer-text')).to.equal('');
    await screenshot(julie.page, 'stale-reply-resent', true);
    const after = await getTicket('julie', ticket.id);
    expect(after).to.include({ messageCount: 2, priority: 'urgent' });
    expectCleanPages();
  });

  it('composer: after "Prendre" the selected mode, the button and what is sent agree — a note stays internal, a reply reaches the member', async () => {
    const ticket = await createTicket('julie', 'liege', 'Attestation de revenus pour la mutuelle');
    const julie = await open('julie');
    await openTicket(julie.page, ticket.id);
    const page = julie.page;
    /** Types, clicks the button, and checks which endpoint was posted and the confirmation shown. */
    async function sendFromComposer(text: string, endpoint: RegExp, sentKey: string): Promise<void> {
      await page.fill('#composer-text', text);
      const [sent] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/tickets/${ticket.id}/`)),
        page.click('#composer-send'),
      ]);
      expect(sent.url()).to.match(endpoint);
      expect(sent.status()).to.equal(200);
      await page.locator('#composer-status', { hasText: fr(sentKey) }).waitFor();
    }
    // Not held yet: only a note is possible, and the button says so.
    expect(await page.isChecked('#composer input[name=mode][value=note]')).to.equal(true);
    expect(await page.innerText('#composer-send')).to.equal(fr('client.composer.send_note'));

    // Take it: "Réponse au membre" is selected and the button must say it too (the bug sent a reply under "Ajouter la note").
    await page.click('#part-actions [data-action="claim"]');
    await page.locator('#part-header', { hasText: people.julie.name }).waitFor({ timeout: liveTimeout });
    await page.locator('#composer input[name=mode][value=reply]:checked').waitFor();
    expect(await page.innerText('#composer-send')).to.equal(fr('client.composer.send_reply'));
    expect(await page.getAttribute('#composer', 'data-mode')).to.equal('reply');

    // Switch to a note, type, send: an internal note, nothing for the member.
    await page.check('#composer input[name=mode][value=note]');
    expect(await page.innerText('#composer-send')).to.equal(fr('client.composer.send_note'));
    await sendFromComposer('Note interne : vérifier le dernier avertissement-extrait de rôle.', /\/notes$/, 'client.composer.sent_note');
    // The mode stays what the advisor chose, and the button still says it.
    expect(await page.innerText('#composer-send')).to.equal(fr('client.composer.send_note'));

    // Back to a reply: the button says so, the member gets it.
    await page.check('#composer input[name=mode][value=reply]');
    expect(await page.innerText('#composer-send')).to.equal(fr('client.composer.send_reply'));
    await sendFromComposer('Bonjour, votre attestation est jointe à votre espace membre.', /\/replies$/, 'client.composer.sent_reply');

    const detail = await api<{ messages: { text: string; visibility: string }[] }>('julie', 'GET', `/tickets/${ticket.id}`);
    const byText = (needle: string) => detail.body.messages.find((m) => m.text.includes(needle))?.visibility;
    expect(byText('Note interne')).to.equal('internal');
    expect(byText('votre attestation est jointe')).to.equal('public');
    await screenshot(page, 'composer-after-claim');
    expectCleanPages();
  });

  it('search: "/" puts the cursor in the search box from any staff page (never while typing in a field); the results at 1280 px and on a phone', async () => {
    const ticket = await createTicket('julie', 'liege', 'Attestation de travail pour le notaire');
    const long = await createTicket('julie', 'liege', 'Matériel photo volé dans ma voiture garée devant le bureau de Liège pendant un rendez-vous client');
    const julie = await open('julie', { viewport: { width: 1280, height: 800 } });
    const page = julie.page;
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    await live(page, '/staff/queue');
    // A long subject takes two lines at 1280 px, cut at the end of the second (QA: "Matériel photo vol…" on one).
    const subjectLines = await queueRow(page, long.id)
      .locator('.subject-clamp')
      .evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
    expect(subjectLines).to.equal(2);
    await page.keyboard.press('/');
    expect(await focused()).to.equal('topsearch-q');
    // In the box, "/" is a character like any other.
    await page.keyboard.type('attestation notaire /');
    expect(await page.inputValue('#topsearch-q')).to.equal('attestation notaire /');
    await page.fill('#topsearch-q', 'attestation notaire');
    await Promise.all([page.waitForURL(/\/staff\/search\?q=/), page.keyboard.press('Enter')]);
    await page.locator(`tr[data-key="${ticket.id}"]`).waitFor();
    await screenshot(page, 'search-results-1280', true);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow(), 'no horizontal scroll at 1280 px').to.be.at.most(0);
    // Each shown cell is read whole, not cut with an ellipsis.
    const clipped = (p: Page, id: string) =>
      p.evaluate(
        (key) =>
          [...document.querySelectorAll<HTMLElement>(`tr[data-key="${key}"] td`)]
            .filter((td) => td.offsetParent !== null && td.scrollWidth > td.clientWidth)
            .map((td) => td.className),
        id,
      );
    expect(await clipped(page, ticket.id), 'cells cut at 1280 px').to.deep.equal([]);

    // Typing in a field: "/" is typed there, the focus stays.
    await openTicket(page, ticket.id);
    await page.locator('#composer-text').click();
    await page.keyboard.type('a/b');
    expect(await focused()).to.equal('composer-text');
    expect(await page.inputValue('#composer-text')).to.equal('a/b');
    // From the page itself (nothing focused), "/" goes to the box again.
    await page.locator('#composer-text').fill('');
    await page.locator('h1').first().click();
    await page.keyboard.press('/');
    expect(await focused()).to.equal('topsearch-q');

    const phone = await open('julie', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.page.goto(`${e2e.base}/staff/search?q=${encodeURIComponent('attestation notaire')}`);
    await phone.page.locator(`tr[data-key="${ticket.id}"]`).waitFor();
    await screenshot(phone.page, 'search-results-phone', true);
    expect(await clipped(phone.page, ticket.id), 'cells cut on a phone').to.deep.equal([]);
    expect(
      await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      'no horizontal scroll of the page on a phone',
    ).to.be.at.most(0);
    const violations = (await runAxe(phone.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    // The top bar is two rows on a phone: the search box and the menu, then the sections in one line
    // that scrolls sideways, the current one in view (it was four rows, about 210 px, in Dutch: QA).
    await phone.page.goto(`${e2e.base}/staff/replies?lang=nl`);
    const bar = await phone.page.evaluate(() => {
      const nav = document.querySelector<HTMLElement>('.topnav');
      const current = nav?.querySelector<HTMLElement>('[aria-current="page"]')?.getBoundingClientRect();
      const box = nav?.getBoundingClientRect();
      return {
        height: document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0,
        navRows: new Set([...(nav?.querySelectorAll('a') ?? [])].map((a) => Math.round(a.getBoundingClientRect().top))).size,
        currentShown: Boolean(current && box && current.left >= box.left - 1 && current.right <= box.right + 1),
      };
    });
    expect(bar.height, 'top bar height on a phone').to.be.below(110);
    expect(bar.navRows, 'the sections on one line').to.equal(1);
    expect(bar.currentShown, 'the current section in view').to.equal(true);
    await phone.page.goto(`${e2e.base}/staff/queue?lang=fr`);
    expectCleanPages();
  });

  it("the top bar holds on one line at 1280 px for a supervisor; the person's menu opens, closes as a menu, and switches the language", async () => {
    const isabelle = await open('isabelle', { viewport: { width: 1280, height: 800 } });
    const page = isabelle.page;
    await live(page, '/staff/board');
    // One line: every part of the bar sits within the height of one row of it.
    const bar = await page.evaluate(() => {
      const top = document.querySelector('.topbar')?.getBoundingClientRect();
      const parts = ['.brand', '.topnav', '.topsearch', '#live-status', '.me-menu summary'].map((s) => document.querySelector(s)?.getBoundingClientRect());
      return { height: top?.height ?? 0, tops: parts.map((r) => Math.round(r?.top ?? -1)) };
    });
    expect(bar.height, 'top bar height at 1280 px').to.be.below(60);
    expect(Math.max(...bar.tops) - Math.min(...bar.tops), 'parts of the bar on one line').to.be.below(20);
    const menu = page.locator('.me-menu');
    const isOpen = () => menu.evaluate((d) => (d as HTMLDetailsElement).open);
    // Closed, the menu's items are not shown; the name is still read aloud on its button.
    expect(await page.locator('.me-menu .logout-form button').isVisible()).to.equal(false);
    expect(await page.locator('.me-menu summary').textContent()).to.contain(people.isabelle.name);
    await page.click('.me-menu summary');
    expect(await page.locator('.me-card').innerText()).to.contain(people.isabelle.name);
    expect(await page.locator('.me-menu a.me-account').getAttribute('href')).to.equal('/staff/account');
    expect(await page.locator('.me-menu .logout-form button').isVisible()).to.equal(true);
    await screenshot(page, 'topbar-menu-1280', true);
    await page.keyboard.press('Escape');
    expect(await isOpen(), 'closed by Escape').to.equal(false);
    expect(await page.evaluate(() => document.activeElement?.tagName)).to.equal('SUMMARY');
    await page.click('.me-menu summary');
    await page.locator('h1').first().click();
    expect(await isOpen(), 'closed by a click elsewhere').to.equal(false);
    // The language, from the menu (and it sticks).
    await page.click('.me-menu summary');
    await Promise.all([page.waitForURL(/lang=nl/), page.click('.me-menu .lang-switch a[lang="nl"]')]);
    expect(await page.getAttribute('html', 'lang')).to.equal('nl');
    await page.goto(`${e2e.base}/staff/board?lang=fr`);
    expectCleanPages();
  });

  it('renders the queue in French by default, in Dutch with ?lang=nl and in English with ?lang=en', async () => {
    const ticket = await createTicket('julie', 'liege', 'Demande de C4 après fin de contrat');
    // A browser asking for German: no such translation, so the default (French).
    const julie = await open('julie', { locale: 'de-DE' });
    const expectations: [string, string, ReturnType<typeof translator>][] = [
      ['', 'fr', fr],
      ['?lang=nl', 'nl', nl],
      ['?lang=en', 'en', en],
    ];
    for (const [query, lang, t] of expectations) {
      await live(julie.page, `/staff/queue${query}`);
      expect(await julie.page.getAttribute('html', 'lang')).to.equal(lang);
      expect(await julie.page.locator('h1').innerText()).to.equal(t('queue.heading'));
      expect(await julie.page.title()).to.contain(t('queue.title'));
      expect(await julie.page.locator('#live-status .live-text').innerText()).to.equal(t('client.live.online'));
      expect(await julie.page.locator('thead').textContent()).to.contain(t('queue.col.subject'));
      expect(await queueRow(julie.page, ticket.id).locator('.chip').innerText()).to.equal(t('status.new'));
      await screenshot(julie.page, `queue-${lang}`);
    }
    // The language sticks (cookie), and the live cues speak it too.
    await live(julie.page, '/staff/queue');
    expect(await julie.page.getAttribute('html', 'lang')).to.equal('en');
    const cue = await startAppearanceClock(julie.page, `#queue-rows tr[data-key="${ticket.id}"] .cue`, en('client.event.claimed', { name: people.nadia.name }));
    await command('nadia', ticket.id, 'claim');
    await cue.seenAt(liveTimeout);
    await screenshot(julie.page, 'queue-en-live-cue');
    expectCleanPages();
  });

  it('axe-core finds no serious or critical WCAG 2.1 A/AA violation on the queue, ticket, board and history pages, desktop and phone', async () => {
    const ticket = await createTicket('julie', 'liege', 'Accès au compte en ligne bloqué');
    await command('julie', ticket.id, 'claim');
    await command('julie', ticket.id, 'replies', { text: "Bonjour, pouvez-vous nous dire quel message d'erreur s'affiche ?", waitForMember: false });
    await command('julie', ticket.id, 'notes', { text: 'Compte créé en 2019, adresse e-mail changée le mois dernier.' });
    const escalated = await createTicket('nadia', 'liege', 'Avance à valider pour un gros chantier');
    await command('nadia', escalated.id, 'claim');
    await command('nadia', escalated.id, 'escalate', { reason: 'advance_approval', handoff: 'Montant au-delà du plafond des conseillers.' });
    const done = await createTicket('julie', 'liege', 'Attestation de revenus pour la banque');
    await command('julie', done.id, 'claim');
    await command('julie', done.id, 'resolve', { note: 'Attestation envoyée par courrier.' });

    const julie = await open('julie');
    const isabelle = await open('isabelle');
    // A phone-sized screen too: the layout hides and folds things there.
    const phone = await open('julie', { viewport: { width: 390, height: 844 } });
    const pages: [string, Page, string, (() => Promise<void>)?][] = [
      ['queue', julie.page, '/staff/queue'],
      ['ticket', julie.page, `/staff/tickets/${ticket.id}`],
      [
        'ticket-escalate-dialog',
        julie.page,
        `/staff/tickets/${ticket.id}`,
        async () => {
          await julie.page.click('[data-open-dialog="escalate-dialog"]');
          await julie.page.locator('#escalate-dialog[open]').waitFor();
        },
      ],
      ['board', isabelle.page, '/staff/board'],
      [
        'board-reassign-dialog',
        isabelle.page,
        '/staff/board',
        async () => {
          await isabelle.page.click(`[data-reassign="${escalated.id}"]`);
          await isabelle.page.locator('#reassign-dialog[open]').waitFor();
        },
      ],
      ['supervisor-ticket', isabelle.page, `/staff/tickets/${escalated.id}`],
      ['phone-queue', phone.page, '/staff/queue'],
      ['phone-ticket', phone.page, `/staff/tickets/${ticket.id}`],
      ['history', julie.page, '/staff/history'],
      ['phone-history', phone.page, '/staff/history'],
    ];
    const serious: string[] = [];
    for (const [name, page, url, prepare] of pages) {
      // The history is not live: it has no socket to wait for.
      if (url.startsWith('/staff/history')) await page.goto(`${e2e.base}${url}`);
      else await live(page, url);
      await prepare?.();
      const violations = await runAxe(page);
      const shot = await screenshot(page, `axe-${name}`);
      if (name === 'history') keepForDocs(shot, 'history.png');
      console.log(`      axe ${name}: ${violations.length === 0 ? 'no violations' : ''}`);
      for (const v of violations) {
        console.log(`        ${v.id} (${v.impact ?? 'no impact'}) ×${v.nodes.length}: ${v.help}\n          ${v.nodes.slice(0, 3).join('\n          ')}`);
        if (v.impact === 'serious' || v.impact === 'critical') serious.push(`${name}: ${v.id} (${v.impact}) ${v.help}`);
      }
    }
    expect(serious, serious.join('\n')).to.deep.equal([]);
    // The history answers the keyboard as the queue does: j focuses the first row, Enter opens it.
    await julie.page.goto(`${e2e.base}/staff/history`);
    await julie.page.keyboard.press('j');
    const focused = await julie.page.evaluate(() => document.activeElement?.closest('#history-rows tr')?.getAttribute('data-key') ?? null);
    expect(focused).to.be.a('string');
    await Promise.all([julie.page.waitForURL(`**/staff/tickets/${focused ?? ''}`), julie.page.keyboard.press('Enter')]);
    expectCleanPages();
  });
});
