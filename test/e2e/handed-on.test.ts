/**
 * In Chromium, on the real server with demo data: an advisor escalates a ticket from its page and
 * stays on it, read only, with where it went; finds it under "Tickets I handed on"; sees it come back
 * to her from tier 2, flagged, live; reads the handoff and return notes in the thread; files a ticket
 * for a phone call. Screenshots under test-results/e2e/handed-on/.
 */
import { expect } from 'chai';
import { gotoLive, screenshot, unexpectedErrors, type StaffSession } from '../helpers/browser.js';
import { useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const julie = 'conseiller.liege@relais.demo';
const support = 'soutien@relais.demo';

describe('e2e: tickets I handed on, and back (Chromium)', function () {
  this.timeout(120_000);
  const e2e = useE2eServer({ screenshots: 'handed-on', dataPrefix: 'relais-e2e-handed-', password, demoTickets: 30 });
  const sessions: StaffSession[] = [];

  async function api<T>(email: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(`${e2e.base}/api/v1${url}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${await e2e.token(email)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    expect(res.status, JSON.stringify(json)).to.be.oneOf([200, 201]);
    return json;
  }

  it('escalate from the page, stay on it read only, follow it, get it back flagged, file a phone ticket', async () => {
    const session = await e2e.signIn(julie, { viewport: { width: 1280, height: 900 } });
    sessions.push(session);
    const { page } = session;
    const created = await api<{ ticket: { id: string; number: string; version: number } }>(julie, '/tickets', {
      subject: 'Précompte professionnel trop élevé',
      body: 'Le membre a appelé : son précompte de mars est trop élevé de 120 €.',
      member: { name: 'Marie Dethier', email: 'marie.dethier@example.be' },
      office: 'liege',
      language: 'fr',
    });
    const id = created.ticket.id;
    await api(julie, `/tickets/${id}/claim`, { version: created.ticket.version });

    await gotoLive(page, `${e2e.base}/staff/tickets/${id}`);
    await page.click('[data-open-dialog="escalate-dialog"]');
    await page.selectOption('#escalate-reason', { index: 1 });
    await page.fill('#escalate-handoff', 'Fiche de paie vérifiée : écart de 120 € confirmé. Il faut recalculer le précompte de mars.');
    await page.click('#escalate-dialog button[type="submit"]');
    await page.waitForSelector('.read-only-notice', { timeout: 15_000 });
    expect(page.url()).to.include(`/staff/tickets/${id}`);
    expect(await page.textContent('.read-only-notice')).to.include('Lecture seule');
    await screenshot(page, '1-read-only-after-escalation', true);

    await gotoLive(page, `${e2e.base}/staff/queue?view=handed`);
    await page.waitForSelector(`#queue-rows tr[data-key="${id}"]`);
    await screenshot(page, '2-handed-on-list');

    // Tier 2 takes it and sends it back: her queue shows it live, flagged.
    await gotoLive(page, `${e2e.base}/staff/queue?view=mine`);
    const current = await api<{ ticket: { version: number } }>(support, `/tickets/${id}`);
    const taken = await api<{ ticket: { version: number } }>(support, `/tickets/${id}/claim`, { version: current.ticket.version });
    await api(support, `/tickets/${id}/return`, { version: taken.ticket.version, note: 'Précompte recalculé et corrigé : merci de confirmer au membre.' });
    await page.waitForSelector(`#queue-rows tr[data-key="${id}"] .flag-returned`, { timeout: 15_000 });
    await screenshot(page, '3-returned-to-me-live-cue');
    await page.reload();
    await page.waitForSelector(`#queue-rows tr[data-key="${id}"] .flag-returned`);
    await screenshot(page, '3-returned-to-me-flagged');

    await gotoLive(page, `${e2e.base}/staff/tickets/${id}`);
    await page.waitForSelector('.msg-move');
    await screenshot(page, '4-thread-with-handoff-and-return', true);

    await page.goto(`${e2e.base}/staff/new-ticket`);
    await page.click('.new-ticket-form button[type="submit"]');
    await page.waitForSelector('.field-error');
    await screenshot(page, '5-new-ticket-errors', true);
    await page.check('input[name="channel"][value="phone"]');
    await page.fill('#nt-member', 'paul.renard@example.be');
    await page.fill('#nt-name', 'Paul Renard');
    await page.fill('#nt-subject', 'Attestation de revenus 2025');
    await page.fill('#nt-text', 'Il demande son attestation de revenus pour sa banque.');
    await page.click('.new-ticket-form button[type="submit"]');
    await page.waitForURL(/\/staff\/tickets\/[0-9a-f]{24}$/);
    await screenshot(page, '6-phone-ticket-created', true);
    // The form's 422 (the errors shown on purpose above) is the browser's only console line allowed.
    const errors = sessions.flatMap((s) => unexpectedErrors(s.errors)).filter((e) => !e.includes('status of 422'));
    expect(errors, errors.join('\n')).to.deep.equal([]);
  });
});
