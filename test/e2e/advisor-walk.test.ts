/**
 * Issue 16's "done when", in Chromium against a real server process with demo data: an advisor
 * searches a member by name in the top search box, opens the ticket from the results, claims it
 * from its page, replies with a saved reply picked by typing "::" and a PDF built here, escalates
 * it with the dialog, still sees it read only with its new status; a tier-2 person, in another
 * browser, claims it and returns it with the return dialog; the advisor's queue shows it back,
 * flagged "returned to you", without reload. Screenshots under test-results/e2e/advisor-walk/
 * (search results, picker and returned ticket are copied to docs/screenshots/ when
 * RELAIS_DOC_SCREENSHOTS is set).
 */
import { expect } from 'chai';
import { gotoLive, screenshot, unexpectedErrors, type StaffSession } from '../helpers/browser.js';
import { keepForDocs, useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const advisor = 'conseiller.liege@relais.demo';
const support = 'soutien@relais.demo';

/** A one-page PDF with a line of text, its cross-reference table computed from the real offsets. */
export function smallPdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, (c) => `\\${c}`)}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('e2e: an advisor walks a ticket from search to tier 2 and back (Chromium)', function () {
  this.timeout(150_000);
  const e2e = useE2eServer({ screenshots: 'advisor-walk', dataPrefix: 'relais-e2e-walk-', password, demoTickets: 20 });
  const sessions: StaffSession[] = [];

  async function api<T>(email: string, method: string, url: string, body?: unknown): Promise<T> {
    const token = await e2e.token(email);
    const res = await fetch(`${e2e.base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    expect(res.status, JSON.stringify(json)).to.be.oneOf([200, 201]);
    return json;
  }

  it('search → open → claim → saved reply with a PDF → escalate → read only → returned by tier 2, flagged, live', async () => {
    // What the walk starts from: a member's request waiting in the Liège queue, and the advisor's saved replies.
    const created = await api<{ ticket: { id: string; number: string } }>(advisor, 'POST', '/tickets', {
      subject: 'Attestation de revenus pour la banque',
      body: 'Bonjour, ma banque me demande une attestation de mes revenus 2025. Pouvez-vous me l’envoyer ?',
      member: { name: 'Nathalie Lambotte', email: 'n.lambotte@example.be' },
      office: 'liege',
      language: 'fr',
    });
    const { id, number } = created.ticket;
    // Another request of hers, already in hand: the search lists both, the advisor picks the right one.
    const older = await api<{ ticket: { id: string; version: number } }>(advisor, 'POST', '/tickets', {
      subject: 'Changement d’adresse',
      body: 'J’ai déménagé : ma nouvelle adresse est rue Saint-Gilles 12, 4000 Liège.',
      member: { name: 'Nathalie Lambotte', email: 'n.lambotte@example.be' },
      office: 'liege',
      language: 'fr',
    });
    await api(advisor, 'POST', `/tickets/${older.ticket.id}/claim`, { version: older.ticket.version });
    for (const [title, fr] of [
      ['Attestation de revenus', 'Bonjour {member.first_name},\n\nVous trouverez **votre attestation de revenus** en pièce jointe (demande {ticket.number}).'],
      ['Documents à fournir', 'Pour avancer, il nous faut :\n- une copie du contrat\n- la dernière fiche de paie'],
      ['Horaires du bureau', 'Le bureau est ouvert du lundi au vendredi, de 9 h à 16 h.'],
    ]) {
      await api(advisor, 'POST', '/saved-replies', { title, body: { fr }, scope: 'personal' });
    }

    const julie = await e2e.signIn(advisor, { viewport: { width: 1280, height: 900 } });
    sessions.push(julie);
    const page = julie.page;

    // 1. Search the member by name, lower case and without her first name, from the top search box.
    await page.fill('#topsearch-q', 'lambotte');
    await Promise.all([page.waitForURL(/\/staff\/search\?q=lambotte/), page.press('#topsearch-q', 'Enter')]);
    const hit = page.locator(`.search-table tr[data-key="${id}"]`);
    await hit.waitFor();
    expect(await hit.innerText())
      .to.include('Nathalie Lambotte')
      .and.include(number)
      .and.include('Attestation de revenus pour la banque');
    expect(await page.locator('.search-page [role=status]').innerText()).to.match(/^2 tickets/);
    expect(await page.locator(`.search-table tr[data-key="${older.ticket.id}"]`).innerText()).to.include('Changement d’adresse');
    // The name searched for is read whole on the results, not cut to "Nathalie Lam…".
    const name = hit.locator('.member-cell-name');
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).to.equal(true, 'the member name is cut off');
    keepForDocs(await screenshot(page, 'search-results'), 'search.png');

    // 2. Open the ticket from the results.
    await Promise.all([page.waitForURL(new RegExp(`/staff/tickets/${id}$`)), hit.locator('a.row-link').click()]);
    await gotoLive(page, page.url());
    expect(await page.locator('.ticket-number').innerText()).to.equal(number);

    // 3. Claim it from its page: the header names her, the reply box turns to a reply.
    await page.click('[data-action="claim"]');
    await page.locator('.ticket-header .me-tag').waitFor();
    await page.locator('#composer-send', { hasText: /Envoyer la réponse|répon/i }).waitFor();
    expect(await page.locator('[data-action="claim"]').count()).to.equal(0);

    // 4. Reply with a saved reply picked with "::" and a PDF.
    await page.locator('#composer-text').click();
    await page.keyboard.type('::');
    await page.locator('#saved-picker').waitFor({ state: 'visible' });
    await page.locator('#saved-list [role=option]').first().waitFor();
    expect(await page.locator('#saved-list [role=option]').count()).to.equal(6); // its own three, and the demo's three shared ones
    await page.keyboard.press('ArrowDown');
    keepForDocs(await screenshot(page, 'saved-reply-picker'), 'saved-reply-picker.png');
    await page.keyboard.type('revenus');
    await page.waitForFunction(() => document.querySelectorAll('#saved-list [role=option]').length === 1);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('#composer-text') as HTMLTextAreaElement | null)?.value.includes('attestation de revenus'));
    const text = await page.locator('#composer-text').inputValue();
    expect(text).to.include('Bonjour Nathalie,').and.include(number).and.not.include('::').and.not.include('{member');
    await page
      .locator('#composer-files')
      .setInputFiles({ name: 'attestation-revenus-2025.pdf', mimeType: 'application/pdf', buffer: smallPdf('Attestation de revenus 2025') });
    await page.locator('#composer-file-list li', { hasText: 'attestation-revenus-2025.pdf' }).waitFor();
    await page.locator('#composer-send').click();
    const reply = page.locator('.thread .msg-reply').last();
    await reply.locator('.msg-files a', { hasText: 'attestation-revenus-2025.pdf' }).waitFor();
    expect(await reply.locator('.msg-rich strong').innerText()).to.equal('votre attestation de revenus');
    expect(await page.locator('#composer-text').inputValue()).to.equal('');
    // The file the member receives is the very PDF sent.
    const fileHref = await reply.locator('.msg-files a').getAttribute('href');
    const download = await page.request.get(`${e2e.base}${fileHref}`);
    expect(download.status()).to.equal(200);
    expect((await download.body()).subarray(0, 8).toString('latin1')).to.equal('%PDF-1.4');
    await screenshot(page, 'replied-with-pdf', true);

    // 5. Escalate with the dialog.
    await page.click('[data-open-dialog="escalate-dialog"]');
    await page.locator('#escalate-dialog').waitFor({ state: 'visible' });
    // Sent empty: both missing fields are named and marked, the first focused.
    await page.click('#escalate-dialog button[type="submit"]');
    const problem = page.locator('#escalate-dialog .dialog-error:not([hidden])');
    await problem.waitFor();
    expect(await problem.innerText()).to.match(/^Motif.*, .*: Ces champs sont obligatoires\.$/);
    expect(await page.locator('#escalate-dialog [aria-invalid="true"]').count()).to.equal(2);
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('escalate-reason');
    await page.selectOption('#escalate-reason', { index: 1 });
    await page.fill(
      '#escalate-handoff',
      'Attestation standard envoyée. Le membre demande aussi le détail des primes de fin d’année : à calculer par le soutien.',
    );
    await page.click('#escalate-dialog button[type="submit"]');

    // 6. Still on it, read only, with its new place and status.
    await page.locator('.read-only-notice').waitFor({ timeout: 15_000 });
    expect(page.url()).to.match(new RegExp(`/staff/tickets/${id}$`));
    expect(await page.locator('.read-only-notice').innerText()).to.include('Lecture seule');
    expect(await page.locator('.ticket-header .tier-badge').innerText()).to.equal('N2');
    expect(await page.locator('.ticket-header').innerText()).to.include('Équipe de soutien');
    expect(await page.locator('.read-only-notice').innerText()).to.include('Niveau 2');
    expect(await page.locator('#composer-send').isVisible()).to.equal(false);
    expect(await page.locator('.action-bar [data-action], .action-bar [data-open-dialog]').count()).to.equal(0);
    await screenshot(page, 'read-only-after-escalation', true);

    // 7. Her queue, live; tier 2 takes it in another browser and sends it back with the return dialog.
    await gotoLive(page, `${e2e.base}/staff/queue?view=mine`);
    expect(await page.locator(`#queue-rows tr[data-key="${id}"]`).count()).to.equal(0);
    const soutien = await e2e.signIn(support, { viewport: { width: 1280, height: 900 } });
    sessions.push(soutien);
    const t2 = soutien.page;
    await gotoLive(t2, `${e2e.base}/staff/queue`);
    const row = t2.locator(`#queue-rows tr[data-key="${id}"]`);
    await row.waitFor();
    await Promise.all([t2.waitForURL(new RegExp(`/staff/tickets/${id}$`)), row.locator('a.row-link').click()]);
    await gotoLive(t2, t2.url());
    // Tier 2 reads the handoff and the advisor's reply with its file in the thread.
    expect(await t2.locator('.thread').innerText())
      .to.include('primes de fin d’année')
      .and.include('attestation-revenus-2025.pdf');
    await t2.click('[data-action="claim"]');
    await t2.locator('.ticket-header .me-tag').waitFor();
    await t2.click('[data-open-dialog="return-dialog"]');
    await t2.locator('#return-dialog').waitFor({ state: 'visible' });
    await t2.fill('#return-note', 'Primes calculées et ajoutées au dossier : merci de les confirmer au membre.');
    await t2.click('#return-dialog button[type="submit"]');
    await t2.locator('.read-only-notice, .ticket-header .tier-badge:text("N1")').first().waitFor({ timeout: 15_000 });

    // 8. Back to her, flagged, without reload.
    const flagged = page.locator(`#queue-rows tr[data-key="${id}"] .flag-returned`);
    await flagged.waitFor({ timeout: 15_000 });
    expect(await flagged.innerText()).to.match(/renvoy|retourn/i);
    // The row says it once: no passing cue repeating "renvoyé par …" beside its lasting line (QA).
    expect((await page.locator(`#queue-rows tr[data-key="${id}"] .cue`).allInnerTexts()).join(' ')).not.to.match(/renvoy/i);
    await screenshot(page, 'returned-to-me-live');
    await Promise.all([page.waitForURL(new RegExp(`/staff/tickets/${id}$`)), page.locator(`#queue-rows tr[data-key="${id}"] a.row-link`).click()]);
    await gotoLive(page, page.url());
    expect(await page.locator('.read-only-notice').count()).to.equal(0);
    expect(await page.locator('.ticket-header .tier-badge').innerText()).to.equal('N1');
    expect(await page.locator('.ticket-header .me-tag').count()).to.equal(1);
    expect(await page.locator('.thread').innerText()).to.include('Primes calculées');
    // Hers again: the reply box is ready to answer the member, not stuck on the internal note it
    // was forced to while the ticket was out of her hands.
    expect(await page.locator('#composer').getAttribute('data-mode')).to.equal('reply');
    expect(await page.locator('input[name=mode][value=reply]').isChecked()).to.equal(true);
    await screenshot(page, 'returned-ticket', true);

    const errors = sessions.flatMap((s) => unexpectedErrors(s.errors));
    expect(errors, errors.join('\n')).to.deep.equal([]);
  });
});
