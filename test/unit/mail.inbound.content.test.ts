/**
 * Inbound content: HTML sanitizing against a list of XSS payloads (and random markup), quote and
 * signature splitting, language detection, and charset decoding through `parseRaw`.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { detectLanguage, sanitizeMessageHtml, splitQuoted } from '../../server/mail/inbound/content.js';
import { messageContent } from '../../server/mail/inbound/message-content.js';
import { parseRaw } from '../../server/mail/inbound/parse.js';

const allowedAttributes: Record<string, string[]> = {
  a: ['href', 'rel', 'target'],
  img: ['src', 'alt', 'width', 'height'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
};
const allowedTags = new Set([
  'p',
  'br',
  'b',
  'i',
  'strong',
  'em',
  'u',
  'a',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'table',
  'thead',
  'tbody',
  'tr',
  'td',
  'th',
  'h1',
  'h2',
  'h3',
  'h4',
  'img',
]);

/**
 * Checks sanitized output structurally: sanitize-html writes well-formed tags with double-quoted,
 * escaped attribute values, so a tag-by-tag reading of its output is exact.
 */
function assertSafe(html: string | null, input: string): void {
  if (html === null) return;
  const context = `input: ${input}\noutput: ${html}`;
  const tag = /<(\/?)([a-zA-Z0-9]+)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g;
  for (const match of html.matchAll(tag)) {
    const name = (match[2] ?? '').toLowerCase();
    expect(allowedTags.has(name), `tag <${name}>\n${context}`).to.equal(true);
    for (const attribute of (match[3] ?? '').matchAll(/([^\s=]+)(?:="([^"]*)")?/g)) {
      const attr = (attribute[1] ?? '').toLowerCase();
      const value = attribute[2] ?? '';
      expect(allowedAttributes[name] ?? [], `attribute ${attr} on <${name}>\n${context}`).to.include(attr);
      if (attr === 'href') expect(value, context).to.match(/^(https?:\/\/|mailto:)/i);
      if (attr === 'src') expect(value, context).to.match(/^cid:/i);
      if (attr === 'rel') expect(value).to.equal('noopener noreferrer');
      if (attr === 'target') expect(value).to.equal('_blank');
    }
  }
  // Whatever is left between the tags is text, with every "<" escaped.
  expect(html.replace(tag, ''), context).to.not.include('<');
  expect(html, context).to.not.match(/javascript:|vbscript:|data:|expression\(/i);
}

const xssPayloads = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>`,
  `<img src=x onerror=alert(1)>`,
  `<IMG SRC="javascript:alert('XSS');">`,
  `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
  `<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
  `<a href="jav&#x09;ascript:alert(1)">tab</a>`,
  `<a href="&#x6A;avascript:alert(1)">entity</a>`,
  `<a href="  javascript:alert(1)">spaces</a>`,
  `<a href="javascript&colon;alert(1)">colon entity</a>`,
  `<a href="vbscript:msgbox(1)">vb</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>`,
  `<a href="//evil.example/x">protocol-relative</a>`,
  `<a href="https://ok.example/" onmouseover="alert(1)" target="_self" style="color:red">ok</a>`,
  `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
  `<img src="https://tracker.example/p.gif">`,
  `<img src="cid:ok@x" onerror="alert(1)" style="x:expression(alert(1))">`,
  `<svg onload=alert(1)>`,
  `<svg><script>alert(1)</script><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
  `<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">`,
  `<form action="https://evil.example"><input name=p><button formaction=javascript:alert(1)>X</button></form>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<base href="javascript:alert(1)//">`,
  `<link rel=stylesheet href=https://evil.example/x.css>`,
  `<style>@import 'https://evil.example/x.css'; body{background:url(javascript:alert(1))}</style>`,
  `<div style="background:url(javascript:alert(1))">css url</div>`,
  `<p style="width: expression(alert(1))">css expression</p>`,
  `<body onload=alert(1)>body</body>`,
  `<details open ontoggle=alert(1)>d</details>`,
  `<video><source onerror=alert(1)></video><audio src=x onerror=alert(1)>`,
  `<input onfocus=alert(1) autofocus>`,
  `<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)" onclick="x()">t</td></tr></table>`,
  `<scr<script>ipt>alert(1)</script>`,
  `<<script>script>alert(1)<</script>/script>`,
  `"><script>alert(1)</script>`,
  `<!--<img src=x onerror=alert(1)>-->`,
  `<!--[if gte IE 4]><script>alert(1)</script><![endif]-->`,
  `<template><script>alert(1)</script></template>`,
  `<textarea><script>alert(1)</script></textarea>`,
  `<xml><x:script>alert(1)</x:script></xml>`,
  `<a href="https://ok.example/"><img src="cid:a" onload="x"></a>`,
  `<img src="cid:x"/onerror=alert(1)>`,
  `<a href="java\u0000script:alert(1)">nul</a>`,
  `<a href="https://ok.example/&quot; onclick=&quot;alert(1)">quote</a>`,
  `<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`,
  `<div><p><b><i><u><em><strong>deep ${'<div>'.repeat(200)}nested</strong></em></u></i></b></p></div>`,
];

describe('inbound content: HTML sanitizing', () => {
  for (const payload of xssPayloads) {
    it(`neutralizes ${payload.slice(0, 80)}`, () => {
      assertSafe(sanitizeMessageHtml(`<p>avant</p>${payload}<p>après</p>`), payload);
    });
  }

  it('keeps the allowed formatting, links and cid: images', () => {
    const html = sanitizeMessageHtml(
      '<div><h2>Titre</h2><p>Un <b>gras</b>, <i>italique</i>, <a href="https://relais.example/x?a=1&b=2">lien</a>, <a href="mailto:aide@relais.example">mail</a>.</p>' +
        '<ul><li>un</li></ul><blockquote>cité</blockquote><pre><code>code</code></pre><table><thead><tr><th rowspan="2">h</th></tr></thead><tbody><tr><td colspan="2">c</td></tr></tbody></table>' +
        '<img src="cid:logo@x" alt="logo" width="10" height="10"></div>',
    );
    expect(html).to.include('<h2>Titre</h2>');
    expect(html).to.include('<a href="https://relais.example/x?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">lien</a>');
    expect(html).to.include('<a href="mailto:aide@relais.example" rel="noopener noreferrer" target="_blank">mail</a>');
    expect(html).to.include('<th rowspan="2">h</th>');
    expect(html).to.include('<td colspan="2">c</td>');
    expect(html).to.include('<img src="cid:logo@x" alt="logo" width="10" height="10" />');
    expect(html).to.include('<blockquote>cité</blockquote>');
    assertSafe(html, 'allowed');
  });

  it('gives up on HTML nested absurdly deep (sanitizing it would take minutes), not on long flat HTML', () => {
    expect(sanitizeMessageHtml(`${'<div>'.repeat(5000)}fond`)).to.equal(null);
    expect(sanitizeMessageHtml(`${'<p>para'.repeat(5000)}`)).to.be.a('string');
    expect(sanitizeMessageHtml(`${'<div>a</div>'.repeat(5000)}`)).to.be.a('string');
  });

  it('never lets anything unsafe through for random markup (fast-check)', () => {
    const tags = ['script', 'img', 'a', 'svg', 'iframe', 'p', 'div', 'style', 'form', 'math', 'td', 'object', 'meta', 'base', 'noscript', 'textarea', 'b'];
    const attributes = ['onerror', 'onload', 'href', 'src', 'style', 'srcdoc', 'formaction', 'xlink:href', 'background', 'target', 'rel', 'colspan'];
    const values = [
      'javascript:alert(1)',
      ' JaVaScRiPt:x',
      'data:text/html,x',
      'cid:x',
      'https://ok.example',
      '//evil.example',
      'x" onerror="y',
      'expression(x)',
      '&#106;avascript:x',
      'mailto:a@b',
    ];
    const element = fc
      .tuple(
        fc.constantFrom(...tags),
        fc.array(fc.tuple(fc.constantFrom(...attributes), fc.constantFrom(...values)), { maxLength: 3 }),
        fc.string({ maxLength: 20 }),
        fc.boolean(),
      )
      .map(([t, attrs, text, close]) => `<${t}${attrs.map(([a, v]) => ` ${a}="${v}"`).join('')}>${text}${close ? `</${t}>` : ''}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(element, fc.string({ maxLength: 10 })), { maxLength: 12 }), (parts) => {
        const input = parts.join('');
        assertSafe(sanitizeMessageHtml(input), input);
      }),
      { numRuns: 500 },
    );
  });
});

describe('inbound content: quote and signature splitting', () => {
  const cases: Array<{ name: string; text: string; keeps: string; drops: string }> = [
    { name: 'Gmail fr', text: 'Merci.\n\nLe lun. 3 mars 2026 à 10:12, Relais <s@r.demo> a écrit :\n> Bonjour', keeps: 'Merci.', drops: 'Bonjour' },
    {
      name: 'Gmail fr, attribution wrapped',
      text: 'Merci.\n\nLe lun. 3 mars 2026 à 10:12, Relais <\ns@r.demo> a écrit :\n\n> Bonjour',
      keeps: 'Merci.',
      drops: 'Bonjour',
    },
    { name: 'Gmail nl', text: 'Dank u.\n\nOp ma 3 mrt 2026 om 10:12 schreef Relais <s@r.demo>:\n\n> Bonjour', keeps: 'Dank u.', drops: 'Bonjour' },
    { name: 'Gmail en', text: 'Thanks.\n\nOn Mon, Mar 3, 2026 at 10:12 AM Relais <s@r.demo> wrote:\n> Bonjour', keeps: 'Thanks.', drops: 'Bonjour' },
    { name: 'Gmail de', text: 'Danke.\n\nAm Mo., 3. März 2026 um 10:12 Uhr schrieb Relais <s@r.demo>:\n> Bonjour', keeps: 'Danke.', drops: 'Bonjour' },
    {
      name: 'iOS nl',
      text: 'Top.\n\n> Op 3 mrt. 2026 om 10:12 heeft Relais <s@r.demo> het volgende geschreven:\n>\n> Bonjour',
      keeps: 'Top.',
      drops: 'Bonjour',
    },
    {
      name: 'Outlook fr',
      text: 'Voici.\n\nDe : Relais <s@r.demo>\nEnvoyé : lundi 3 mars 2026 10:12\nÀ : Marie\nObjet : x\n\nBonjour',
      keeps: 'Voici.',
      drops: 'Bonjour',
    },
    {
      name: 'Outlook nl',
      text: 'Hier.\n\nVan: Relais <s@r.demo>\nVerzonden: maandag 3 maart 2026 10:12\nAan: Marie\nOnderwerp: x\n\nBonjour',
      keeps: 'Hier.',
      drops: 'Bonjour',
    },
    {
      name: 'Outlook en',
      text: 'Here.\n\nFrom: Relais <s@r.demo>\nSent: Monday, March 3, 2026 10:12 AM\nTo: Marie\nSubject: x\n\nBonjour',
      keeps: 'Here.',
      drops: 'Bonjour',
    },
    { name: 'Outlook, bold markers from HTML', text: 'Ici.\n\n*De :* Relais <s@r.demo>\n*Envoyé :* lundi\n\nBonjour', keeps: 'Ici.', drops: 'Bonjour' },
    { name: 'Message d’origine', text: "Oui.\n\n-----Message d'origine-----\nDe : Relais\n\nBonjour", keeps: 'Oui.', drops: 'Bonjour' },
    { name: 'Oorspronkelijk bericht', text: 'Ja.\n\n-----Oorspronkelijk bericht-----\nVan: Relais\n\nBonjour', keeps: 'Ja.', drops: 'Bonjour' },
    { name: 'Original Message', text: 'Yes.\n\n-----Original Message-----\nFrom: Relais\n\nBonjour', keeps: 'Yes.', drops: 'Bonjour' },
    { name: '"-- " signature', text: 'Question ?\n\n-- \nMarie Dupont\nRue X 1', keeps: 'Question ?', drops: 'Rue X 1' },
    { name: 'Sent from my iPhone', text: 'Ok thanks\n\nSent from my iPhone', keeps: 'Ok thanks', drops: 'iPhone' },
    { name: 'Envoyé de mon iPhone', text: "D'accord\n\nEnvoyé de mon iPhone", keeps: "D'accord", drops: 'iPhone' },
    { name: 'Verstuurd vanaf mijn iPhone', text: 'Goed\n\nVerstuurd vanaf mijn iPhone', keeps: 'Goed', drops: 'iPhone' },
    { name: 'trailing > quote', text: 'Réponse ici.\n\n> ancienne ligne\n> autre ligne', keeps: 'Réponse ici.', drops: 'ancienne' },
  ];
  for (const c of cases) {
    it(`splits ${c.name}`, () => {
      const result = splitQuoted(c.text);
      expect(result.text).to.include(c.keeps);
      expect(result.text).to.not.include(c.drops);
      expect(result.quoted ?? '').to.include(c.drops);
    });
  }

  it('keeps the full text when splitting would leave nothing', () => {
    const text = 'Le lun. 3 mars 2026 à 10:12, Relais <s@r.demo> a écrit :\n> Bonjour\n> Question';
    expect(splitQuoted(text)).to.deep.equal({ text, quoted: null });
    expect(splitQuoted('-- \nMarie').text).to.equal('-- \nMarie');
  });

  it('keeps a text without quotes as it is, indentation included', () => {
    const text = 'Bonjour,\n\n  - point un\n  - point deux\n\nMerci';
    expect(splitQuoted(text)).to.deep.equal({ text, quoted: null });
  });

  it('never returns an empty text for a text with content (fast-check)', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '-- ',
        '> quoted',
        'Le lun. 3 mars 2026 à 10:12, X <x@y> a écrit :',
        'Cordialement,',
        'Sent from my iPhone',
        '-----Original Message-----',
        'De : X <x@y>',
        'Envoyé : lundi',
        '',
      ),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 15 }), (lines) => {
        const text = lines.join('\n');
        fc.pre(text.trim() !== '');
        expect(splitQuoted(text).text.trim()).to.not.equal('');
      }),
      { numRuns: 500 },
    );
  });

  it('stays fast on text built to make reply-parser expressions backtrack (times printed, not asserted)', () => {
    const nasty = {
      'Op … schreef lines': 'Op schreef x\n'.repeat(1200),
      'blank runs after From:': `From: x\n${'\n'.repeat(4000)}[`,
      'long attribution-like lines': `On ${'a '.repeat(490)}\n`.repeat(16),
      'digits, from and <': `${'1234from<'.repeat(13)}\n`.repeat(400),
    };
    const timings = Object.entries(nasty).map(([name, text]) => {
      const started = performance.now();
      splitQuoted(text);
      return `${name} ${(performance.now() - started).toFixed(1)} ms`;
    });
    console.log(`      ${timings.join('; ')}`);
  });
});

describe('inbound content: language', () => {
  it('tells French, Dutch, English and German apart', () => {
    expect(detectLanguage("Bonjour, je n'ai toujours pas reçu ma facture de février.")).to.equal('fr');
    expect(detectLanguage('Goedemorgen, ik heb mijn factuur nog niet ontvangen.')).to.equal('nl');
    expect(detectLanguage('Hello, I still have not received my invoice for February.')).to.equal('en');
    expect(detectLanguage('Hallo, ich habe meine Rechnung noch nicht erhalten.')).to.equal('de');
  });

  it('says null when the text is too short, another language, or unclear', () => {
    expect(detectLanguage('Merci !')).to.equal(null);
    expect(detectLanguage('R-2026-000123 https://relais.example/t/abc marie@example.be 0470 12 34 56')).to.equal(null);
    expect(detectLanguage('Hola, todavía no he recibido mi factura de febrero, ¿pueden enviármela otra vez?')).to.equal(null);
    expect(detectLanguage('')).to.equal(null);
  });
});

describe('inbound content: charsets', () => {
  const message = (headers: string, body: Buffer): Buffer =>
    Buffer.concat([Buffer.from(`From: a@example.be\r\nTo: support@relais.demo\r\nMessage-ID: <c@example.be>\r\n${headers}\r\n\r\n`, 'latin1'), body]);

  const cases: Array<{ name: string; raw: Buffer; subject?: string; text: string }> = [
    {
      name: 'UTF-8 8bit',
      raw: message('Subject: x\r\nContent-Type: text/plain; charset=utf-8', Buffer.from('Été à Liège – “ok” €')),
      text: 'Été à Liège – “ok” €',
    },
    {
      name: 'ISO-8859-1 8bit',
      raw: message('Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1', Buffer.from('Été à Liège', 'latin1')),
      text: 'Été à Liège',
    },
    {
      name: 'ISO-8859-15 (€ at 0xA4)',
      raw: message('Subject: x\r\nContent-Type: text/plain; charset=iso-8859-15', Buffer.from([0x31, 0x30, 0x20, 0xa4])),
      text: '10 €',
    },
    {
      name: 'Windows-1252 quoted-printable',
      raw: message(
        'Subject: x\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable',
        Buffer.from('=93ok=94 =96 =80'),
      ),
      text: '“ok” – €',
    },
    {
      name: 'Latin-1 bytes declared UTF-8',
      raw: message('Subject: x\r\nContent-Type: text/plain; charset=utf-8', Buffer.from('déjà payée', 'latin1')),
      text: 'déjà payée',
    },
    {
      name: 'UTF-8 bytes declared ISO-8859-1',
      raw: message('Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1', Buffer.from('déjà payée')),
      text: 'déjà payée',
    },
    {
      name: 'UTF-8 bytes declared Windows-1252, base64',
      raw: message(
        'Subject: x\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: base64',
        Buffer.from(Buffer.from('Straße, één').toString('base64')),
      ),
      text: 'Straße, één',
    },
    { name: 'no charset, Latin-1 bytes', raw: message('Subject: x', Buffer.from('Chère amie', 'latin1')), text: 'Chère amie' },
    { name: 'encoded-word Q, ISO-8859-1', raw: message('Subject: =?ISO-8859-1?Q?R=E9sum=E9?=', Buffer.from('x')), subject: 'Résumé', text: 'x' },
    {
      name: 'encoded-word B, UTF-8',
      raw: message(`Subject: =?UTF-8?B?${Buffer.from('Één vraag 🙂').toString('base64')}?=`, Buffer.from('x')),
      subject: 'Één vraag 🙂',
      text: 'x',
    },
    { name: 'encoded-word Q, Windows-1252', raw: message('Subject: =?windows-1252?Q?=93Oui=94?=', Buffer.from('x')), subject: '“Oui”', text: 'x' },
    { name: 'raw UTF-8 in the Subject (RFC 6532)', raw: message('Subject: Réunion à Gent', Buffer.from('x')), subject: 'Réunion à Gent', text: 'x' },
    { name: 'raw Latin-1 in the Subject', raw: message('Subject: R\xe9union \xe0 Gent', Buffer.from('x')), subject: 'Réunion à Gent', text: 'x' },
  ];
  for (const c of cases) {
    it(`decodes ${c.name}`, async () => {
      const result = await parseRaw(c.raw);
      if (!result.ok) expect.fail(result.detail);
      if (c.subject) expect(result.mail.subject).to.equal(c.subject);
      expect((await messageContent(result.mail)).text).to.equal(c.text);
    });
  }

  it('drops Outlook’s stand-ins for inline images from the text ("[cid:image001.png@…]"): the image is shown, the stand-in is noise', async () => {
    const raw = Buffer.from(
      'From: a@example.be\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMerci beaucoup !\r\n\r\nLotte Peeters\r\n[cid:image001.png@01DA2B3C.4D5E6F70]\r\nAdministratie [cid:image002.jpg@01DA2B3C.4D5E6F70] Gent\r\n',
    );
    const result = await parseRaw(raw);
    if (!result.ok) expect.fail(result.detail);
    const content = await messageContent(result.mail);
    expect(content.fullText).to.equal('Merci beaucoup !\n\nLotte Peeters\nAdministratie Gent');
  });

  it('decodes an RFC 2231 file name in ISO-8859-1', async () => {
    const raw = Buffer.from(
      'From: a@example.be\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n' +
        "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=iso-8859-1'fr'd%E9claration.pdf\r\n\r\n%PDF\r\n--b--\r\n",
    );
    const result = await parseRaw(raw);
    if (!result.ok) expect.fail(result.detail);
    expect((await messageContent(result.mail)).attachments.map((a) => a.filename)).to.deep.equal(['déclaration.pdf']);
  });
});
