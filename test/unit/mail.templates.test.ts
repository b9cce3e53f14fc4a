/**
 * Every email template in every language, without I/O beyond reading the templates:
 * it renders, its subject threads (or not) as it should, every value is escaped in HTML
 * and left as typed in text, a header can never be split, and Dutch and English are not French.
 */
import { expect } from 'chai';
import { franc } from 'franc-min';
import Handlebars from 'handlebars';
import {
  autoSubmittedHeader,
  autoSubmittedValue,
  mailAudience,
  mailLocales,
  mailTemplateNames,
  memberTemplates,
  renderMail,
  staffTemplates,
  type MailLocale,
  type MailTemplateData,
  type MailTemplateName,
  type RenderedMail,
} from '../../server/mail/templates.js';

const base = 'https://help.example.org';
const number = 'R-2026-000123';
const ticketUrl = `${base}/demandes/abc123`;
const staffTicketUrl = `${base}/staff/tickets/65f000000000000000000001`;
const linkUrl = `${base}/m/tok_9f8e7d`;
const unlockUrl = `${base}/staff/login/unlock/tok_5a4b3c`;
const ratingUrls = { 1: `${base}/note/1`, 2: `${base}/note/2`, 3: `${base}/note/3`, 4: `${base}/note/4`, 5: `${base}/note/5` };

/** Valid data for each template, in words that belong to no language in particular. */
function sample(): MailTemplateData {
  return {
    'ticket-acknowledgement': { memberName: 'Ana Ruiz', ticketNumber: number, subject: 'Relais 2026', ticketUrl },
    'follow-up-held': { memberName: 'Ana Ruiz', ticketNumber: number, subject: 'Relais 2026', ticketUrl },
    'staff-reply': { memberName: 'Ana Ruiz', ticketNumber: number, subject: 'Relais 2026', replyText: 'Ok.\nR-2026', agentFirstName: 'Anne', ticketUrl },
    'information-request': {
      memberName: 'Ana Ruiz',
      ticketNumber: number,
      subject: 'Relais 2026',
      replyText: 'IBAN?\n2026',
      agentFirstName: 'Anne',
      ticketUrl,
    },
    'ticket-resolved': {
      memberName: 'Ana Ruiz',
      ticketNumber: number,
      subject: 'Relais 2026',
      ticketUrl,
      ratingUrls: { ...ratingUrls },
      resolutionNote: 'Ok.\n2026',
    },
    'ticket-merged': {
      memberName: 'Ana Ruiz',
      ticketNumber: number,
      subject: 'Relais 2026',
      sourceNumber: 'R-2026-000124',
      sourceSubject: 'Relais 2026 bis',
      ticketUrl,
    },
    'member-link': {
      memberName: 'Ana Ruiz',
      linkUrl,
      expiresInDays: 7,
      tickets: [
        { number, subject: 'Relais 2026', statusLabel: 'Open' },
        { number: 'R-2026-000124', subject: 'IBAN', statusLabel: 'Ok' },
      ],
    },
    'staff-escalation': {
      ticketNumber: number,
      subject: 'Relais 2026',
      fromTier: 1,
      toTier: 2,
      teamName: 'Team 2',
      escalatedBy: 'Julie Lambert',
      reasonLabel: 'IBAN',
      handoff: 'IBAN ok.\n2026',
      staffTicketUrl,
    },
    'staff-reassignment': { ticketNumber: number, subject: 'Relais 2026', reassignedBy: 'Isabelle Collard', reason: 'Ok.\n2026', staffTicketUrl },
    'sla-warning': {
      ticketNumber: number,
      subject: 'Relais 2026',
      breached: false,
      deadlineLabel: 'SLA',
      dueText: '12:30',
      explanation: 'SLA 2026',
      staffTicketUrl,
    },
    'staff-unlock': { name: 'Julie Lambert', unlockUrl, expiresInMinutes: 15 },
    'staff-invite': { name: 'Anne', invitedBy: 'Relais 2026', setPasswordUrl: `${base}/staff/password/tok_1a2b3c`, expiresInHours: 24 },
    'password-reset': { name: 'Anne', setPasswordUrl: `${base}/staff/password/tok_4d5e6f`, expiresInMinutes: 30 },
    'password-changed': { name: 'Anne', when: '7 décembre 2026 à 10:42', reset: true, forgotUrl: `${base}/staff/login/forgot` },
    'mail-test': { sentBy: 'Thomas Lejeune', sentAt: '2026 12:30', server: 'smtp.example.org:587', settingsUrl: `${base}/staff/admin/mail-settings` },
  };
}

function render<T extends MailTemplateName>(template: T, locale: MailLocale, data: MailTemplateData[T]): RenderedMail {
  return renderMail(template, locale, data);
}

/** The page a message links to: the ticket page, the member's magic link, or the staff ticket page. */
function mainUrl(template: MailTemplateName): string {
  if (template === 'member-link') return linkUrl;
  if (template === 'staff-unlock') return unlockUrl;
  if (template === 'staff-invite') return `${base}/staff/password/tok_1a2b3c`;
  if (template === 'password-reset') return `${base}/staff/password/tok_4d5e6f`;
  if (template === 'password-changed') return `${base}/staff/login/forgot`;
  if (template === 'mail-test') return `${base}/staff/admin/mail-settings`;
  return mailAudience[template] === 'staff' ? staffTicketUrl : ticketUrl;
}

/** The links about an account, not a ticket: nothing to thread on, nothing to do in Relais but follow them. */
const aboutNoTicket: readonly MailTemplateName[] = ['member-link', 'staff-unlock', 'staff-invite', 'password-reset', 'password-changed', 'mail-test'];

const payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{constructor}}'];
const escape = (value: string): string => Handlebars.escapeExpression(value);

/** Paths of every free-text and URL field in a data object (numbers and ticket numbers have fixed shapes). */
function stringFields(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return ['ticketNumber', 'number', 'sourceNumber'].includes(prefix.at(-1) ?? '') ? [] : [prefix];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => stringFields(child, [...prefix, key]));
}

function withValue(data: unknown, fieldPath: string[], value: string): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of fieldPath.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = fieldPath.at(-1) ?? '';
  // URLs stay URLs: the payload goes into the query string, which a URL may carry as is.
  node[last] = /url/i.test(fieldPath.join('.')) ? `${base}/x?q=${value}` : value;
  return copy;
}

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe('mail templates (pure)', () => {
  it('lists each template once, for members or staff, with the automatic ones flagged', () => {
    expect(mailTemplateNames).to.have.members([
      'ticket-acknowledgement',
      'staff-reply',
      'information-request',
      'ticket-resolved',
      'ticket-merged',
      'follow-up-held',
      'member-link',
      'staff-escalation',
      'staff-reassignment',
      'sla-warning',
      'staff-unlock',
      'staff-invite',
      'password-reset',
      'password-changed',
      'mail-test',
    ]);
    expect(memberTemplates).to.have.members([
      'ticket-acknowledgement',
      'staff-reply',
      'information-request',
      'ticket-resolved',
      'ticket-merged',
      'follow-up-held',
      'member-link',
    ]);
    expect(staffTemplates).to.have.members([
      'staff-escalation',
      'staff-reassignment',
      'sla-warning',
      'staff-unlock',
      'staff-invite',
      'password-reset',
      'password-changed',
      'mail-test',
    ]);
    // A person wrote staff-reply and information-request; everything else Relais sends on its own.
    const automatic = mailTemplateNames.filter((name) => autoSubmittedHeader[name] !== null);
    expect(automatic).to.have.members([
      'ticket-acknowledgement',
      'ticket-resolved',
      'ticket-merged',
      'follow-up-held',
      'member-link',
      'staff-escalation',
      'staff-reassignment',
      'sla-warning',
      'staff-unlock',
      'staff-invite',
      'password-reset',
      'password-changed',
      'mail-test',
    ]);
    // Only the acknowledgement and the held-mail notice answer a message (RFC 3834 "auto-replied"); the rest are generated.
    expect(automatic.filter((name) => autoSubmittedHeader[name] === 'auto-replied')).to.have.members(['ticket-acknowledgement', 'follow-up-held']);
  });

  it('sends "auto-replied" only for a message that answers a mail someone sent, not its thread root (a web form’s acknowledgement)', () => {
    const root = '<R-2026-000001@relais.example>';
    const ack = { template: 'ticket-acknowledgement' };
    expect(autoSubmittedValue({ ...ack, inReplyTo: '<m1@example.be>', references: [root, '<m1@example.be>'] })).to.equal('auto-replied');
    expect(autoSubmittedValue({ ...ack, inReplyTo: root, references: [root] })).to.equal('auto-generated');
    expect(autoSubmittedValue({ ...ack, inReplyTo: null, references: [] })).to.equal('auto-generated');
    expect(autoSubmittedValue({ template: 'ticket-resolved', inReplyTo: '<m1@example.be>', references: [root, '<m1@example.be>'] })).to.equal('auto-generated');
    expect(autoSubmittedValue({ template: 'renamed-since', inReplyTo: '<m1@example.be>', references: [] })).to.equal('auto-generated');
  });

  for (const template of mailTemplateNames) {
    for (const locale of mailLocales) {
      it(`${template} renders in ${locale}: subject, text with the link visible, HTML that stands alone`, () => {
        const mail = render(template, locale, sample()[template]);
        // The magic link and the unlock link are about no ticket: no number to thread on.
        const aboutTicket = !aboutNoTicket.includes(template);
        if (!aboutTicket) expect(mail.subject).not.to.match(/\[R-/);
        else expect(mail.subject.startsWith(`[${number}] `), mail.subject).to.equal(true);
        expect(mail.subject).not.to.match(/[\r\n]/);
        if (aboutTicket) expect(mail.subject).to.include('Relais 2026');

        expect(mail.text).to.include(mainUrl(template));
        expect(mail.text).not.to.match(/<[a-z/]|&[a-z]+;|&#/i);
        expect(mail.text).not.to.include('{{');
        // The footer sits under the usual signature separator, with the link in it.
        const footer = mail.text.split('\n-- \n')[1] ?? '';
        expect(footer, 'text footer').to.include(mainUrl(template));

        expect(mail.html).to.include(`<html lang="${locale}">`);
        expect(mail.html).to.include('<meta name="viewport"');
        expect(mail.html).to.include(`href="${mainUrl(template)}"`);
        expect(mail.html).not.to.include('{{');
        // Nothing fetched from elsewhere: no images, style sheets, fonts or scripts.
        expect(mail.html).not.to.match(/<(img|link|style|script|iframe)\b|\bsrc=|url\(|@import/i);
        for (const href of mail.html.match(/href="[^"]*"/g) ?? []) expect(href).to.match(/^href="https:\/\//);
        for (const tag of ['table', 'tr', 'td', 'p', 'a', 'strong']) {
          expect(count(mail.html, new RegExp(`<${tag}[\\s>]`, 'g')), `<${tag}> opened and closed`).to.equal(count(mail.html, new RegExp(`</${tag}>`, 'g')));
        }
      });
    }
  }

  it('gives every member mail about one ticket the same subject (a changed subject splits the conversation in Gmail) and says what it is first', () => {
    const aboutOne = memberTemplates.filter((name) => !aboutNoTicket.includes(name));
    expect(aboutOne).to.have.length(6);
    for (const locale of mailLocales) {
      const mails = aboutOne.map((template) => render(template, locale, sample()[template]));
      expect(new Set(mails.map((m) => m.subject)), locale).to.deep.equal(new Set([`[${number}] Relais 2026`]));
      // The hidden first line an inbox shows under the subject: what this mail is, before the greeting.
      const firsts = mails.map((m) => /<body[^>]*>\s*<div style="display: none;[^"]*">([^<]+)<\/div>/.exec(m.html)?.[1] ?? '');
      expect(
        firsts.every((line) => line.length > 10),
        `${locale}: ${firsts.join(' | ')}`,
      ).to.equal(true);
      expect(new Set(firsts).size, locale).to.equal(aboutOne.length);
    }
    expect(render('ticket-resolved', 'nl', sample()['ticket-resolved']).html).to.include('>Uw vraag is opgelost.</div>');
    // Carrying a reply, it says so first: "resolved" alone would hide the answer.
    const carried = render('ticket-resolved', 'fr', { ...sample()['ticket-resolved'], replies: [{ agentFirstName: 'Anne', replyText: 'Ok.' }] });
    expect(carried.html).to.include('>Une réponse, et votre demande est résolue.</div>');
  });

  it('puts every member email’s link in a footer that invites a reply, except the magic link’s (a reply would quote it)', () => {
    const invite = { fr: /répondez simplement à ce message/, nl: /Beantwoord dan gewoon deze e-mail/, en: /simply reply to this email/ };
    for (const template of memberTemplates) {
      for (const locale of mailLocales) {
        const mail = render(template, locale, sample()[template]);
        const footer = mail.text.split('\n-- \n')[1] ?? '';
        const htmlFooter = mail.html.slice(mail.html.lastIndexOf('border-top: 1px solid #dfe3e8'));
        expect(htmlFooter, `${template} ${locale} HTML footer`).to.include(`>${mainUrl(template)}</a>`);
        if (template === 'member-link') {
          expect(footer, `${template} ${locale}`).not.to.match(invite[locale]);
          expect(htmlFooter, `${template} ${locale}`).not.to.match(invite[locale]);
        } else {
          expect(footer, `${template} ${locale}`).to.match(invite[locale]);
          expect(htmlFooter, `${template} ${locale}`).to.match(invite[locale]);
        }
      }
    }
  });

  it('greets the member by the name they gave, and with a bare greeting when the name is none (an address, empty, no letter)', () => {
    const greeting = { fr: 'Bonjour', nl: 'Beste', en: 'Hello' };
    const bare = { fr: 'Bonjour,', nl: 'Goedendag,', en: 'Hello,' };
    for (const template of memberTemplates) {
      for (const locale of mailLocales) {
        const named = render(template, locale, { ...sample()[template], memberName: '  Ana   Ruiz ' } as MailTemplateData[typeof template]);
        expect(named.text.split('\n')[0], `${template} ${locale}`).to.equal(`${greeting[locale]} Ana Ruiz,`);
        expect(named.html, `${template} ${locale}`).to.include(`>${greeting[locale]} Ana Ruiz,</p>`);
        for (const memberName of [null, '', 'ana.ruiz@example.org', '"ana@example.org"', '1234']) {
          const plain = render(template, locale, { ...sample()[template], memberName } as MailTemplateData[typeof template]);
          expect(plain.text.split('\n')[0], `${template} ${locale} ${String(memberName)}`).to.equal(bare[locale]);
          expect(plain.html, `${template} ${locale} ${String(memberName)}`).to.include(`>${bare[locale]}</p>`);
        }
      }
    }
  });

  it('leaves its own greeting out of a reply that opens with one (no "Beste Ana Ruiz," over "Beste Ana,")', () => {
    for (const template of ['staff-reply', 'information-request'] as const) {
      for (const locale of mailLocales) {
        const own = render(template, locale, { ...sample()[template], greet: false, replyText: 'Beste Ana,\nHier is het.' });
        expect(own.text, `${template} ${locale}`).not.to.include('Ana Ruiz,');
        expect(own.html, `${template} ${locale}`).not.to.include('Ana Ruiz,');
        expect(own.text.split('\n')[0], `${template} ${locale}`).to.match(/Anne/);
        expect(own.text, `${template} ${locale}`).to.include('Beste Ana,\nHier is het.');
        const greeted = render(template, locale, sample()[template]);
        expect(greeted.text.split('\n')[0], `${template} ${locale}`).to.include('Ana Ruiz,');
      }
    }
  });

  it('escapes every string field in HTML and keeps it verbatim in text, for every template and language', () => {
    let checked = 0;
    for (const template of mailTemplateNames) {
      const data = sample()[template];
      for (const field of stringFields(data)) {
        for (const payload of payloads) {
          for (const locale of mailLocales) {
            const label = `${template}.${field.join('.')} ${locale} ${payload}`;
            const mail = renderMail(template, locale, withValue(data, field, payload) as MailTemplateData[typeof template]);
            expect(mail.html, label).to.include(escape(payload));
            expect(mail.html, label).not.to.match(/<script|<img/i);
            if (escape(payload) !== payload) expect(mail.html, label).not.to.include(payload);
            expect(mail.text, label).to.include(payload);
            expect(mail.text, label).not.to.include(escape('<'));
            checked += 1;
          }
        }
      }
    }
    expect(checked).to.be.greaterThan(250);
  });

  it('never lets CR or LF in a value break a subject line', () => {
    const evil = 'Hello\r\nBcc: evil@example.org\nX-Evil: 1\r';
    for (const template of mailTemplateNames) {
      const data = sample()[template];
      if (!('subject' in data)) continue;
      for (const locale of mailLocales) {
        const mail = renderMail(template, locale, { ...data, subject: evil } as MailTemplateData[typeof template]);
        expect(mail.subject, `${template} ${locale}`).not.to.match(/[\r\n]/);
        expect(mail.subject).to.include('Hello Bcc: evil@example.org X-Evil: 1');
      }
    }
  });

  it('writes Dutch in Dutch and English in English, not French', () => {
    const only = ['fra', 'nld', 'eng'];
    const expected: Record<MailLocale, string> = { fr: 'fra', nl: 'nld', en: 'eng' };
    const french = /\b(vous|votre|vos|le|la|les|une|est|pour|Bonjour)\b/i;
    for (const template of mailTemplateNames) {
      const texts = Object.fromEntries(
        mailLocales.map((locale) => [locale, render(template, locale, sample()[template]).text.replace(/https?:\/\/\S+/g, '')]),
      ) as Record<MailLocale, string>;
      expect(texts.nl).not.to.equal(texts.fr);
      expect(texts.en).not.to.equal(texts.fr);
      for (const locale of mailLocales) expect(franc(texts[locale], { only }), `${template} ${locale}`).to.equal(expected[locale]);
      expect(texts.nl, `${template} nl`).not.to.match(french);
      expect(texts.en, `${template} en`).not.to.match(french);
      expect(texts.en, `${template} en`).not.to.match(/\b(uw|het|een|niet|deze)\b/i);
      expect(texts.fr, `${template} fr`).to.match(french);
    }
  });

  describe('ticket-acknowledgement', () => {
    it('after a phone call says the request was recorded from the call, not that the member wrote (QA); the link says it works once', () => {
      const said = {
        fr: ['Suite à votre appel, nous avons enregistré votre demande', 'Merci de nous avoir écrit', 'Ce lien personnel sert une fois'],
        nl: ['Naar aanleiding van uw telefoongesprek hebben we uw vraag', 'Bedankt voor uw bericht', 'Deze persoonlijke link werkt één keer'],
        en: ['Following your call, we have recorded your request', 'Thank you for getting in touch', 'This personal link works once'],
      } as const;
      for (const locale of mailLocales) {
        const [phone, written, once] = said[locale];
        const byPhone = render('ticket-acknowledgement', locale, { ...sample()['ticket-acknowledgement'], byPhone: true });
        for (const part of [byPhone.text, byPhone.html]) {
          expect(part).to.include(phone).and.include(once);
          expect(part).not.to.include(written);
        }
        const byVisit = render('ticket-acknowledgement', locale, { ...sample()['ticket-acknowledgement'], byVisit: true });
        expect(byVisit.text).to.match(/passage|bezoek|visit/);
        expect(byVisit.text).not.to.include(written);
        const byMail = render('ticket-acknowledgement', locale, { ...sample()['ticket-acknowledgement'], selfService: true });
        for (const part of [byMail.text, byMail.html]) expect(part).to.include(written).and.not.include(phone);
        // Filed by staff another way (the API): no "ignore it" line either.
        const byStaff = render('ticket-acknowledgement', locale, sample()['ticket-acknowledgement']);
        for (const part of [byStaff.text, byStaff.html])
          expect(part).not.to.include(
            { fr: 'Vous n’avez pas fait cette demande', nl: 'Hebt u deze vraag niet gesteld?', en: 'Did not make this request?' }[locale],
          );
        // A call's acknowledgement ends on the reply invitation, with no empty line after it.
        expect(byPhone.text.endsWith('\n\n')).to.equal(false);
        // Anyone can type an address in the form: the one who did not write is told to ignore it (QA). A call or a visit was theirs.
        const notMine = { fr: 'Vous n’avez pas fait cette demande', nl: 'Hebt u deze vraag niet gesteld?', en: 'Did not make this request?' }[locale];
        for (const part of [byMail.text, byMail.html]) expect(part).to.include(notMine);
        for (const part of [byPhone.text, byPhone.html, byVisit.text, byVisit.html]) expect(part).not.to.include(notMine);
      }
    });
  });

  describe('ticket-resolved', () => {
    it('offers the five scores in order, each to its own address, worded as on the member page, and says a comment can follow', () => {
      const labels = {
        fr: ['Pas du tout satisfait·e', 'Très satisfait·e', /ajouter un commentaire/],
        nl: ['Helemaal niet tevreden', 'Zeer tevreden', /opmerking toevoegen/],
        en: ['Not satisfied at all', 'Very satisfied', /add a comment/],
      } as const;
      for (const locale of mailLocales) {
        const mail = render('ticket-resolved', locale, sample()['ticket-resolved']);
        const hrefs = (mail.html.match(/href="[^"]*\/note\/\d"/g) ?? []).map((h) => h.slice(-2, -1));
        expect(hrefs).to.deep.equal(['1', '2', '3', '4', '5']);
        const lines = mail.text.split('\n').filter((l) => /^\d — /.test(l));
        expect(lines.map((l) => l.at(0))).to.deep.equal(['1', '2', '3', '4', '5']);
        lines.forEach((l, i) => expect(l.endsWith(`${base}/note/${i + 1}`), l).to.equal(true));
        expect(lines[0]).to.include(labels[locale][0]);
        expect(lines[4]).to.include(labels[locale][1]);
        expect(mail.text).to.match(labels[locale][2]);
      }
    });

    it('shows the resolution note when there is one (line breaks kept), and nothing when there is none', () => {
      const withNote = render('ticket-resolved', 'fr', { ...sample()['ticket-resolved'], resolutionNote: 'Virement fait.\nÀ bientôt <b>' });
      expect(withNote.text).to.include('En résumé :\nVirement fait.\nÀ bientôt <b>');
      expect(withNote.html).to.include('Virement fait.<br>\nÀ bientôt &lt;b&gt;');
      for (const resolutionNote of [null, undefined]) {
        const data = { ...sample()['ticket-resolved'], resolutionNote };
        const mail = render('ticket-resolved', 'fr', data);
        expect(mail.text).not.to.include('En résumé');
        expect(mail.html).not.to.include('En résumé');
        expect(mail.text).to.include('est maintenant résolue.\n\nComment évaluez-vous');
      }
    });

    it('refuses a missing score or a score that is not a web address', () => {
      const data = sample()['ticket-resolved'];
      const { 5: _five, ...four } = data.ratingUrls;
      expect(() => renderMail('ticket-resolved', 'fr', { ...data, ratingUrls: four } as unknown as typeof data)).to.throw();
      expect(() => renderMail('ticket-resolved', 'fr', { ...data, ratingUrls: { ...data.ratingUrls, 3: 'javascript:alert(1)' } })).to.throw();
    });
  });

  describe('member-link', () => {
    it('still reads well without any request, and says "1 day" in the singular', () => {
      const wording = {
        fr: ['Voici votre lien pour suivre vos demandes', 'pendant 1 jour au plus', 'Vos demandes :'],
        nl: ['Hier is uw link om uw vragen op te volgen', 'hoogstens 1 dag toegang', 'Uw vragen:'],
        en: ['Here is your link to follow your requests', 'up to 1 day', 'Your requests:'],
      } as const;
      for (const locale of mailLocales) {
        const mail = render('member-link', locale, { linkUrl, expiresInDays: 1, tickets: [] });
        const [intro, singular, heading] = wording[locale];
        expect(mail.text).to.include(intro);
        expect(mail.text).to.include(singular);
        expect(mail.text).not.to.include(heading);
        expect(mail.html).not.to.include(number);
        expect(mail.text).not.to.match(/\n\n\n/);
      }
    });

    it('lists the requests with their number, subject and status, and counts days in the plural', () => {
      const mail = render('member-link', 'fr', sample()['member-link']);
      expect(mail.text).to.include('pendant 7 jours au plus');
      expect(mail.text).to.include(`- ${number} · Relais 2026 (Open)\n- R-2026-000124 · IBAN (Ok)`);
      expect(mail.html).to.include(number).and.include('R-2026-000124');
    });

    it('refuses more than 50 requests, a fractional or zero lifetime, and a ticket without a number', () => {
      const data = sample()['member-link'];
      const many = Array.from({ length: 51 }, (_, i) => ({ number: `R-2026-${String(i).padStart(6, '0')}`, subject: 'x', statusLabel: 'Open' }));
      expect(() => renderMail('member-link', 'fr', { ...data, tickets: many })).to.throw();
      expect(() => renderMail('member-link', 'fr', { ...data, tickets: many.slice(0, 50) })).not.to.throw();
      expect(() => renderMail('member-link', 'fr', { ...data, expiresInDays: 0 })).to.throw();
      expect(() => renderMail('member-link', 'fr', { ...data, expiresInDays: 2.5 })).to.throw();
      expect(() => renderMail('member-link', 'fr', { ...data, tickets: [{ number: 'nope', subject: 'x', statusLabel: 'Open' }] })).to.throw();
    });
  });

  describe('staff mail', () => {
    it('tells staff to work in Relais rather than reply, and shows the tiers, team, reason and handoff', () => {
      const mail = render('staff-escalation', 'en', sample()['staff-escalation']);
      expect(mail.subject).to.equal(`[${number}] Escalated to tier 2: Relais 2026`);
      expect(mail.text).to.include('from tier 1 to tier 2 (Team 2) by Julie Lambert');
      expect(mail.text).to.include('Reason: IBAN');
      expect(mail.text).to.include('Handoff note:\nIBAN ok.\n2026');
      expect(mail.html).to.include('IBAN ok.<br>\n2026');
      // Mail about a ticket: the unlock link is about no ticket, there is nothing to do in Relais but follow it.
      for (const template of staffTemplates.filter((name) => !aboutNoTicket.includes(name))) {
        expect(render(template, 'fr', sample()[template]).text).to.include('plutôt que de répondre à ce message');
      }
    });

    it('says what the unlock link does, for how long and how often, in the three languages', () => {
      const words = {
        fr: [/15 minutes/, /une seule fois/, /ignorez ce message/],
        nl: [/15 minuten/, /één keer/, /Negeer deze e-mail/],
        en: [/15 minutes/, /once/, /ignore this email/],
      };
      for (const locale of mailLocales) {
        const mail = render('staff-unlock', locale, sample()['staff-unlock']);
        for (const pattern of words[locale]) expect(mail.text, `${locale} ${String(pattern)}`).to.match(pattern);
        expect(mail.subject).to.include('Relais');
      }
      expect(render('staff-unlock', 'en', { ...sample()['staff-unlock'], expiresInMinutes: 1 }).text).to.include('1 minute,');
      expect(() => renderMail('staff-unlock', 'en', { ...sample()['staff-unlock'], unlockUrl: 'javascript:alert(1)' })).to.throw();
    });

    it('says what the invitation and reset links do, for how long and how often, in the three languages', () => {
      const words = {
        fr: {
          invite: [/24 heures/, /une seule fois/, /Relais 2026 vous a créé un compte/],
          reset: [/30 minutes/, /une seule fois/, /sessions ouvertes seront alors fermées/],
        },
        nl: { invite: [/24 uur/, /één keer/, /Relais 2026 heeft een account/], reset: [/30 minuten/, /één keer/, /open sessies worden dan afgesloten/] },
        en: { invite: [/24 hours/, /once/, /Relais 2026 created an account/], reset: [/30 minutes/, /once/, /open sessions then end/] },
      };
      for (const locale of mailLocales) {
        const invite = render('staff-invite', locale, sample()['staff-invite']);
        const reset = render('password-reset', locale, sample()['password-reset']);
        for (const pattern of words[locale].invite) expect(invite.text, `${locale} ${String(pattern)}`).to.match(pattern);
        for (const pattern of words[locale].reset) expect(reset.text, `${locale} ${String(pattern)}`).to.match(pattern);
      }
      expect(() => renderMail('password-reset', 'en', { ...sample()['password-reset'], setPasswordUrl: 'javascript:alert(1)' })).to.throw();
    });

    it('refuses an escalation that does not go up', () => {
      const data = sample()['staff-escalation'];
      expect(() => renderMail('staff-escalation', 'fr', { ...data, fromTier: 2, toTier: 2 })).to.throw();
      expect(() => renderMail('staff-escalation', 'fr', { ...data, fromTier: 2, toTier: 3 })).not.to.throw();
      expect(() => renderMail('staff-escalation', 'fr', { ...data, toTier: 4 } as unknown as typeof data)).to.throw();
    });
  });

  it('refuses unknown fields in every template', () => {
    for (const template of mailTemplateNames) {
      expect(() => renderMail(template, 'fr', { ...sample()[template], extra: 'x' } as unknown as MailTemplateData[typeof template]), template).to.throw();
    }
  });
});
