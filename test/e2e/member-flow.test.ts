/**
 * The member's side in a real browser, end to end: Relais as a user runs it (`server/index.ts`
 * in its own process, embedded database, demo data) sending its mail to a real SMTP server
 * started by the test (smtp-server on loopback), and Debian's Chromium driven by playwright-core.
 *
 *  - a member files a ticket in Dutch with an attachment from a phone-sized viewport;
 *  - the acknowledgement arrives (read from the test SMTP server), in Dutch, with the link;
 *  - the member follows the link on a fresh phone browser and replies;
 *  - the Bruxelles advisor (new members without an office go to the default office) sees the
 *    ticket arrive in the queue and the reply arrive on the ticket page, live;
 *  - the advisor replies; the member gets the email and sees the answer on the page;
 *  - an XSS payload list through every member-entered field runs no script in the staff pages,
 *    the member pages or the emails;
 *  - axe-core finds no serious or critical violation on the form and the member page.
 * Screenshots go to test-results/e2e/member-flow/.
 */
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { gotoLive, runAxe, screenshot, unexpectedErrors, type StaffSession } from '../helpers/browser.js';
import { useE2eServer } from '../helpers/e2e.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const password = 'demo-password-123';
const advisorEmail = 'conseiller.bruxelles@relais.demo';
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Payloads that would run script if any page or email put member text into HTML unescaped. */
const xssPayloads = [
  '<script>window.__xss=1</script>',
  '"><img src=x onerror="window.__xss=1">',
  '<svg onload="window.__xss=1"></svg>',
  '<a href="javascript:window.__xss=1">klik</a>',
  '{{constructor.constructor("window.__xss=1")()}}',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
];

describe('member flow in Chromium (help form, email, member page, advisor live)', function () {
  this.timeout(90_000);
  let smtp: TestSmtp | undefined;
  // The SMTP sink first: the server is started with its address.
  before(async () => {
    smtp = await startTestSmtp();
  });
  const e2e = useE2eServer({
    screenshots: 'member-flow',
    dataPrefix: 'relais-e2e-member-',
    password,
    demoTickets: 10,
    env: () => ({ SMTP_URL: smtp?.url ?? '' }),
  });
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let advisor: StaffSession | undefined;
  let advisorToken = '';

  async function phoneContext(who: string): Promise<Page> {
    const context = await e2e.browser().newContext({ ...phone, locale: 'nl-BE' });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${who}: uncaught ${e.message}`));
    page.on('dialog', (d) => {
      errors.push(`${who}: a dialog opened (${d.message()})`);
      void d.dismiss();
    });
    return page;
  }

  async function fileTicket(page: Page, fields: { name: string; email: string; subject: string; message: string }, withFile: boolean): Promise<string> {
    await page.goto(`${e2e.base}/aide`);
    await page.fill('#f-name', fields.name);
    await page.fill('#f-email', fields.email);
    await page.fill('#f-subject', fields.subject);
    await page.fill('#f-message', fields.message);
    if (withFile) await page.setInputFiles('#f-attachments', { name: 'loonfiche maart.pdf', mimeType: 'application/pdf', buffer: pdf });
    // Files within the limits: no message (one said for earlier files goes).
    expect(await page.locator('#f-attachments-error').count()).to.equal(0);
    await Promise.all([page.waitForURL(/\/aide\/recu\//), page.tap('button[type=submit]')]);
    const number = /R-\d{4}-\d{6}/.exec(await page.locator('.ticket-number-big').innerText())?.[0];
    if (!number) throw new Error('no ticket number on the confirmation page');
    return number;
  }

  async function api<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
    const res = await fetch(`${e2e.base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${advisorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function ticketByNumber(number: string): Promise<{ id: string; version: number }> {
    const list = await api<{ tickets: Array<{ id: string; number: string }> }>('GET', '/tickets?status=new,open,pending_member&limit=200');
    const found = list.tickets.find((t) => t.number === number);
    if (!found) throw new Error(`the advisor cannot find ${number}`);
    const { ticket } = await api<{ ticket: { id: string; version: number } }>('GET', `/tickets/${found.id}`);
    return ticket;
  }

  before(async function () {
    advisorToken = await e2e.token(advisorEmail);
    advisor = await e2e.signIn(advisorEmail);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, context] of [...contexts, ...(advisor ? [advisor.context] : [])].entries()) {
        for (const page of context.pages()) await screenshot(page, `FAILED-${i}`, true).catch(() => undefined);
      }
    }
  });

  after(async function () {
    await smtp?.stop().catch(() => undefined);
  });

  it('a member files in Dutch from a phone with a file, follows the emailed link, replies; the advisor sees it live and answers by email', async () => {
    if (!advisor || !smtp) throw new Error('not started');
    const email = `joke.${Date.now()}@example.be`;
    await gotoLive(advisor.page, `${e2e.base}/staff/queue`);

    // 1. The form, on a phone, in Dutch from the browser's language.
    const member = await phoneContext('member');
    await member.goto(`${e2e.base}/aide`);
    expect(await member.getAttribute('html', 'lang')).to.equal('nl');
    await screenshot(member, 'form-nl-phone', true);
    const formViolations = (await runAxe(member)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(formViolations, JSON.stringify(formViolations, null, 2)).to.deep.equal([]);
    // Sent empty: the server's errors beside the fields and in the summary. A field put right loses its
    // error and its summary line at once; the others stay (QA: "Dit veld is verplicht" beside filled fields).
    await Promise.all([member.waitForLoadState('load'), member.tap('button[type=submit]')]);
    await member.locator('#f-name-error').waitFor();
    const lines = await member.locator('.error-summary li').count();
    await member.fill('#f-name', 'Joke Peeters');
    expect(await member.locator('#f-name-error').count()).to.equal(0);
    expect(await member.getAttribute('#f-name', 'aria-invalid')).to.equal(null);
    expect(await member.locator('.error-summary li').count()).to.equal(lines - 1);
    expect(await member.locator('#f-email-error').count(), 'the other fields keep theirs').to.equal(1);
    // A file over the limit is said at once, in the server's words, before any upload; sending is held.
    await member.setInputFiles('#f-attachments', [
      { name: 'video dak.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 1) },
      { name: 'leeg.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) },
    ]);
    const fileError = member.locator('#f-attachments-error');
    const said = await fileError.innerText();
    expect(said, said).to.match(/^„video dak\.mov” is te groot: maximaal 10\sMB per bestand\. „leeg\.pdf” is leeg\.$/);
    expect(await member.getAttribute('#f-attachments', 'aria-describedby')).to.include('f-attachments-error');
    await member.tap('button[type=submit]');
    expect(new URL(member.url()).pathname, 'nothing was sent').to.equal('/aide');
    await screenshot(member, 'form-file-too-large', true);
    // The field speaks the page's language (not the browser's "Choose Files"), names what was chosen,
    // and takes files dropped on its button; six are one sentence that says to choose again.
    expect(await member.locator('.file-button').innerText()).to.equal('Bestanden kiezen');
    expect(await member.locator('.file-names').innerText()).to.equal('video dak.mov, leeg.pdf');
    await member.evaluate(() => {
      const files = new DataTransfer();
      for (let i = 1; i <= 6; i += 1) files.items.add(new File(['%PDF-1.4'], `doc${i}.pdf`, { type: 'application/pdf' }));
      document.querySelector('.file-button')?.dispatchEvent(new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true }));
    });
    expect(await member.locator('.file-names').innerText()).to.equal('doc1.pdf, doc2.pdf, doc3.pdf, doc4.pdf, doc5.pdf, doc6.pdf');
    expect(await fileError.innerText()).to.equal('Te veel bestanden: maximaal 5. Kies er ten hoogste 5.');
    const number = await fileTicket(
      member,
      {
        name: 'Joke Peeters',
        email,
        subject: 'Loonfiche van maart klopt niet',
        message: 'Goedendag,\nHet nettobedrag op mijn loonfiche van maart is te laag. In bijlage de loonfiche.\nJoke',
      },
      true,
    );
    await screenshot(member, 'sent-nl-phone', true);

    // 2. The advisor's queue shows it without a reload.
    await advisor.page.locator('#queue-rows tr', { hasText: number }).waitFor({ timeout: 10_000 });

    // 3. The acknowledgement, in Dutch, with the link and the threading headers.
    const ack = await smtp.sentMail({ to: email, subject: new RegExp(`\\[${number}\\]`) }, 15_000);
    expect(ack.subject).to.include(`[${number}]`);
    expect(ack.parsed.text).to.include('goed ontvangen');
    expect(String(ack.parsed.html)).to.include('>We hebben uw vraag goed ontvangen.</div>');
    // A web form's acknowledgement answers no mail: generated, not a reply (RFC 3834).
    expect(ack.header('auto-submitted')).to.equal('auto-generated');
    expect(ack.header('reply-to')).to.match(new RegExp(`\\+${number}-[a-f0-9]{16}@`));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/suivi\/acces\/[A-Za-z0-9._-]+)/.exec(ack.parsed.text ?? '')?.[1];
    expect(link, 'a link to the member page in the acknowledgement').to.be.a('string');

    // 4. On a fresh phone browser (the email app), the link opens the ticket; the member replies.
    const advisorTicket = await advisor.context.newPage();
    const { id } = await ticketByNumber(number);
    await gotoLive(advisorTicket, `${e2e.base}/staff/tickets/${id}`);
    expect(await advisorTicket.locator('.msg-files a').first().innerText()).to.equal('loonfiche maart.pdf');
    const mail = await phoneContext('member (from email)');
    await mail.goto(link ?? '');
    // The link's page: one button uses it (a mail filter opening links uses nothing).
    await screenshot(mail, 'member-link-page-nl-phone');
    await Promise.all([mail.waitForURL(new RegExp(`/suivi/demandes/${number}$`)), mail.tap('form[action="/suivi/acces"] button[type=submit]')]);
    expect(await mail.locator('h1').innerText()).to.equal('Loonfiche van maart klopt niet');
    const pageViolations = (await runAxe(mail)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(pageViolations, JSON.stringify(pageViolations, null, 2)).to.deep.equal([]);
    // A log pasted whole is kept whole: the page says by how much it is over (in Dutch), and does not send it.
    await mail.fill('#f-reply', 'regel uit het logboek 0123456789\n'.repeat(700));
    const over = mail.locator('#f-reply-length');
    await over.waitFor({ state: 'visible' });
    expect(await over.innerText()).to.equal('Deze tekst is te lang: maximaal 20.000 tekens, hij telt er 23.099. Maak hem korter of voeg hem toe als bestand.');
    expect((await mail.locator('#f-reply').inputValue()).length).to.equal(23_100);
    const posts: string[] = [];
    mail.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    const before = mail.url();
    await mail.tap('form[action$="/reponses"] button[type=submit]');
    await mail.waitForTimeout(500);
    expect(posts, 'held back in the page, not sent').to.deep.equal([]);
    expect(mail.url()).to.equal(before);
    await screenshot(mail, 'member-reply-too-long-nl-phone');
    // Refused by the server (a form left open too long: its CSRF token no longer holds): the text is
    // kept, the address is the request's own (a reload does not ask to send the form again), and a
    // reload still shows the text (QA).
    const typed = 'Ik stuur dit nog eens na: de loonfiche van januari klopt ook niet.';
    await mail.fill('#f-reply', typed);
    await mail.evaluate(() => {
      const token = document.querySelector<HTMLInputElement>('form[action$="/reponses"] input[name="_csrf"]');
      if (token) token.value = 'expired';
    });
    await mail.tap('form[action$="/reponses"] button[type=submit]');
    await mail.waitForURL(new RegExp(`/suivi/demandes/${number}#reply-title$`));
    expect(await mail.locator('#f-reply').inputValue()).to.equal(typed);
    await mail.reload();
    expect(new URL(mail.url()).pathname).to.equal(`/suivi/demandes/${number}`);
    expect(await mail.locator('#f-reply').inputValue()).to.equal(typed);
    await mail.fill('#f-reply', 'Ik heb ook de loonfiche van februari nagekeken: die klopt wel.');
    expect(await over.isHidden()).to.equal(true);
    await Promise.all([mail.waitForURL(/done=replied/), mail.tap('form[action$="/reponses"] button[type=submit]')]);
    await advisorTicket.locator('.msg-body', { hasText: 'loonfiche van februari nagekeken' }).waitFor({ timeout: 10_000 });
    // Sent: the kept text is gone (the box is empty on the next visit).
    await mail.goto(mail.url().replace(/\?.*$/, ''));
    expect(await mail.locator('#f-reply').inputValue()).to.equal('');

    // 5. The advisor answers; the member gets it by email and on the page.
    const current = await ticketByNumber(number);
    const claimed = await api<{ ticket: { version: number } }>('POST', `/tickets/${id}/claim`, { version: current.version });
    await api('POST', `/tickets/${id}/replies`, {
      version: claimed.ticket.version,
      text: 'Dag Joke, we hebben de fout gevonden: de correctie staat op uw volgende loonfiche.',
    });
    const answer = await smtp.sentMail({ to: email, text: /we hebben de fout gevonden/ }, 15_000);
    expect(answer.subject, 'one conversation in the member’s mail app').to.equal(ack.subject);
    expect(answer.parsed.text).to.include('we hebben de fout gevonden');
    expect(answer.header('auto-submitted')).to.equal(undefined); // a person wrote it
    expect(answer.header('references')).to.include(`<${number}@`);
    await mail.reload();
    await mail.locator('.mmsg-body', { hasText: 'we hebben de fout gevonden' }).waitFor();
    await screenshot(mail, 'member-page-nl-phone', true);
    // The "my requests" page with its link form, also without serious violations.
    await mail.goto(`${e2e.base}/suivi`);
    expect(await mail.locator('.member-tickets li').count()).to.equal(1);
    const listViolations = (await runAxe(mail)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(listViolations, JSON.stringify(listViolations, null, 2)).to.deep.equal([]);
    expect(unexpectedErrors(errors), errors.join('\n')).to.deep.equal([]);
    expect(unexpectedErrors(advisor.errors), advisor.errors.join('\n')).to.deep.equal([]);
  });

  it('runs no script from member-entered text: staff pages, member pages and emails', async () => {
    if (!advisor || !smtp) throw new Error('not started');
    const email = `xss.${Date.now()}@example.be`;
    const member = await phoneContext('xss member');
    const number = await fileTicket(
      member,
      { name: `Mallory ${xssPayloads[1]}`, email, subject: `Test ${xssPayloads[0]}`.slice(0, 200), message: xssPayloads.join('\n') },
      false,
    );
    const ack = await smtp.sentMail({ to: email, subject: new RegExp(`\\[${number}\\]`) }, 15_000);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/suivi\/acces\/[A-Za-z0-9._-]+)/.exec(ack.parsed.text ?? '')?.[1] ?? '';
    await member.goto(link);
    await Promise.all([member.waitForURL(/\/suivi\/demandes\//), member.tap('form[action="/suivi/acces"] button[type=submit]')]);
    await member.fill('#f-reply', xssPayloads.join(' '));
    await Promise.all([member.waitForURL(/done=replied/), member.tap('form[action$="/reponses"] button[type=submit]')]);
    const { id } = await ticketByNumber(number);
    const staffPage = await advisor.context.newPage();
    staffPage.on('dialog', (d) => {
      errors.push(`advisor: a dialog opened (${d.message()})`);
      void d.dismiss();
    });
    await gotoLive(staffPage, `${e2e.base}/staff/tickets/${id}`);
    await gotoLive(advisor.page, `${e2e.base}/staff/queue`);
    for (const page of [member, staffPage, advisor.page]) {
      const state = await page.evaluate(() => ({
        ran: (window as unknown as { __xss?: number }).__xss === 1,
        injected: document.querySelectorAll('img[src="x"], svg[onload], iframe[srcdoc], a[href^="javascript:"], main script').length,
      }));
      expect(state, page.url()).to.deep.equal({ ran: false, injected: 0 });
    }
    expect(await member.locator('.mmsg-body').first().innerText()).to.include('<script>window.__xss=1</script>');
    expect(await staffPage.locator('.msg-body').first().innerText()).to.include('"><img src=x onerror="window.__xss=1">');
    // The email shows the subject as text: no markup of the member's survives in its HTML.
    const html = ack.parsed.html === false ? '' : (ack.parsed.html ?? '');
    expect(html).not.to.match(/<script|<img src="?x|onerror=|<svg|javascript:/i);
    expect(html).to.include('&lt;script&gt;');
    expect(unexpectedErrors(errors), errors.join('\n')).to.deep.equal([]);
  });
});
