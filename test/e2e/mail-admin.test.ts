/**
 * The administrators' mail page in a real browser: Relais as a user runs it (`server/index.ts`
 * in its own process, embedded database, demo data, no SMTP_URL, so the local mail catcher is on),
 * Debian's Chromium driven by playwright-core. An advisor works a few tickets through the API;
 * the outbox delivers the resulting mail to the catcher; the administrator then:
 *  - sees the caught messages (acknowledgement, information request, resolution, escalation);
 *  - opens the resolution: the HTML part renders inside its sandboxed frame (the page's CSP allows
 *    the frame, the frame's own CSP lets no script run), and a rating link from "Links in this
 *    message" opens the member's confirmation page;
 *  - axe-core finds no serious or critical WCAG 2 A/AA violation on the list and message pages.
 * Screenshots go to test-results/e2e/mail-admin/.
 */
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { collectErrors, runAxe, screenshot, unexpectedErrors } from '../helpers/browser.js';
import { useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const adminEmail = 'admin@relais.demo';
const advisorEmail = 'conseiller.liege@relais.demo';

interface TicketJson {
  id: string;
  number: string;
  version: number;
}

describe('administrators’ mail page in Chromium (real server, local mail catcher)', function () {
  this.timeout(90_000);
  // No SMTP_URL: the server starts its local mail catcher and delivers every message to it.
  const e2e = useE2eServer({ screenshots: 'mail-admin', dataPrefix: 'relais-e2e-mail-', password, demoTickets: 5, publicUrl: true });
  let context: BrowserContext | undefined;
  let token = '';
  const errors: string[] = [];
  const dialogs: string[] = [];
  let resolvedNumber = '';

  async function api<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
    const res = await fetch(`${e2e.base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function command(ticket: TicketJson, name: string, extra: Record<string, unknown> = {}): Promise<TicketJson> {
    const { ticket: current } = await api<{ ticket: TicketJson }>('GET', `/tickets/${ticket.id}`);
    return (await api<{ ticket: TicketJson }>('POST', `/tickets/${ticket.id}/${name}`, { version: current.version, ...extra })).ticket;
  }

  async function newTicket(subject: string, email: string): Promise<TicketJson> {
    const { ticket } = await api<{ ticket: TicketJson }>('POST', '/tickets', {
      subject,
      body: 'Le membre a appelé : il attend une réponse écrite.',
      member: { name: 'Marie Dethier', email },
      office: 'liege',
      language: 'fr',
      // Staff-created tickets mail the member only when asked: this page is about the mail.
      acknowledge: true,
    });
    return ticket;
  }

  async function adminPage(): Promise<Page> {
    context = await e2e.browser().newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-BE' });
    context.setDefaultTimeout(10_000);
    context.on('page', (p) => {
      collectErrors(p, adminEmail, errors);
      p.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
    });
    const page = await context.newPage();
    await page.goto(`${e2e.base}/staff/login?next=${encodeURIComponent('/staff/mail')}`);
    await page.fill('#email', adminEmail);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(/\/staff\/mail$/), page.click('button[type=submit]')]);
    return page;
  }

  before(async function () {
    token = await e2e.token(advisorEmail);

    // Real work, real mail: an information request, a resolution with its rating links, an escalation.
    // (`command` reads the current version itself.)
    const asked = await newTicket('Fiche de paie de mars incorrecte', 'marie.dethier@example.be');
    resolvedNumber = asked.number;
    await command(asked, 'claim');
    await command(asked, 'replies', { text: 'Bonjour Madame,\nPouvez-vous nous envoyer votre fiche de paie de mars ?', waitForMember: true });
    await command(asked, 'resolve', { note: 'Le montant a été corrigé ; le complément sera versé avec le salaire d’avril.' });
    const escalated = await newTicket('Changement de contrat au 1er mai', 'jp.lejeune@example.be');
    await command(escalated, 'claim');
    await command(escalated, 'escalate', {
      reason: 'needs_contract_change',
      handoff: 'Contrat vérifié avec le membre.\nIl faut un avenant signé par l’administration.',
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const page of context?.pages() ?? []) await screenshot(page, 'FAILED', true).catch(() => undefined);
    }
  });

  it('shows the caught mail, renders the HTML part sandboxed, and follows a rating link to the member page', async () => {
    const page = await adminPage();
    // The outbox worker polls every few seconds: wait (bounded) until the last message (the escalation) has been caught.
    // Member mails about one ticket share one subject; the line under it says what each is.
    const resolution = page.locator('.mail-table tr', { hasText: 'Votre demande est résolue.' }).locator('a.row-link');
    const escalation = page.locator('.mail-table a.row-link', { hasText: 'Escalade vers le niveau 2' });
    for (let i = 0; i < 30 && ((await resolution.count()) === 0 || (await escalation.count()) === 0); i += 1) {
      await page.waitForTimeout(1000);
      await page.reload();
    }
    expect(await resolution.count(), 'the resolution was caught').to.equal(1);
    expect(await page.locator('.mail-table tr', { hasText: 'Nous avons besoin d’une information de votre part.' }).count()).to.equal(1);
    expect(await escalation.count(), 'one escalation notice per member of the receiving team').to.be.at.least(1);
    expect(await page.locator('.topnav a[aria-current="page"]').innerText()).to.equal('Courrier');
    await screenshot(page, 'list');
    const listViolations = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(listViolations, JSON.stringify(listViolations, null, 2)).to.deep.equal([]);

    await Promise.all([page.waitForURL(/\/staff\/mail\/[0-9a-f]{24}$/), resolution.click()]);
    expect(await page.locator('h1.mail-subject').innerText()).to.include(resolvedNumber);
    expect(await page.locator('.mail-headers').innerText()).to.include('auto-generated');
    // The HTML part, in its sandboxed frame: rendered, with its rating choices.
    const frame = page.frameLocator('iframe.mail-html');
    await frame.locator('text=Comment évaluez-vous l’aide reçue').waitFor();
    expect(await frame.locator('a', { hasText: '5 — Très satisfait·e' }).count()).to.equal(1);
    expect(await page.locator('iframe.mail-html').getAttribute('sandbox')).to.equal('');
    await screenshot(page, 'message', true);
    const messageViolations = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(messageViolations, JSON.stringify(messageViolations, null, 2)).to.deep.equal([]);

    // Every rating address is a Relais link; following one opens the member's confirmation page.
    const links = page.locator('.mail-links a');
    expect(await links.count()).to.be.at.least(6);
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? '')))
      expect(href.startsWith(`${e2e.base}/`), href).to.equal(true);
    const five = page.locator('.mail-links a', { hasText: 'note=5' });
    expect(await five.count()).to.equal(1);
    const [memberPage] = await Promise.all([page.context().waitForEvent('page'), five.click()]);
    await memberPage.waitForLoadState();
    // The link's page asks for one click (a mail filter opening the link uses nothing), then shows the ticket.
    await Promise.all([memberPage.waitForURL(/\/suivi\/demandes\//), memberPage.click('form[action="/suivi/acces"] button[type=submit]')]);
    expect(memberPage.url().startsWith(`${e2e.base}/suivi`), memberPage.url()).to.equal(true);
    expect(await memberPage.locator('body').innerText()).to.include(resolvedNumber);
    await screenshot(memberPage, 'followed-link');

    expect(dialogs, 'no script ran').to.deep.equal([]);
    expect(unexpectedErrors(errors)).to.deep.equal([]);
  });
});
