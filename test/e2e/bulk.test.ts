/**
 * In Chromium, on the real server with demo data: an advisor selects 20 of her tickets in the queue
 * (mouse and keyboard) and resolves them in one go, reading a result per ticket; then she merges a
 * duplicate into the member's other ticket from the ticket page, lands on the ticket that stays and
 * sees the duplicate's message there. Screenshots under test-results/e2e/bulk/ (the queue with its
 * selection and the merged ticket are copied to docs/screenshots/ when RELAIS_DOC_SCREENSHOTS is set).
 */
import { expect } from 'chai';
import { gotoLive, screenshot, unexpectedErrors, type StaffSession } from '../helpers/browser.js';
import { keepForDocs, useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const julie = 'conseiller.liege@relais.demo';

interface TicketJson {
  id: string;
  number: string;
  version: number;
  status: string;
}

describe('e2e: acting on many, and merging (Chromium)', function () {
  this.timeout(180_000);
  const e2e = useE2eServer({ screenshots: 'bulk', dataPrefix: 'relais-e2e-bulk-', password, demoTickets: 30 });
  const sessions: StaffSession[] = [];
  let bearer = '';

  async function api<T>(url: string, body?: unknown): Promise<T> {
    if (!bearer) {
      bearer = await e2e.token(julie);
    }
    const res = await fetch(`${e2e.base}/api/v1${url}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    expect(res.status, JSON.stringify(json)).to.be.oneOf([200, 201]);
    return json;
  }

  /** A ticket filed for a member and claimed by the advisor. */
  async function heldTicket(subject: string, member = { name: 'Anne Collard', email: 'anne.collard@example.be' }): Promise<TicketJson> {
    const created = await api<{ ticket: TicketJson }>('/tickets', {
      subject,
      body: `${subject} : le membre a appelé.`,
      member,
      office: 'liege',
      language: 'fr',
    });
    return (await api<{ ticket: TicketJson }>(`/tickets/${created.ticket.id}/claim`, { version: created.ticket.version })).ticket;
  }

  it('selects 20 tickets in the queue and resolves them in one go, with a result per ticket', async () => {
    const tickets: TicketJson[] = [];
    for (let i = 1; i <= 20; i += 1)
      tickets.push(await heldTicket(`Attestation fiscale ${String(i).padStart(2, '0')}`, { name: `Membre ${i}`, email: `membre.${i}@example.be` }));
    const session = await e2e.signIn(julie, { viewport: { width: 1280, height: 900 } });
    sessions.push(session);
    const { page } = session;
    await gotoLive(page, `${e2e.base}/staff/queue?view=mine`);
    // One's own change is not labelled as news in one's own queue ("priorité changée par Julie Lambert").
    const first = tickets[0] as TicketJson;
    await api(`/tickets/${first.id}/update`, { version: first.version, priority: 'high' });
    await page.waitForSelector(`#queue-rows tr[data-key="${first.id}"][data-version="${first.version + 1}"]`, { timeout: 15_000 });
    expect(await page.locator(`#queue-rows tr[data-key="${first.id}"] .cue`).count()).to.equal(0);
    for (const t of tickets.slice(0, 19)) await page.check(`#queue-rows tr[data-key="${t.id}"] input.row-select`);
    // The last one with the keyboard: focus its row, Space selects it.
    const last = tickets[19] as TicketJson;
    await page.focus(`#queue-rows tr[data-key="${last.id}"] a.row-link`);
    await page.keyboard.press('Space');
    expect(await page.isChecked(`#queue-rows tr[data-key="${last.id}"] input.row-select`)).to.equal(true);
    expect(await page.textContent('[data-bulk-count]')).to.equal('20 tickets sélectionnés');
    await page.selectOption('[data-bulk-action]', 'resolve');
    // The summary goes to every member as typed: the bar says so beside the field (QA: an internal remark was mailed).
    expect(await page.locator('#bulk-bar input[name="note"]').evaluate((el) => el.closest('label')?.textContent?.trim())).to.equal(
      'Résumé pour les membres (facultatif)',
    );
    expect(await page.locator('#bulk-resolve-hint').isVisible()).to.equal(true);
    expect(await page.textContent('#bulk-resolve-hint')).to.contain('courriel de résolution');
    await page.fill('#bulk-bar input[name="note"]', 'Attestations envoyées par courrier.');
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = await screenshot(page, 'queue-with-selection');
    keepForDocs(shot, 'queue-bulk-selection.png');
    // Resolving mails every member: the page asks first. Dismissed, nothing happens; accepted, it goes.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.click('#bulk-bar button[type="submit"]');
    expect(asked).to.include('Résoudre 20 tickets ?').and.include('Votre demande est résolue');
    expect((await api<{ ticket: TicketJson }>(`/tickets/${tickets[0]?.id ?? ''}`)).ticket.status).not.to.equal('resolved');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#bulk-bar button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#bulk-results')?.textContent?.includes('Fait : 20'), undefined, { timeout: 30_000 });
    expect(await page.textContent('#bulk-results')).to.include('Fait : 20 · Refusé : 0');
    await screenshot(page, 'queue-after-bulk-resolve');
    for (const t of tickets) expect((await api<{ ticket: TicketJson }>(`/tickets/${t.id}`)).ticket.status).to.equal('resolved');
    // Done tickets leave the selection: the bar hides.
    expect(await page.isHidden('#bulk-bar')).to.equal(true);
    // The results stay in view when the advisor scrolls down the list, until dismissed.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const box = await page.locator('#bulk-results').boundingBox();
    expect(box?.y ?? -1).to.be.within(0, 768);
    await page.click('#bulk-results .bulk-dismiss');
    expect(await page.isHidden('#bulk-results')).to.equal(true);
  });

  it('on the board, says before applying that a person of a lower tier takes the selected escalations down, and shows each person’s load', async () => {
    const session = await e2e.signIn('superviseur.liege@relais.demo', { viewport: { width: 1280, height: 900 } });
    sessions.push(session);
    const { page } = session;
    await gotoLive(page, `${e2e.base}/staff/board`);
    const julieOption = page.locator('select[name="assignee"] optgroup option', { hasText: 'Julie Lambert' }).first();
    const heldAtLoad = Number(/· (\d+) pris/.exec((await julieOption.textContent()) ?? '')?.[1]);
    // Julie takes one more after the page loaded: the picker says so when it is opened, not the load's figure.
    await heldTicket('Attestation prise après le chargement du tableau');
    await page.locator('#board-rows input.row-select').first().check();
    await page.selectOption('[data-bulk-action]', 'assign');
    await page.waitForFunction(
      (want) =>
        [...document.querySelectorAll('select[name="assignee"] optgroup option')].some(
          (o) => o.textContent?.startsWith('Julie Lambert') && o.textContent.includes(want),
        ),
      `· ${heldAtLoad + 1} pris`,
    );
    // Each person with what they hold against their capacity.
    expect(await page.locator('select[name="assignee"] optgroup option').first().textContent()).to.match(/ · \d+ pris \/ \d+$/);
    const advisor = await page.locator('select[name="assignee"] optgroup[data-tier="1"] option').first().getAttribute('value');
    await page.selectOption('select[name="assignee"]', advisor ?? '');
    expect(await page.isVisible('[data-bulk-tier-note]')).to.equal(true);
    expect(await page.textContent('[data-bulk-tier-note]')).to.equal(
      '1 ticket sélectionné est au-dessus du niveau 1 de cette personne : il y descendra et quittera son escalade.',
    );
    await screenshot(page, 'board-bulk-tier-down');
    // Someone of the escalation's own tier: nothing to say.
    const tier = await page.locator('#board-rows tr:has(input.row-select:checked) [data-tier]').first().getAttribute('data-tier');
    const peer = await page
      .locator(`select[name="assignee"] optgroup[data-tier="${tier ?? ''}"] option`)
      .first()
      .getAttribute('value');
    await page.selectOption('select[name="assignee"]', peer ?? '');
    expect(await page.isHidden('[data-bulk-tier-note]')).to.equal(true);
  });

  it('merges a duplicate into the member’s other ticket from the ticket page', async () => {
    const session = sessions[0];
    if (!session) throw new Error('no session');
    const { page } = session;
    const member = { name: 'Luc Dubois', email: 'luc.dubois@example.be' };
    const keep = await heldTicket('Attestation de revenus 2025', member);
    const duplicate = await heldTicket('Attestation revenus (2e envoi)', member);
    await api(`/tickets/${duplicate.id}/notes`, { version: duplicate.version, text: 'Le membre a renvoyé la même demande par courriel.' });
    await gotoLive(page, `${e2e.base}/staff/tickets/${duplicate.id}`);
    await page.click('[data-open-dialog="merge-dialog"]');
    await page.fill('#merge-into', keep.number);
    await page.fill('#merge-note', 'Même demande que la précédente.');
    await page.click('#merge-dialog button[type="submit"]');
    await page.waitForURL(`${e2e.base}/staff/tickets/${keep.id}`, { timeout: 15_000 });
    await page.waitForSelector('.relations');
    expect(await page.textContent('#part-thread')).to.include('Le membre a renvoyé la même demande par courriel.');
    expect(await page.textContent('.relations')).to.include(duplicate.number);
    const shot = await screenshot(page, 'merged-ticket', true);
    keepForDocs(shot, 'ticket-merged.png');
    await gotoLive(page, `${e2e.base}/staff/tickets/${duplicate.id}`);
    expect(await page.textContent('.merged-banner')).to.include(keep.number);
    await screenshot(page, 'merged-duplicate-banner');
    const errors = sessions.flatMap((s) => unexpectedErrors(s.errors));
    expect(errors, errors.join('\n')).to.deep.equal([]);
  });
});
