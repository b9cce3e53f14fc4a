/**
 * The reply box in Chromium against a real server process: an advisor opens the saved-reply picker
 * by typing "::", moves with the arrows, inserts with Enter (placeholders filled for the ticket),
 * formats with the toolbar, attaches a PDF and sends; the thread shows the formatted reply with
 * its file (the mail itself is read from a real SMTP server in test/integration/reply-files.test.ts). Screenshots of the
 * picker open and of the sent reply go to test-results/e2e/composer/.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gotoLive, screenshot, unexpectedErrors, type StaffSession } from '../helpers/browser.js';
import { useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const email = 'conseiller.liege@relais.demo';
const pdf = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'files', 'sample.pdf'));

describe('reply box in Chromium: saved-reply picker, formatting, a PDF', function () {
  this.timeout(90_000);
  const e2e = useE2eServer({ screenshots: 'composer', dataPrefix: 'relais-e2e-composer-', password, demoTickets: 10 });
  let session: StaffSession | undefined;
  let token = '';

  async function api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${e2e.base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as T };
  }

  before(async function () {
    token = await e2e.token(email);
  });

  it('inserts a saved reply with "::", formats it, sends it with a PDF; the thread shows it formatted with its file', async () => {
    for (const [title, fr] of [
      ['Attestation envoyée', 'Bonjour {member.first_name},\n\nVous trouverez **votre attestation** en pièce jointe pour la demande {ticket.number}.'],
      ['Documents à fournir', 'Pour avancer, il nous faut :\n- une copie du contrat\n- la dernière fiche de paie'],
      ['Horaires du bureau', 'Le bureau est ouvert du lundi au vendredi, de 9 h à 16 h.'],
    ]) {
      const made = await api('POST', '/saved-replies', { title, body: { fr }, scope: 'personal' });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
    }
    const created = await api<{ ticket: { id: string; number: string; version: number } }>('POST', '/tickets', {
      subject: 'Attestation de travail',
      body: 'Bonjour, pouvez-vous m’envoyer une attestation de travail ?',
      member: { name: 'Marie Dethier', email: 'marie.dethier@example.be' },
      language: 'fr',
    });
    expect(created.status).to.equal(201);
    const ticket = created.body.ticket;
    expect((await api('POST', `/tickets/${ticket.id}/claim`, { version: ticket.version })).status).to.equal(200);

    session = await e2e.signIn(email, { viewport: { width: 1280, height: 900 } });
    const page = session.page;
    await gotoLive(page, `${e2e.base}/staff/tickets/${ticket.id}`);
    await page.locator('#composer-text').click();
    await page.keyboard.type('::');
    await page.locator('#saved-picker').waitFor({ state: 'visible' });
    await page.locator('#saved-list [role=option]').first().waitFor();
    await page.keyboard.type('attest');
    expect(await page.locator('#saved-list [role=option]').count()).to.equal(1);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#saved-filter').getAttribute('aria-activedescendant')).to.match(/^saved-option-/);
    await screenshot(page, 'picker-open');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('#composer-text') as HTMLTextAreaElement | null)?.value.includes('attestation'));
    const text = await page.locator('#composer-text').inputValue();
    expect(text).to.include('Bonjour Marie,').and.include(ticket.number).and.not.include('::').and.not.include('{member');
    expect(await page.locator('#saved-picker').isHidden()).to.equal(true);
    // Escape closes the picker and gives the focus back to the reply box.
    await page.keyboard.type(' ::');
    await page.locator('#saved-picker').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    expect(await page.locator('#saved-picker').isHidden()).to.equal(true);
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('composer-text');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    // Bold with nothing selected: the markers, the caret between them, and no filler text.
    await page.keyboard.type('\n\nMerci de ');
    await page.locator('.composer-tools [data-format="bold"]').click();
    const caret = await page.locator('#composer-text').evaluate((el: HTMLTextAreaElement) => ({
      end: el.value.slice(-13),
      at: el.value.length - el.selectionStart,
      selected: el.selectionEnd - el.selectionStart,
    }));
    expect(caret).to.deep.equal({ end: 'Merci de ****', at: 2, selected: 0 });
    await page.keyboard.type('signer');
    expect(await page.locator('#composer-text').inputValue()).to.match(/Merci de \*\*signer\*\*$/);
    await page.keyboard.press('End');
    await page.keyboard.type(' le document.');
    await page.keyboard.type('\n\nÀ joindre aussi :\n- le formulaire C4\n- la preuve de paiement');
    await page.locator('#composer-files').setInputFiles({ name: 'attestation.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.locator('#composer-file-list li').waitFor();
    await page.locator('#composer-send').click();
    const reply = page.locator('.thread .msg-reply').last();
    await reply.locator('.msg-rich strong').first().waitFor();
    expect(await reply.locator('.msg-rich strong').allInnerTexts()).to.deep.equal(['votre attestation', 'signer']);
    expect(await reply.locator('.msg-rich li').count()).to.equal(2);
    expect(await reply.locator('.msg-files a').innerText()).to.equal('attestation.pdf');
    await reply.scrollIntoViewIfNeeded();
    await screenshot(page, 'reply-sent', true);
    expect(unexpectedErrors(session.errors)).to.deep.equal([]);
  });

  it('keeps a pasted text longer than a reply may be whole, says by how much it is over, and sends nothing until it fits (QA: it was cut at 50,000 silently)', async () => {
    token = await e2e.token(email);
    const created = await api<{ ticket: { id: string; version: number } }>('POST', '/tickets', {
      subject: 'Journal d’erreurs',
      body: 'Bonjour, voici ce que le logiciel affiche.',
      member: { name: 'Kevin Joris', email: 'kevin.joris@example.be' },
      language: 'fr',
    });
    expect(created.status).to.equal(201);
    const ticketId = created.body.ticket.id;
    expect((await api('POST', `/tickets/${ticketId}/claim`, { version: created.body.ticket.version })).status).to.equal(200);
    const long = 'ligne du journal 0123456789\n'.repeat(2_400); // 67,200 characters, 67,199 once trimmed (as the server counts)
    const other = await e2e.signIn(email, { viewport: { width: 1280, height: 900 } });
    try {
      const page = other.page;
      await gotoLive(page, `${e2e.base}/staff/tickets/${ticketId}`);
      const box = page.locator('#composer-text');
      await box.focus();
      // A paste, as the browser delivers it: text inserted at the caret.
      await page.keyboard.insertText(long);
      expect((await box.inputValue()).length, 'nothing cut').to.equal(long.length);
      const note = page.locator('#composer-text-length');
      await note.waitFor({ state: 'visible' });
      expect(await note.innerText()).to.equal('Trop long : 50\u202f000 caractères au plus, ce texte en compte 67\u202f199 (rien n’a été coupé).');
      expect(await box.getAttribute('aria-invalid')).to.equal('true');
      // Held back in the page: no request leaves it, by the button (the form) or by Ctrl+Enter (the composer).
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes(`/tickets/${ticketId}/`)) posts.push(r.url());
      });
      await page.locator('#composer-send').click();
      await page.keyboard.press('Control+Enter');
      await page.waitForTimeout(500);
      expect(posts, 'nothing sent').to.deep.equal([]);
      expect((await box.inputValue()).length, 'still whole after trying to send').to.equal(long.length);
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('composer-text');
      await screenshot(page, 'too-long');
      // Cut to fit: the line goes, and it is sent.
      await box.fill(long.slice(0, 40_000));
      expect(await note.isHidden()).to.equal(true);
      expect(await box.getAttribute('aria-invalid')).to.equal(null);
      await page.locator('#composer-send').click();
      await page.locator('#composer-status', { hasText: /envoyée/ }).waitFor();
      expect(unexpectedErrors(other.errors)).to.deep.equal([]);
    } finally {
      await other.context.close();
    }
  });

  it('sends nothing while the saved-reply list is open: "::" with no reply chosen never reaches the member (QA: "Bonjour, ::" was sent)', async () => {
    token = await e2e.token(email);
    const created = await api<{ ticket: { id: string; version: number } }>('POST', '/tickets', {
      subject: 'Formulaire C4',
      body: 'Bonjour, il me faut mon C4.',
      member: { name: 'Lucie Martin', email: 'lucie.martin@example.be' },
      language: 'fr',
    });
    expect(created.status).to.equal(201);
    const ticketId = created.body.ticket.id;
    expect((await api('POST', `/tickets/${ticketId}/claim`, { version: created.body.ticket.version })).status).to.equal(200);
    const other = await e2e.signIn(email, { viewport: { width: 1280, height: 900 } });
    try {
      const page = other.page;
      await gotoLive(page, `${e2e.base}/staff/tickets/${ticketId}`);
      await page.locator('#composer-text').click();
      await page.keyboard.type('Bonjour, ::');
      await page.locator('#saved-picker').waitFor({ state: 'visible' });
      await page.keyboard.type('zzz-rien');
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes(`/tickets/${ticketId}/`)) posts.push(r.url());
      });
      await page.keyboard.press('Enter'); // no reply matches: nothing is inserted, the list stays open
      await page.locator('#composer-send').click();
      await page.locator('#composer-conflict', { hasText: 'La liste des réponses types est ouverte' }).waitFor();
      await page.waitForTimeout(300);
      expect(posts, 'nothing sent').to.deep.equal([]);
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('saved-filter');
      // Escape closes the list, keeping the text as typed; then it can be sent.
      await page.keyboard.press('Escape');
      expect(await page.locator('#saved-picker').isHidden()).to.equal(true);
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('voici votre C4.');
      await page.locator('#composer-send').click();
      await page.locator('#composer-status', { hasText: /envoyée/ }).waitFor();
      expect(posts.length, 'the reply, once').to.equal(1);
      expect(unexpectedErrors(other.errors)).to.deep.equal([]);
    } finally {
      await other.context.close();
    }
  });

  it('on a phone, the saved-replies form holds a text too long with its own line, and an empty title gets the page’s sentence, not a browser bubble', async () => {
    const phone = await e2e.signIn(email, { viewport: { width: 390, height: 844 } });
    try {
      const page = phone.page;
      await page.goto(`${e2e.base}/staff/replies`);
      const form = page.locator('form.replies-form').first();
      const box = page.locator('#r-fr');
      await box.focus();
      await page.keyboard.insertText('Bonjour,\n'.repeat(2_500)); // 22,500 characters: over the 20,000 of a saved reply
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(r.url());
      });
      await page.locator('#r-title').fill('Réponse bien trop longue');
      await form.locator('button[type=submit]').click();
      await page.waitForTimeout(300);
      expect(posts, 'held in the page').to.deep.equal([]);
      expect(await page.locator('#r-fr-length').innerText()).to.match(/^Trop long : 20\u202f000 caractères au plus/);
      await screenshot(page, 'saved-reply-too-long-phone');
      // No title: the browser lets it go (no bubble over the page) and the page says what to do, keeping the text.
      await box.fill('Le bureau est ouvert du lundi au vendredi.');
      await page.locator('#r-title').fill('');
      await Promise.all([page.waitForURL(`${e2e.base}/staff/replies`), form.locator('button[type=submit]').click()]);
      expect(await page.locator('#replies-error').innerText()).to.equal('Donnez un titre (120 caractères au plus).');
      expect(await page.locator('#r-fr').inputValue()).to.equal('Le bureau est ouvert du lundi au vendredi.');
      // The page answered 400 on purpose (the refused form, said on the page): the browser logs that status.
      expect(unexpectedErrors(phone.errors).filter((e) => !/status of 400/.test(e))).to.deep.equal([]);
    } finally {
      await phone.context.close();
    }
  });

  it('says when there are no saved replies yet, and links to where to write one', async () => {
    // The demo's shared replies, deleted by an administrator; this advisor has no personal ones.
    token = await e2e.token('admin@relais.demo');
    const all = await api<{ savedReplies: { id: string; scope: string }[] }>('GET', '/saved-replies');
    const shared = all.body.savedReplies.filter((r) => r.scope !== 'personal');
    expect(shared).to.have.length.greaterThan(0);
    for (const r of shared) expect((await api('DELETE', `/saved-replies/${r.id}`)).status).to.equal(204);
    const advisor = 'conseiller.charleroi@relais.demo';
    token = await e2e.token(advisor);
    const created = await api<{ ticket: { id: string; version: number } }>('POST', '/tickets', {
      subject: 'Question sur ma facture',
      body: 'Bonjour, une question sur ma dernière facture.',
      member: { name: 'Luc Dubois', email: 'luc.dubois@example.be' },
      language: 'fr',
    });
    expect(created.status).to.equal(201);
    expect((await api('POST', `/tickets/${created.body.ticket.id}/claim`, { version: created.body.ticket.version })).status).to.equal(200);

    const other = await e2e.signIn(advisor, { viewport: { width: 1280, height: 900 } });
    try {
      await gotoLive(other.page, `${e2e.base}/staff/tickets/${created.body.ticket.id}`);
      await other.page.locator('#saved-open').click();
      await other.page.locator('#saved-none').waitFor({ state: 'visible' });
      expect(await other.page.locator('#saved-none').innerText()).to.include('aucune réponse type');
      expect(await other.page.locator('#saved-none a').getAttribute('href')).to.equal('/staff/replies');
      expect(await other.page.locator('#saved-list [role=option]').count()).to.equal(0);
      await screenshot(other.page, 'picker-none');
      expect(unexpectedErrors(other.errors)).to.deep.equal([]);
    } finally {
      await other.context.close();
    }
  });
});
