/**
 * The administration in a real browser (issue 17's "done when", its administration part): Relais as a
 * user runs it (`server/index.ts` in its own process, embedded database, demo data), Chromium driven
 * by playwright-core. The administrator signs in and lands on the administration; adds a closure day
 * to the Liège calendar (the day a Liège ticket's first response is due), recomputes the open tickets
 * and — on the advisor's ticket page — that ticket's deadline moves; creates a category with three
 * labels; and finds both changes in the audit page. Screenshots: test-results/e2e/admin/, and the
 * landing, calendar and audit pages into docs/screenshots/ when RELAIS_DOC_SCREENSHOTS is set.
 */
import { expect } from 'chai';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../server/lib/paths.js';
import { collectErrors, runAxe, screenshot, unexpectedErrors, type StaffSession } from '../helpers/browser.js';
import { useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const adminEmail = 'admin@relais.demo';
const advisorEmail = 'conseiller.liege@relais.demo';
const docsShots = path.join(projectRoot, 'docs', 'screenshots');

describe('administration in Chromium (real server, demo data)', function () {
  this.timeout(120_000);
  const e2e = useE2eServer({ screenshots: 'admin', dataPrefix: 'relais-e2e-admin-', password, demoTickets: 5, publicUrl: true });
  let advisor: StaffSession | undefined;
  let admin: Page | undefined;
  const errors: string[] = [];

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const page of [admin, advisor?.page]) if (page) await screenshot(page, 'FAILED', true).catch(() => undefined);
    }
  });

  /** The due dates the ticket page's deadline panel shows (ISO), in order. */
  async function dueDates(page: Page): Promise<string[]> {
    return page.locator('.sla-deadlines time[datetime]').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  }

  it('lands on the administration, closes Liège for a day and sees a ticket’s deadline move, creates a category, finds both in the audit', async () => {
    // An advisor of Liège files a ticket by phone: it gets its deadlines from Liège's calendar.
    advisor = await e2e.signIn(advisorEmail);
    const token = await e2e.token(advisorEmail);
    const created = await fetch(`${e2e.base}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: 'Attestation pour la mutuelle',
        body: 'Le membre a besoin d’une attestation.',
        member: { name: 'Marie Dethier', email: 'marie.dethier@example.be' },
        office: 'liege',
        language: 'fr',
      }),
    });
    const createdBody = (await created.json()) as { ticket: { id: string; sla: { deadlines: { kind: string; due: string }[] } } };
    expect(created.status, JSON.stringify(createdBody)).to.equal(201);
    const ticket = createdBody.ticket;
    const firstResponse = ticket.sla.deadlines.find((d) => d.kind === 'first_response');
    expect(firstResponse, 'the demo policies give a first-response deadline').to.not.equal(undefined);
    const closureDay = DateTime.fromISO(firstResponse?.due ?? '', { zone: 'Europe/Brussels' }).toISODate() ?? '';
    await advisor.page.goto(`${e2e.base}/staff/tickets/${ticket.id}`);
    const dueBefore = await dueDates(advisor.page);
    expect(dueBefore).to.include(new Date(firstResponse?.due ?? '').toISOString());

    // The administrator signs in: the administration, not an empty queue.
    const context = await e2e.browser().newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-BE' });
    context.setDefaultTimeout(15_000);
    context.on('page', (p) => collectErrors(p, adminEmail, errors));
    admin = await context.newPage();
    await admin.goto(`${e2e.base}/staff/login`);
    await admin.fill('#email', adminEmail);
    await admin.fill('#password', password);
    await Promise.all([admin.waitForURL(/\/staff\/admin$/), admin.click('button[type=submit]')]);
    expect(await admin.locator('.topnav a[aria-current="page"]').innerText()).to.equal('Administration');
    if (process.env.RELAIS_DOC_SCREENSHOTS) await admin.screenshot({ path: path.join(docsShots, 'admin-landing.png') });
    await screenshot(admin, 'landing');
    const landingViolations = (await runAxe(admin)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(landingViolations, JSON.stringify(landingViolations, null, 2)).to.deep.equal([]);

    // SLA and calendars → Liège: the preview, then a closure day on the day the ticket's answer is due.
    await Promise.all([admin.waitForURL(/\/staff\/admin\/calendars$/), admin.click('a[href="/staff/admin/calendars"]')]);
    await Promise.all([admin.waitForURL(/\/staff\/admin\/calendars\/[0-9a-f]{24}$/), admin.locator('.admin-calendar-list a', { hasText: 'Liège' }).click()]);
    expect(await admin.locator('.preview-first-response').count()).to.equal(1);
    await admin.fill('#closure-date', closureDay);
    await Promise.all([admin.waitForURL(/done=closure_added/), admin.click('button:has-text("Ajouter")')]);
    expect(await admin.locator(`.admin-closures time[datetime="${closureDay}"]`).count()).to.equal(1);
    if (process.env.RELAIS_DOC_SCREENSHOTS) await admin.screenshot({ path: path.join(docsShots, 'admin-calendar.png'), fullPage: true });
    await screenshot(admin, 'calendar', true);
    const calendarViolations = (await runAxe(admin)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(calendarViolations, JSON.stringify(calendarViolations, null, 2)).to.deep.equal([]);
    // Recompute the open tickets: the page reloads itself until it is done.
    await Promise.all([admin.waitForURL(/\?job=[0-9a-f]{24}$/), admin.click('#recompute-button')]);
    await admin.locator('.job-state[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await admin.locator('.job-state').innerText()).to.match(/[1-9]\d* échéances? déplacées?/);
    await screenshot(admin, 'recomputed');

    // The advisor's ticket page: the first response is now due later.
    await advisor.page.reload();
    const dueAfter = await dueDates(advisor.page);
    expect(dueAfter).to.not.deep.equal(dueBefore);
    // The first response, due on the day now closed, is due later, and the page says so. (Not the earliest
    // time on the page: after about 13:00 the pickup deadline falls today, before the closed day, and stays.)
    const reread = await fetch(`${e2e.base}/api/v1/tickets/${ticket.id}`, { headers: { authorization: `Bearer ${token}` } });
    const after = ((await reread.json()) as typeof createdBody).ticket.sla.deadlines.find((d) => d.kind === 'first_response');
    expect(Date.parse(after?.due ?? '')).to.be.above(Date.parse(firstResponse?.due ?? ''));
    expect(dueAfter).to.include(new Date(after?.due ?? '').toISOString());
    expect(await advisor.page.locator('.trail').innerText()).to.include('Délais recalculés');

    // A category with three labels.
    await admin.goto(`${e2e.base}/staff/admin/categories`);
    const form = admin.locator('#category-form');
    await form.locator('input[name="code"]').fill('energie');
    await form.locator('input[name="label_fr"]').fill('Énergie et logement');
    await form.locator('input[name="label_nl"]').fill('Energie en huisvesting');
    await form.locator('input[name="label_en"]').fill('Energy and housing');
    await Promise.all([admin.waitForURL(/done=category_created/), form.locator('button[type=submit]').click()]);
    expect(await admin.locator('.admin-categories').innerText()).to.include('Energie en huisvesting');
    // A code is a row's name, read as typed (not in the column headers' capitals).
    const code = admin.locator('.admin-categories tbody th', { hasText: 'energie' });
    expect(await code.evaluate((th) => [getComputedStyle(th).textTransform, th.textContent?.trim()])).to.deep.equal(['none', 'energie']);

    // Both changes in the audit page, latest first.
    await admin.goto(`${e2e.base}/staff/admin/audit`);
    const rows = admin.locator('tr.audit-entry');
    const texts = await rows.allInnerTexts();
    const category = texts.findIndex((t) => t.includes('Catégorie créée') && t.includes('Énergie et logement'));
    // The day reads as a date of the page's language ("24 déc. 2026"), not as stored.
    const closureText = new Intl.DateTimeFormat('fr-BE', { timeZone: 'Europe/Brussels', dateStyle: 'medium' }).format(new Date(`${closureDay}T12:00:00Z`));
    const closure = texts.findIndex((t) => t.includes('Fermeture ajoutée') && t.includes('Liège') && t.includes(closureText));
    expect(category, texts.slice(0, 5).join('\n---\n')).to.be.at.least(0);
    expect(closure).to.be.above(category);
    // The changes wrap inside the table: the page is never wider than the window, at 1366 px or 1280 px.
    for (const width of [1366, 1280]) {
      await admin.setViewportSize({ width, height: 900 });
      const page = await admin.evaluate(() => ({ width: document.documentElement.scrollWidth, window: window.innerWidth }));
      expect(page.width, `at ${width} px`).to.be.at.most(page.window);
      const changes = admin.locator('tr.audit-entry td:last-child').first();
      expect(await changes.evaluate((td) => getComputedStyle(td).whiteSpace)).to.equal('normal');
    }
    await admin.setViewportSize({ width: 1366, height: 900 });
    if (process.env.RELAIS_DOC_SCREENSHOTS) await admin.screenshot({ path: path.join(docsShots, 'admin-audit.png') });
    await screenshot(admin, 'audit');
    const auditViolations = (await runAxe(admin)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(auditViolations, JSON.stringify(auditViolations, null, 2)).to.deep.equal([]);

    expect(unexpectedErrors([...errors, ...advisor.errors])).to.deep.equal([]);
  });
});
