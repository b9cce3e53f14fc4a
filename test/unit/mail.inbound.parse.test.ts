/**
 * `parseRaw` limits and repairs, and the classifiers' details that the corpus does not pin down
 * (subject prefixes, Message-ID normalization, token syntax, own addresses, DSN fields).
 */
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { detectAutomatic, isFromOwnAddress, senderAddress, threadRefs, withoutReplyPrefixes } from '../../server/mail/inbound/classify.js';
import { parseDeliveryStatus } from '../../server/mail/inbound/dsn.js';
import { DEFAULT_PARSE_LIMITS, parseRaw } from '../../server/mail/inbound/parse.js';

const ctx = { inboundAddresses: [{ local: 'support', domain: 'relais.demo' }], ownMessageIdDomain: 'relais.demo' };

function message(headers: string, body = 'x'): Buffer {
  return Buffer.from(`From: a@example.be\r\nTo: support@relais.demo\r\n${headers.replace(/\n/g, '\r\n')}\r\n\r\n${body}\r\n`);
}

async function parsed(headers: string, body?: string) {
  const result = await parseRaw(message(headers, body));
  if (!result.ok) throw new Error(result.detail);
  return result.mail;
}

describe('parseRaw limits', () => {
  it('refuses a message one byte over maxBytes and accepts one at the limit', async () => {
    const raw = message('Subject: x');
    expect(await parseRaw(raw, { maxBytes: raw.length })).to.include({ ok: true });
    expect(await parseRaw(raw, { maxBytes: raw.length - 1 })).to.include({ ok: false, reason: 'too_large' });
  });

  it('measures the top-level header block against maxHeaderBytes', async () => {
    const raw = message(`Subject: x\nX-Pad: ${'a'.repeat(2000)}`);
    expect(await parseRaw(raw, { maxHeaderBytes: 4000 })).to.include({ ok: true });
    expect(await parseRaw(raw, { maxHeaderBytes: 1000 })).to.include({ ok: false, reason: 'headers_too_large' });
  });

  it('counts parts before parsing and refuses more than maxParts', async () => {
    const parts = Array.from({ length: 12 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`).join('');
    const raw = message('Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"', `${parts}--b--`);
    expect(await parseRaw(raw, { maxParts: 12 })).to.include({ ok: true });
    expect(await parseRaw(raw, { maxParts: 11 })).to.include({ ok: false, reason: 'too_many_parts' });
  });

  it('gives up after timeoutMs and says so', async () => {
    const raw = message('Subject: x', 'a'.repeat(4 * 1024 * 1024));
    const result = await parseRaw(raw, { timeoutMs: 1 });
    expect(result).to.include({ ok: false, reason: 'timeout' });
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_PARSE_LIMITS).to.deep.equal({ maxBytes: 25 * 1024 * 1024, maxParts: 500, maxHeaderBytes: 256 * 1024, timeoutMs: 10_000 });
  });

  it('refuses what is not a message, and says why', async () => {
    expect(await parseRaw(Buffer.alloc(0))).to.deep.include({ ok: false, reason: 'unparseable' });
    expect(await parseRaw(Buffer.from('\r\n\r\nbody only'))).to.deep.include({ ok: false, reason: 'unparseable' });
    expect(await parseRaw(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).to.deep.include({ ok: false, reason: 'unparseable' });
  });

  it('refuses a message whose only text is damaged base64 (QA: it became a ticket of noise, with an acknowledgement), but reads one whose other text is whole', async () => {
    const head = ['From: kapot@example.be', 'To: support@relais.demo', 'Subject: =?utf-8?B?kapot', 'MIME-Version: 1.0'];
    const damaged = Buffer.from(
      [
        ...head,
        'Content-Type: multipart/mixed; boundary="XYZ"',
        '',
        '--XYZ',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        '!!!!not base64@@@@',
        '',
      ].join('\r\n'),
    );
    const refused = await parseRaw(damaged);
    expect(refused).to.deep.include({ ok: false, reason: 'unparseable' });
    const whole = Buffer.from(
      [
        ...head,
        'Content-Type: multipart/alternative; boundary="ALT"',
        '',
        '--ALT',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        '!!!!not base64@@@@',
        '--ALT',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Bonjour, mon attestation ?</p>',
        '--ALT--',
        '',
      ].join('\r\n'),
    );
    const read = await parseRaw(whole);
    expect(read.ok).to.equal(true);
  });

  it('keeps a body whose multipart boundary is wrong, where mailparser alone loses it', async () => {
    const raw = message(
      'Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="declared"',
      '--used\r\nContent-Type: text/plain\r\n\r\nLe texte.\r\n--used--',
    );
    expect((await simpleParser(raw)).text ?? '').to.not.include('Le texte.');
    const result = await parseRaw(raw);
    if (!result.ok) expect.fail(result.detail);
    expect(result.mail.text).to.include('Le texte.');
    expect(result.warnings).to.include('boundary_guessed');
  });

  it('gives an HTML-only mail its text with each paragraph on one line (not cut at 80 columns), links and lists kept', async () => {
    const sentence = 'How can I update the IBAN used for my monthly payment to the cooperative? It changed last month.';
    const mail = await parsed(
      'Subject: IBAN\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8',
      `<html><body><p>Hello,</p><p>${sentence}</p><ul><li>old: BE68 5390 0754 7034</li></ul><p>See <a href="https://example.be/form">the form</a>.</p><img src="cid:logo"></body></html>`,
    );
    expect(mail.text).to.include(sentence);
    expect(mail.text).to.include('old: BE68 5390 0754 7034').and.include('the form [https://example.be/form]');
    expect(mail.text).not.to.include('cid:');
    // A mail with a text part keeps that text as written.
    const both = await parsed(
      'Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b"',
      '--b\r\nContent-Type: text/plain\r\n\r\nLe texte.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Autre</p>\r\n--b--',
    );
    expect(both.text?.trim()).to.equal('Le texte.');
  });

  it('leaves the bytes it was given untouched', async () => {
    const raw = Buffer.concat([message('Subject: x\nContent-Type: text/plain; charset=utf-8', ''), Buffer.from('d\xe9j\xe0\r\n', 'latin1')]);
    const copy = Buffer.from(raw);
    await parseRaw(raw);
    expect(raw.equals(copy)).to.equal(true);
  });
});

describe('a new ticket’s subject from a mail’s', () => {
  it('drops reply and forward prefixes and an earlier ticket’s tag, in any order, and nothing else', () => {
    expect(withoutReplyPrefixes('Re: [R-2026-000234] Attestation')).to.equal('Attestation');
    expect(withoutReplyPrefixes('[R-2026-000234] RE: TR: Attestation')).to.equal('Attestation');
    expect(withoutReplyPrefixes('Doorst: Re[2]: Attest')).to.equal('Attest');
    expect(withoutReplyPrefixes('Attestation [R-2026-000234]')).to.equal('Attestation [R-2026-000234]');
    expect(withoutReplyPrefixes('Réponse à votre courrier')).to.equal('Réponse à votre courrier');
  });
});

describe('threadRefs details', () => {
  it('finds ticket numbers in brackets anywhere, and bare after reply and forward prefixes only', async () => {
    const cases: Array<[string, string[]]> = [
      ['[R-2026-000123] Réponse', ['R-2026-000123']],
      ['Re: RE : Antw: TR: Fwd: WG: AW: [r-2026-000123]', ['R-2026-000123']],
      ['Antw: R-2026-000123 Réponse', ['R-2026-000123']],
      ['RE[2]: R-2026-000123', ['R-2026-000123']],
      ['R-2026-000123 directement', ['R-2026-000123']],
      ['Question au sujet de R-2026-000123', []],
      ['[R-2026-000123] et [R-2026-000456]', ['R-2026-000123', 'R-2026-000456']],
      ['[R-2026-00012] trop court', []],
    ];
    for (const [subject, expected] of cases) {
      const mail = await parsed(`Subject: ${subject}`);
      expect(threadRefs(mail, ctx).ticketNumbers, subject).to.deep.equal(expected);
    }
  });

  it('normalizes Message-IDs newest first, without duplicates, and picks out ours', async () => {
    const mail = await parsed(
      'Subject: x\nIn-Reply-To: <6650a1b2c3d4e5f6a7b8c9d0.R-2026-000123@Relais.Demo> (message de Relais)\n' +
        'References: <first@example.be>\n bare@example.be <6650a1b2c3d4e5f6a7b8c9d0.R-2026-000123@Relais.Demo> <6650a1b2c3d4e5f6a7b8c9ff@relais.demo> <6650a1b2c3d4e5f6a7b8c9aa.R-2026-000999@other.example>',
    );
    const refs = threadRefs(mail, ctx);
    expect(refs.messageIds).to.deep.equal([
      '<6650a1b2c3d4e5f6a7b8c9d0.R-2026-000123@Relais.Demo>',
      '<6650a1b2c3d4e5f6a7b8c9aa.R-2026-000999@other.example>',
      '<6650a1b2c3d4e5f6a7b8c9ff@relais.demo>',
      '<first@example.be>',
    ]);
    expect(refs.ownOutboxIds).to.deep.equal(['6650a1b2c3d4e5f6a7b8c9d0', '6650a1b2c3d4e5f6a7b8c9ff']);
    expect(refs.referencedTicketNumbers).to.deep.equal(['R-2026-000123']);
  });

  it('takes a bare Message-ID when the header has no brackets at all', async () => {
    const mail = await parsed('Subject: x\nIn-Reply-To: 6650a1b2c3d4e5f6a7b8c9d0@relais.demo');
    expect(threadRefs(mail, ctx).ownOutboxIds).to.deep.equal(['6650a1b2c3d4e5f6a7b8c9d0']);
  });

  it('accepts tokens of 8 to 200 characters of [A-Za-z0-9_-] at an inbound address only', async () => {
    const to = [
      'support+Abc_def-12@relais.demo',
      'support+short@relais.demo',
      `support+${'a'.repeat(201)}@relais.demo`,
      'support+has.dot123@relais.demo',
      'other+Abcdefgh1@relais.demo',
      'support+Abcdefgh2@elsewhere.example',
      'SUPPORT+CaseKept99@RELAIS.demo',
    ].join(', ');
    const mail = await parsed(`Subject: x\nCc: ${to}`);
    expect(threadRefs(mail, { ...ctx, envelopeRecipients: ['<support+FromEnvelope1@relais.demo>'] }).replyTokens).to.deep.equal([
      'Abc_def-12',
      'CaseKept99',
      'FromEnvelope1',
    ]);
  });
});

describe('classify details', () => {
  it('recognizes own addresses, their plus variants and display-name forms, case-insensitively', async () => {
    const own = ['Relais <Support@Relais.demo>', 'noreply@relais.demo'];
    for (const [from, expected] of [
      ['support@relais.demo', true],
      ['SUPPORT+abc@RELAIS.DEMO', true],
      ['"Relais" <noreply@relais.demo>', true],
      ['support@relais.demo.evil.example', false],
      ['marie@example.be', false],
    ] as const) {
      const mail = await simpleParser(`From: ${from}\r\nSubject: x\r\n\r\nx`);
      expect(isFromOwnAddress(mail, own), from).to.equal(expected);
    }
  });

  it('lower-cases the sender address and decodes its name', async () => {
    const mail = await simpleParser('From: =?UTF-8?Q?Ren=C3=A9e_Lef=C3=A8vre?= <Renee.Lefevre@Example.BE>\r\nSubject: x\r\n\r\nx');
    expect(senderAddress(mail)).to.deep.equal({ address: 'renee.lefevre@example.be', name: 'Renée Lefèvre' });
    expect(senderAddress(await simpleParser('From: undisclosed-recipients:;\r\nSubject: x\r\n\r\nx'))).to.equal(null);
  });

  it('takes the envelope null sender as a sign of a machine', async () => {
    const mail = await parsed('Subject: Votre demande');
    expect(detectAutomatic(mail).kind).to.equal('none');
    expect(detectAutomatic(mail, { mailFrom: '<>' })).to.include({ kind: 'auto_reply', reason: 'null_return_path' });
    // A daemon address is a bounce only with a bounce's shape (issue 15: a person may write from postmaster@).
    expect(detectAutomatic(mail, { mailFrom: 'MAILER-DAEMON@mx.example' }).kind).to.not.equal('bounce');
    expect(detectAutomatic(await parsed('Subject: Undelivered Mail Returned to Sender'), { mailFrom: 'MAILER-DAEMON@mx.example' })).to.include({
      kind: 'bounce',
    });
    expect(detectAutomatic(mail, { mailFrom: 'a@example.be' }).kind).to.equal('none');
  });

  it('does not take "Re: Absence …" from a person for a vacation reply', async () => {
    expect(detectAutomatic(await parsed('Subject: Re: Absence de paiement\nIn-Reply-To: <a@b>')).kind).to.equal('none');
    expect(detectAutomatic(await parsed('Subject: Absence de paiement')).kind).to.equal('none');
    expect(detectAutomatic(await parsed('Subject: Absence de paiement\nIn-Reply-To: <a@b>')).kind).to.equal('auto_reply');
  });

  it('reads the failed recipient of a multi-recipient DSN, folded fields included', () => {
    const details = parseDeliveryStatus(
      'Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; ok@example.org\nAction: delivered\nStatus: 2.0.0\n\n' +
        'Original-Recipient: rfc822;<Lost@Example.org>\nAction: failed\nStatus: 5.2.2 (mailbox full)\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox\n   full\n',
    );
    expect(details).to.deep.equal({ recipient: 'lost@example.org', status: '5.2.2', action: 'failed', diagnostic: '552 5.2.2 Mailbox full' });
    expect(parseDeliveryStatus('nothing here')).to.equal(null);
  });
});
