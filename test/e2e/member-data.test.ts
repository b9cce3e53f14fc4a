/**
 * Members' data in a real browser (issue 17's "done when", its GDPR part): Relais as a user runs it
 * (`server/index.ts` in its own process, embedded database and search engine, demo data), Chromium
 * driven by playwright-core. A Liège advisor files a ticket for a demo member and finds it by the
 * member's name and by a phrase of the message; the administrator finds the member on the members
 * page, exports their data (a ZIP with their record), erases them with the typed confirmation and a
 * reason; the advisor no longer sees the name on the ticket page, nor finds the ticket by the name or
 * the phrase; the administrator finds the erasure in the audit page — with the pseudonym, not the name.
 * Screenshots: test-results/e2e/member-data/, and the member page into docs/screenshots/.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../server/lib/paths.js';
import { collectErrors, runAxe, screenshot, unexpectedErrors, type StaffSession } from '../helpers/browser.js';
import { useE2eServer } from '../helpers/e2e.js';
import { readZip } from '../helpers/zip.js';

const password = 'demo-password-123';
const adminEmail = 'admin@relais.demo';
const advisorEmail = 'conseiller.liege@relais.demo';
const memberEmail = 'marie.dethier@example.be';
const phrase = 'grenadine anisée';
const docsShots = path.join(projectRoot, 'docs', 'screenshots');

describe('members’ data in Chromium (real server, demo data): export, erase, audit', function () {
  this.timeout(180_000);
  const e2e = useE2eServer({ screenshots: 'member-data', dataPrefix: 'relais-e2e-member-data-', password, demoTickets: 5, publicUrl: true });
  let advisor: StaffSession | undefined;
  let admin: Page | undefined;
  const errors: string[] = [];

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const page of [admin, advisor?.page]) if (page) await screenshot(page, 'FAILED', true).catch(() => undefined);
    }
  });

  /** Polls an async condition (the search index follows a change within a moment, not at once). */
  async function eventually(what: () => Promise<boolean>, ms: number, describe: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** The ticket numbers the advisor's search page lists for `q`. */
  async function searchNumbers(page: Page, q: string): Promise<string> {
    await page.goto(`${e2e.base}/staff/search?q=${encodeURIComponent(q)}`);
    return page.locator('main').innerText();
  }

  it('exports then erases a demo member: the name leaves the ticket and search, the erasure is in the audit', async () => {
    advisor = await e2e.signIn(advisorEmail);
    const token = await e2e.token(advisorEmail);
    const created = await fetch(`${e2e.base}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: 'Attestation pour la mutuelle',
        body: `Bonjour, je voudrais l’attestation pour la ${phrase}.`,
        member: { name: 'Marie Dethier', email: memberEmail },
        office: 'liege',
        language: 'fr',
      }),
    });
    const { ticket } = (await created.json()) as { ticket: { id: string; number: string } };
    expect(created.status).to.equal(201);

    // Before: the advisor sees the name on the ticket, and finds it by the name and by the phrase.
    await advisor.page.goto(`${e2e.base}/staff/tickets/${ticket.id}`);
    expect(await advisor.page.locator('main').innerText()).to.include('Marie Dethier');
    const page = advisor.page;
    await eventually(async () => (await searchNumbers(page, 'Dethier')).includes(ticket.number), 15_000, 'the name search');
    expect(await searchNumbers(advisor.page, phrase)).to.include(ticket.number);

    // The administrator: landing → Members → found by address → the member page.
    const context = await e2e.browser().newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-BE', acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    context.on('page', (p) => collectErrors(p, adminEmail, errors));
    admin = await context.newPage();
    await admin.goto(`${e2e.base}/staff/login`);
    await admin.fill('#email', adminEmail);
    await admin.fill('#password', password);
    await Promise.all([admin.waitForURL(/\/staff\/admin$/), admin.click('button[type=submit]')]);
    await Promise.all([admin.waitForURL(/\/staff\/admin\/members$/), admin.click('a[href="/staff/admin/members"]')]);
    await admin.fill('#member-find input[name="q"]', memberEmail);
    await Promise.all([admin.waitForURL(/\/staff\/admin\/members\/[0-9a-f]{24}$/), admin.click('#member-find button[type=submit]')]);
    const memberPage = admin.url();
    expect(await admin.locator('main').innerText()).to.include(ticket.number);
    if (process.env.RELAIS_DOC_SCREENSHOTS) await admin.screenshot({ path: path.join(docsShots, 'admin-member.png'), fullPage: true });
    await screenshot(admin, 'member', true);
    const violations = (await runAxe(admin)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);

    // Export: a ZIP with the member's record and this ticket.
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('#member-export')]);
    const zip = readZip(readFileSync((await download.path()) as string));
    expect(JSON.parse(String(zip.get('member.json')))).to.include({ email: memberEmail, name: 'Marie Dethier' });
    expect(String(zip.get(`tickets/${ticket.number}/ticket.json`))).to.include(phrase);

    // Erase: the typed address and a reason.
    await admin.fill('input[name="confirm"]', memberEmail);
    await admin.fill('textarea[name="reason"]', 'Demande écrite du membre du 3 mars');
    await Promise.all([admin.waitForURL(/done=erased/), admin.click('#erase-form button[type=submit]')]);
    const erasedText = await admin.locator('main').innerText();
    const pseudonym = /Membre effacé #[0-9a-f]{8}/.exec(erasedText)?.[0] ?? '';
    expect(pseudonym, erasedText.slice(0, 400)).to.not.equal('');
    expect(erasedText).to.not.include(memberEmail);
    await screenshot(admin, 'erased', true);

    // After: the ticket page shows the pseudonym, neither the name nor the words; search finds neither.
    await advisor.page.goto(`${e2e.base}/staff/tickets/${ticket.id}`);
    const ticketText = await advisor.page.locator('main').innerText();
    expect(ticketText).to.not.include('Dethier');
    expect(ticketText).to.not.include(phrase);
    expect(ticketText).to.include(pseudonym);
    await screenshot(advisor.page, 'ticket-after');
    await eventually(async () => !(await searchNumbers(page, 'Dethier')).includes(ticket.number), 15_000, 'the name still finds the ticket');
    expect(await searchNumbers(advisor.page, phrase)).to.not.include(ticket.number);

    // The audit page: the export and the erasure, by the pseudonym, never the name.
    await admin.goto(`${e2e.base}/staff/admin/audit`);
    const texts = await admin.locator('tr.audit-entry').allInnerTexts();
    const erase = texts.findIndex((t) => t.includes('Membre effacé') && t.includes(pseudonym));
    const exported = texts.findIndex((t) => t.includes('Données du membre exportées'));
    expect(erase, texts.slice(0, 5).join('\n---\n')).to.equal(0);
    expect(exported).to.be.above(erase);
    expect(texts.join('\n')).to.not.include('Dethier');
    await screenshot(admin, 'audit');
    await admin.goto(memberPage);
    expect(await admin.locator('main').innerText()).to.include(pseudonym);

    expect(unexpectedErrors([...errors, ...advisor.errors])).to.deep.equal([]);
  });
});
