import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Transporter } from 'nodemailer';
import { listCaughtMail, startMailCatcher } from '../../server/mail/catcher.js';
import { Outbox, OutboxDueModel, OutboxLeaseModel, markOutboxDue } from '../../server/mail/mail.models.js';
import { outboxWrites } from '../../server/mail/mail-parts.js';
import { applyWrite } from '../../server/tickets/journal-writes.js';
import { createMailTransport, enqueueMail, findOutboxMail, listFailedMail, processOutbox, queuedMail, buildOutboxMail } from '../../server/mail/outbox.js';
import { startOutboxWorker } from '../../server/mail/outbox-worker.js';
import { remarkUnsentMail } from '../../server/mail/outbox-sweep.js';
import { jobs } from '../../server/housekeeping/housekeeping.js';
import { mailLocales, mailTemplateNames, renderMail } from '../../server/mail/templates.js';
import { viewsDir } from '../../server/lib/paths.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const config = testConfig({ MAIL_FROM: 'Relais <support@relais.example>' });
const XSS = '<script>alert("x")</script>';
let seq = 0;
/** A fresh ticket number per message, so tests never see each other's mail. */
const nextNumber = (): string => `R-2026-${String(100_000 + ++seq).padStart(6, '0')}`;

function ackData(ticketNumber: string, subject = 'Changement d’adresse') {
  return { ticketNumber, subject, ticketUrl: `https://help.example.org/t/${ticketNumber}` };
}

describe('mail: templates', () => {
  it('has an HTML and a text template for every message and language, HTML with {{ }} only', () => {
    const files = readdirSync(path.join(viewsDir, 'emails'));
    for (const template of mailTemplateNames) {
      for (const locale of mailLocales) {
        for (const kind of ['html', 'text']) {
          const name = `${template}.${locale}.${kind}.hbs`;
          expect(files, name).to.include(name);
          if (kind === 'html') expect(readFileSync(path.join(viewsDir, 'emails', name), 'utf8')).not.to.match(/\{\{\{|\{\{&/);
        }
      }
    }
  });

  const greetings = { fr: 'Bonjour', nl: 'Goedendag', en: 'Hello' } as const;

  for (const locale of mailLocales) {
    it(`renders both messages in ${locale}, escaping <script> in every value in HTML and keeping text as text`, () => {
      const ack = renderMail('ticket-acknowledgement', locale, {
        ticketNumber: 'R-2026-000123',
        subject: XSS,
        ticketUrl: `https://help.example.org/t/1?x=${encodeURIComponent(XSS)}&y="><b>`,
        files: [`scan ${XSS}.pdf`],
      });
      // The files received are listed, their names as text; without files, no list at all.
      expect(ack.text).to.include(`- scan ${XSS}.pdf`);
      expect(ack.html).to.include('<li>scan &lt;script&gt;');
      const bare = renderMail('ticket-acknowledgement', locale, { ticketNumber: 'R-2026-000123', subject: 'S', ticketUrl: 'https://help.example.org/t/1' });
      expect(bare.html).not.to.include('<ul');
      expect(bare.text).not.to.match(/^- /m);
      const reply = renderMail('staff-reply', locale, {
        ticketNumber: 'R-2026-000123',
        subject: XSS,
        replyText: `Line one ${XSS}\nLine two & more`,
        agentFirstName: `Anne ${XSS}`,
        ticketUrl: 'https://help.example.org/t/1',
      });
      for (const mail of [ack, reply]) {
        expect(mail.subject).to.match(/^\[R-2026-000123\] /);
        expect(mail.subject).to.include(XSS);
        expect(mail.html).not.to.include('<script>');
        expect(mail.html).not.to.include('"><b>');
        expect(mail.html).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
        expect(mail.text).to.include(XSS);
        expect(mail.text).not.to.match(/&lt;|&amp;|&quot;|&#x/);
        expect(mail.html).to.include(greetings[locale]);
        expect(mail.text).to.include(greetings[locale]);
        expect(mail.html).to.include(`lang="${locale}"`);
      }
      expect(reply.html).to.include('Line one &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>\nLine two &amp; more');
      expect(reply.text).to.include(`Line one ${XSS}\nLine two & more`);
      expect(reply.text).to.include(`Anne ${XSS}`);
    });
  }

  it('refuses data that does not fit the message (unknown field, bad URL, bad number)', () => {
    expect(() => renderMail('ticket-acknowledgement', 'fr', { ...ackData('R-2026-000001'), ticketUrl: 'javascript:alert(1)' })).to.throw();
    expect(() => renderMail('ticket-acknowledgement', 'fr', { ...ackData('nope') })).to.throw();
    expect(() => renderMail('ticket-acknowledgement', 'fr', { ...ackData('R-2026-000001'), extra: 'x' } as ReturnType<typeof ackData>)).to.throw();
  });

  it('keeps a subject on one line', () => {
    const mail = renderMail('ticket-acknowledgement', 'en', ackData('R-2026-000001', 'Hello\r\nBcc: evil@example.org'));
    expect(mail.subject).to.equal('[R-2026-000001] Hello Bcc: evil@example.org');
  });
});

describe('mail: outbox', () => {
  useTestDatabase();
  let smtp: TestSmtp;
  let transport: Transporter;

  before(async () => {
    smtp = await startTestSmtp();
    transport = createMailTransport(smtp.url);
  });
  after(async () => {
    transport.close();
    await smtp.stop();
  });
  afterEach(() => smtp.rejectWith(null));

  const t0 = new Date('2026-03-02T09:00:00Z');
  const at = (ms: number) => () => new Date(t0.getTime() + ms);

  it('sends an acknowledgement as auto-replied only when it answers a mail; one of a web form (its In-Reply-To is the thread root) is auto-generated', async () => {
    const number = nextNumber();
    const root = `<${number}@relais.example>`;
    const web = await enqueueMail(
      { template: 'ticket-acknowledgement', locale: 'fr', to: 'web.form@example.org', data: ackData(number), headers: { inReplyTo: root, references: [root] } },
      { config, now: t0 },
    );
    const byMail = await enqueueMail(
      {
        template: 'ticket-acknowledgement',
        locale: 'fr',
        to: 'by.mail@example.org',
        data: ackData(number),
        headers: { inReplyTo: '<first@example.org>', references: [root, '<first@example.org>'] },
      },
      { config, now: t0 },
    );
    await processOutbox({ transport, logger: silentLogger, now: at(0) });
    const gotWeb = await smtp.sentMail({ to: 'web.form@example.org' });
    expect(gotWeb.parsed.messageId).to.equal(web.messageId);
    expect(gotWeb.header('Auto-Submitted')).to.equal('auto-generated');
    const gotMail = await smtp.sentMail({ to: 'by.mail@example.org' });
    expect(gotMail.parsed.messageId).to.equal(byMail.messageId);
    expect(gotMail.header('Auto-Submitted')).to.equal('auto-replied');
    expect(gotMail.header('In-Reply-To')).to.equal('<first@example.org>');
  });

  it('stores the rendered message, queued, and sends it with stable threading headers', async () => {
    const number = nextNumber();
    const ack = await enqueueMail(
      { template: 'ticket-acknowledgement', locale: 'fr', to: 'marie@example.org', data: ackData(number), headers: { replyTo: 'support+t1@relais.example' } },
      { config, now: t0 },
    );
    const stored = await findOutboxMail(ack._id);
    expect(stored).to.include({ status: 'queued', attempts: 0, lastError: null, sentAt: null, autoSubmitted: true });
    expect(stored?.nextAttemptAt.getTime()).to.equal(t0.getTime());
    expect(stored?.subject).to.equal(`[${number}] Changement d’adresse`);
    expect(stored?.messageId).to.equal(`<${String(ack._id)}.${number}@relais.example>`);

    const reply = await enqueueMail(
      {
        template: 'staff-reply',
        locale: 'nl',
        to: ['jan@example.org'],
        data: {
          ticketNumber: number,
          subject: 'Adreswijziging',
          replyText: 'Dag Jan,\nHet is in orde.',
          agentFirstName: 'Anne',
          ticketUrl: 'https://help.example.org/t/1',
        },
        ticketId: '65f000000000000000000001',
        headers: { inReplyTo: ack.messageId, references: ['<member-first@example.org>', ack.messageId], replyTo: 'support+t1@relais.example' },
      },
      { config, now: t0 },
    );

    const result = await processOutbox({ transport, logger: silentLogger, now: at(0) });
    expect(result.sent).to.be.at.least(2);

    const gotAck = await smtp.sentMail({ to: 'marie@example.org', subject: new RegExp(`^\\[${number}\\]`) });
    expect(gotAck.parsed.messageId).to.equal(ack.messageId);
    // It answers no mail (no In-Reply-To), so it is generated, not a reply (RFC 3834; the next test has both kinds).
    expect(gotAck.header('Auto-Submitted')).to.equal('auto-generated');
    expect(gotAck.header('Reply-To')).to.equal('support+t1@relais.example');
    expect(gotAck.header('In-Reply-To')).to.equal(undefined);
    expect(gotAck.parsed.text).to.include(number);
    expect(gotAck.parsed.html).to.include('Voir ma demande');

    const gotReply = await smtp.sentMail({ to: 'jan@example.org', subject: `[${number}] Adreswijziging` });
    expect(gotReply.parsed.messageId).to.equal(reply.messageId);
    expect(gotReply.header('In-Reply-To')).to.equal(ack.messageId);
    expect(gotReply.parsed.references).to.deep.equal(['<member-first@example.org>', ack.messageId]);
    expect(gotReply.header('Auto-Submitted')).to.equal(undefined);
    expect(gotReply.parsed.text).to.include('Het is in orde.');

    const sent = await findOutboxMail(reply._id);
    expect(sent).to.include({ status: 'sent', attempts: 1 });
    expect(sent?.sentAt?.getTime()).to.equal(t0.getTime());
  });

  it('loses nothing while SMTP is down, and sends once when it is back (attempts counted, backoff respected)', async () => {
    const number = nextNumber();
    await smtp.stop();
    const mail = await enqueueMail({ template: 'ticket-acknowledgement', locale: 'en', to: 'down@example.org', data: ackData(number) }, { config, now: t0 });
    const first = await processOutbox({ transport, logger: silentLogger, now: at(0) });
    expect(first.retried).to.be.at.least(1);
    let stored = await findOutboxMail(mail._id);
    expect(stored).to.include({ status: 'queued', attempts: 1 });
    expect(stored?.lastError).to.be.a('string').and.not.equal('');
    expect(stored?.nextAttemptAt.getTime()).to.equal(t0.getTime() + 30_000);

    // Still down, after the first backoff: second attempt, next wait 2 min.
    await processOutbox({ transport, logger: silentLogger, now: at(31_000) });
    stored = await findOutboxMail(mail._id);
    expect(stored).to.include({ status: 'queued', attempts: 2 });
    expect(stored?.nextAttemptAt.getTime()).to.equal(t0.getTime() + 31_000 + 120_000);

    await smtp.start();
    // Not due yet: nothing is sent early.
    await processOutbox({ transport, logger: silentLogger, now: at(60_000) });
    expect(smtp.received.filter((m) => m.subject.includes(number))).to.have.length(0);

    await processOutbox({ transport, logger: silentLogger, now: at(151_000) });
    await smtp.sentMail({ to: 'down@example.org', subject: new RegExp(number) });
    stored = await findOutboxMail(mail._id);
    expect(stored).to.include({ status: 'sent', attempts: 3 });

    await processOutbox({ transport, logger: silentLogger, now: at(10 * 3_600_000) });
    expect(smtp.received.filter((m) => m.subject.includes(number))).to.have.length(1);
  });

  it('fails a message at once on a permanent 5xx and lists it for administrators; a 4xx is retried', async () => {
    const permanent = nextNumber();
    const transient = nextNumber();
    smtp.rejectWith(550);
    const bad = await enqueueMail(
      { template: 'ticket-acknowledgement', locale: 'fr', to: 'nobody@example.org', data: ackData(permanent) },
      { config, now: t0 },
    );
    await processOutbox({ transport, logger: silentLogger, now: at(0) });
    const failed = await findOutboxMail(bad._id);
    expect(failed).to.include({ status: 'failed', attempts: 1 });
    expect(failed?.lastError).to.match(/550/);
    const listed = await listFailedMail();
    expect(listed.map((m) => String(m._id))).to.include(String(bad._id));

    smtp.rejectWith(451);
    const soft = await enqueueMail(
      { template: 'ticket-acknowledgement', locale: 'fr', to: 'later@example.org', data: ackData(transient) },
      { config, now: t0 },
    );
    await processOutbox({ transport, logger: silentLogger, now: at(0) });
    expect(await findOutboxMail(soft._id)).to.include({ status: 'queued', attempts: 1 });
    smtp.rejectWith(null);
    await processOutbox({ transport, logger: silentLogger, now: at(30_000) });
    expect(await findOutboxMail(soft._id)).to.include({ status: 'sent', attempts: 2 });
    expect((await listFailedMail()).map((m) => String(m._id))).not.to.include(String(soft._id));
  });

  it('gives up after the maximum number of attempts', async () => {
    const number = nextNumber();
    smtp.rejectWith(421);
    const mail = await enqueueMail({ template: 'ticket-acknowledgement', locale: 'en', to: 'max@example.org', data: ackData(number) }, { config, now: t0 });
    for (let i = 0; i < 3; i++) await processOutbox({ transport, logger: silentLogger, now: at(i * 3_600_000), maxAttempts: 3 });
    expect(await findOutboxMail(mail._id)).to.include({ status: 'failed', attempts: 3 });
  });

  it('sends each message exactly once when two workers share the outbox', async () => {
    const numbers = Array.from({ length: 12 }, () => nextNumber());
    const ids = [];
    for (const n of numbers) {
      ids.push((await enqueueMail({ template: 'ticket-acknowledgement', locale: 'nl', to: 'race@example.org', data: ackData(n) }, { config, now: t0 }))._id);
    }
    const other = createMailTransport(smtp.url);
    let sent = 0;
    try {
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all([
          processOutbox({ transport, logger: silentLogger, now: at(0), workerId: 'a' }),
          processOutbox({ transport: other, logger: silentLogger, now: at(0), workerId: 'b' }),
        ]);
        sent += results.reduce((n, r) => n + r.sent, 0);
      }
    } finally {
      other.close();
    }
    expect(sent).to.equal(numbers.length);
    for (const n of numbers)
      expect(
        smtp.received.filter((m) => m.subject.includes(n)),
        n,
      ).to.have.length(1);
    for (const id of ids) expect(await findOutboxMail(id)).to.include({ status: 'sent', attempts: 1 });
  });

  it('takes over an attempt whose worker died only after the lease timeout (at worst one resend)', async () => {
    const number = nextNumber();
    const mail = await enqueueMail({ template: 'ticket-acknowledgement', locale: 'en', to: 'crash@example.org', data: ackData(number) }, { config, now: t0 });
    // A worker claimed attempt 1 and died.
    await OutboxLeaseModel.create({ _id: `${String(mail._id)}:1`, outbox: mail._id, attempt: 1, worker: 'dead', at: t0 });
    await processOutbox({ transport, logger: silentLogger, now: at(60_000) });
    expect(await findOutboxMail(mail._id)).to.include({ status: 'queued', attempts: 0 });
    await processOutbox({ transport, logger: silentLogger, now: at(11 * 60_000) });
    expect(await findOutboxMail(mail._id)).to.include({ status: 'queued', attempts: 1 });
    await processOutbox({ transport, logger: silentLogger, now: at(11 * 60_000) });
    expect(await findOutboxMail(mail._id)).to.include({ status: 'sent', attempts: 2 });
    expect(smtp.received.filter((m) => m.subject.includes(number))).to.have.length(1);
  });
  it('never forgets a message queued while a pass reads the marks (mark written, message not yet stored)', async () => {
    const number = nextNumber();
    const doc = buildOutboxMail({ template: 'ticket-acknowledgement', locale: 'en', to: 'race@example.org', data: ackData(number) }, { config });
    // enqueueMail writes the mark first (a crash then loses nothing), then the message: a pass in between…
    await markOutboxDue(doc._id);
    expect((await queuedMail()).map((m) => String(m._id))).not.to.include(String(doc._id));
    await Outbox.collection.insertOne(doc);
    // …must not have dropped the mark of the message about to be stored.
    expect((await queuedMail()).map((m) => String(m._id))).to.include(String(doc._id));
    await processOutbox({ transport, logger: silentLogger });
    expect(smtp.received.filter((m) => m.subject.includes(number))).to.have.length(1);
  });

  it('keeps each waiting message’s next try on its mark, so a pass reads only the messages due', async () => {
    const number = nextNumber();
    await smtp.stop();
    const mail = await enqueueMail({ template: 'ticket-acknowledgement', locale: 'en', to: 'later@example.org', data: ackData(number) }, { config, now: t0 });
    await processOutbox({ transport, logger: silentLogger, now: at(0) });
    await smtp.start();
    // The failed attempt moved the mark to the next try (30 s later).
    expect((await OutboxDueModel.collection.findOne({ _id: mail._id }))?.due?.getTime()).to.equal(t0.getTime() + 30_000);
    // The mark decides: told to wait, the pass does not even read the message (its document could say otherwise).
    await OutboxDueModel.collection.updateOne({ _id: mail._id }, { $set: { due: new Date(t0.getTime() + 3_600_000) } });
    await processOutbox({ transport, logger: silentLogger, now: at(60_000) });
    expect(await findOutboxMail(mail._id)).to.include({ status: 'queued', attempts: 1 });
    // A mark behind its message (an update lost in a crash) is moved to the message's next try, nothing sent early.
    await Outbox.updateOne({ _id: mail._id }, { $set: { nextAttemptAt: new Date(t0.getTime() + 7_200_000) } });
    await processOutbox({ transport, logger: silentLogger, now: at(3_700_000) });
    expect((await OutboxDueModel.collection.findOne({ _id: mail._id }))?.due?.getTime()).to.equal(t0.getTime() + 7_200_000);
    expect(smtp.received.filter((m) => m.subject.includes(number))).to.have.length(0);
    // Sent: its mark goes in the same pass.
    await processOutbox({ transport, logger: silentLogger, now: at(7_200_000) });
    expect(await findOutboxMail(mail._id)).to.include({ status: 'sent', attempts: 2 });
    expect(await OutboxDueModel.collection.findOne({ _id: mail._id })).to.equal(null);
  });

  it('keeps a mark the ticket journal wrote while its message is not stored yet, written now or replayed days after its event (QA: an acknowledgement never left)', async () => {
    for (const withTime of [true, false]) {
      const number = nextNumber();
      // A replay: the message (and its id) made three days ago.
      const made = withTime ? new Date() : new Date(Date.now() - 3 * 24 * 3600_000);
      const doc = buildOutboxMail(
        { template: 'ticket-acknowledgement', locale: 'en', to: 'journal@example.org', data: ackData(number) },
        { config, now: made, id: Types.ObjectId.createFromTime(Math.floor(made.getTime() / 1000)) },
      );
      const [mark, message] = outboxWrites(doc);
      if (!mark || !message) throw new Error('two writes expected');
      await applyWrite(withTime ? mark : ({ ...mark, doc: {} } as typeof mark));
      await queuedMail();
      expect(await OutboxDueModel.collection.findOne({ _id: doc._id }), withTime ? 'a mark written now' : 'a mark replayed three days on').to.not.equal(null);
      await applyWrite(message);
      await processOutbox({ transport, logger: silentLogger });
      expect(smtp.received.filter((m) => m.subject.includes(number))).to.have.length(1);
    }
  });

  it('forgets a mark whose message never came (the process died in between) once it is old', async () => {
    const orphan = new Types.ObjectId();
    await markOutboxDue(orphan, new Date(Date.now() - 2 * 24 * 3600_000));
    await queuedMail();
    expect(await OutboxDueModel.collection.findOne({ _id: orphan })).to.equal(null);
  });

  it('puts a message queued without its mark (an older version could lose one) back in the worker’s sight, once settled; then it is sent once', async () => {
    const now = new Date();
    const queuedAt = (ageMs: number, to: string) => {
      const made = new Date(now.getTime() - ageMs);
      const number = nextNumber();
      const doc = buildOutboxMail(
        { template: 'ticket-acknowledgement', locale: 'fr', to, data: ackData(number) },
        { config, now: made, id: Types.ObjectId.createFromTime(Math.floor(made.getTime() / 1000)) },
      );
      return { doc, number };
    };
    const lost = queuedAt(3 * 3_600_000, 'lost@example.org');
    const settling = queuedAt(60_000, 'settling@example.org');
    const marked = queuedAt(4 * 3_600_000, 'marked@example.org');
    await Outbox.collection.insertMany([lost.doc, settling.doc, marked.doc] as never[]);
    const due = new Date(now.getTime() + 3_600_000);
    await markOutboxDue(marked.doc._id, due); // waits for a retry: its mark stays as it is
    await processOutbox({ transport, logger: silentLogger, now: () => now });
    expect(
      smtp.received.filter((m) => m.subject.includes(lost.number)),
      'unseen without its mark',
    ).to.have.length(0);

    expect(await remarkUnsentMail(now)).to.equal(1);
    expect(await OutboxDueModel.collection.findOne({ _id: lost.doc._id })).to.not.equal(null);
    expect(await OutboxDueModel.collection.findOne({ _id: settling.doc._id }), 'between its insert and its mark, maybe').to.equal(null);
    expect((await OutboxDueModel.collection.findOne({ _id: marked.doc._id }))?.due?.getTime()).to.equal(due.getTime());
    await processOutbox({ transport, logger: silentLogger, now: () => now });
    expect(smtp.received.filter((m) => m.subject.includes(lost.number))).to.have.length(1);
    expect(await remarkUnsentMail(now), 'sent: nothing to put back').to.equal(0);
    // The daily housekeeping pass runs it.
    expect(jobs.find((j) => j.name === 'unsent queued mail')?.everyMs).to.equal(24 * 3_600_000);
  });
});

describe("mail: the running server's transport keeps its connection", () => {
  useTestDatabase();
  const t0 = new Date('2026-03-02T09:00:00Z');
  const at = (ms: number) => () => new Date(t0.getTime() + ms);

  it('sends a backlog on one connection, and opens a new one after the SMTP server went away', async () => {
    const smtp = await startTestSmtp();
    const pooled = createMailTransport(smtp.url, { pool: true });
    const plain = createMailTransport(smtp.url);
    try {
      const enqueue = (to: string) => enqueueMail({ template: 'ticket-acknowledgement', locale: 'fr', to, data: ackData(nextNumber()) }, { config, now: t0 });
      for (const to of ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org']) await enqueue(to);
      expect((await processOutbox({ transport: pooled, logger: silentLogger, now: at(0) })).sent).to.equal(4);
      expect(new Set(smtp.received.map((m) => m.session)).size, 'four messages, one connection').to.equal(1);
      // Without the pool, each message opens its own connection (what the server did before).
      for (const to of ['e@example.org', 'f@example.org']) await enqueue(to);
      await processOutbox({ transport: plain, logger: silentLogger, now: at(0) });
      expect(new Set(smtp.received.slice(4).map((m) => m.session)).size).to.equal(2);

      // An outage drops the kept connection; the next message goes on a new one (retried if it met the dead one).
      await smtp.stop();
      await smtp.start();
      const after = await enqueue('g@example.org');
      await processOutbox({ transport: pooled, logger: silentLogger, now: at(0) });
      await processOutbox({ transport: pooled, logger: silentLogger, now: at(60_000) });
      const got = await smtp.sentMail({ to: 'g@example.org' });
      expect(got.session).to.not.equal(smtp.received[0]?.session);
      expect(await findOutboxMail(after._id)).to.include({ status: 'sent' });
    } finally {
      pooled.close();
      plain.close();
      await smtp.stop();
    }
  });
});

describe('mail: catcher and worker', () => {
  useTestDatabase();

  it('catches what the worker sends and lists it', async () => {
    const catcher = await startMailCatcher({ logger: silentLogger });
    const transport = createMailTransport(catcher.url);
    const worker = startOutboxWorker({ config, logger: silentLogger, transport, pollIntervalMs: 60_000 });
    try {
      const number = nextNumber();
      const mail = await enqueueMail(
        { template: 'ticket-acknowledgement', locale: 'en', to: 'caught@example.org', data: ackData(number, `Hi ${XSS}`) },
        { config },
      );
      await worker.kick();
      const caught = await listCaughtMail();
      const found = caught.find((m) => m.subject.includes(number));
      expect(found, 'caught mail').to.not.equal(undefined);
      expect(found?.messageId).to.equal(mail.messageId);
      expect(found?.to).to.include('caught@example.org');
      expect(found?.from).to.include('support@relais.example');
      expect(found?.text).to.include(`Hi ${XSS}`);
      expect(found?.html).to.include('Hi &lt;script&gt;');
      expect(found?.raw).to.include('Auto-Submitted: auto-generated');
      expect(found?.date).to.be.instanceOf(Date);
      expect(await findOutboxMail(mail._id)).to.include({ status: 'sent', attempts: 1 });
    } finally {
      await worker.stop();
      transport.close();
      await catcher.stop();
    }
  });

  it('drains a backlog batch after batch, without waiting for the next poll', async () => {
    const smtp = await startTestSmtp();
    const transport = createMailTransport(smtp.url);
    const numbers = Array.from({ length: 17 }, () => nextNumber());
    for (const number of numbers)
      await enqueueMail({ template: 'ticket-acknowledgement', locale: 'fr', to: 'backlog@example.org', data: ackData(number) }, { config });
    // Batches of 5 and an hour between polls: the first pass and a kick's pass alone would send 10.
    const worker = startOutboxWorker({ config, logger: silentLogger, transport, pollIntervalMs: 3_600_000, batchSize: 5 });
    try {
      await worker.kick();
      expect(await queuedMail()).to.have.length(0);
      const subjects = smtp.received.map((m) => m.parsed.subject ?? '');
      for (const number of numbers)
        expect(
          subjects.filter((s) => s.includes(number)),
          number,
        ).to.have.length(1);
      // Deferred messages count as progress (they leave the due set until their next attempt): a relay
      // that refuses everything gets each message once per pass, and the pass after sees only what is left.
      const refusing = { sendMail: () => Promise.reject(Object.assign(new Error('try later'), { responseCode: 451 })) } as unknown as Transporter;
      for (let i = 0; i < 6; i++)
        await enqueueMail({ template: 'ticket-acknowledgement', locale: 'fr', to: 'later@example.org', data: ackData(nextNumber()) }, { config });
      const result = await processOutbox({ transport: refusing, logger: silentLogger, batchSize: 5 });
      expect(result).to.include({ retried: 5, more: true });
      const next = await processOutbox({ transport: refusing, logger: silentLogger, batchSize: 5 });
      expect(next).to.include({ retried: 1, more: false });
    } finally {
      await worker.stop();
      transport.close();
      await smtp.stop();
    }
  });
});
