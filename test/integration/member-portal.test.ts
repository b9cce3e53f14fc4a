import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { AttachmentModel } from '../../server/attachments/attachment.model.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { memberLinkUrl, signMemberLink } from '../../server/members/member-links.js';
import { MemberModel } from '../../server/members/member.model.js';
import { addNote, claimTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { memberReply } from '../../server/tickets/member.commands.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { hidden, openMemberLink as openLink } from '../helpers/pages.js';
import { useMail } from '../helpers/enrichers.js';
import { waitingLinkRequests } from '../../server/members/link-requests.js';
import { processLinkRequests, startLinkRequestWorker } from '../../server/mail/member-link-mail.js';
import { queueLinkRequest } from '../../server/members/link-requests.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { formatSize } from '../../server/attachments/limits.js';
import { autoSubmittedValue } from '../../server/mail/templates.js';

type Agent = ReturnType<typeof request.agent>;
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const roomy = {
  formPerIp: { limit: 1000, windowMs: 60_000 },
  formPerEmail: { limit: 1000, windowMs: 60_000 },
  linkPerIp: { limit: 1000, windowMs: 60_000 },
  linkPerEmail: { limit: 1000, windowMs: 60_000 },
};

async function openForm(agent: Agent, lang = 'fr'): Promise<{ csrf: string; formToken: string }> {
  const page = await agent.get(`/aide?lang=${lang}`).expect(200);
  return { csrf: hidden(page.text, '_csrf'), formToken: hidden(page.text, 'formToken') };
}

interface Submission {
  name?: string;
  email?: string;
  subject?: string;
  message?: string;
  category?: string;
  website_url?: string;
}

function submit(agent: Agent, tokens: { csrf: string; formToken: string }, fields: Submission, files: Array<{ name: string; bytes: Buffer }> = []) {
  const values = {
    name: 'Joke Peeters',
    email: 'joke.peeters@example.be',
    subject: 'Factuur van maart',
    message: 'Goedendag, mijn factuur van maart klopt niet.',
    category: '',
    website_url: '',
    ...fields,
  };
  let req = agent.post('/aide').field('_csrf', tokens.csrf).field('formToken', tokens.formToken);
  for (const [key, value] of Object.entries(values)) req = req.field(key, value);
  for (const file of files) req = req.attach('attachments', file.bytes, file.name);
  return req;
}

function linkPath(url: string): string {
  return new URL(url).pathname + new URL(url).search;
}

describe('member portal: help form and member pages', function () {
  this.timeout(30_000);
  useTestDatabase();
  let org: Org;
  let config: Config;
  let app: Express;

  before(async () => {
    org = await buildOrg();
    config = testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999', ATTACHMENT_MAX_BYTES: String(64 * 1024), ATTACHMENT_MAX_FILES: '2' });
    useMail(config);
    app = createApp({ config, logger: silentLogger, publicForms: { limits: roomy } });
  });

  describe('the help form', () => {
    it('is served in French by default, in Dutch by Accept-Language, with every field labelled', async () => {
      const fr = await request(app).get('/').expect(200);
      expect(fr.text).to.include('<html lang="fr">').and.include('Poser une question').and.include('for="f-email"');
      const nl = await request(app).get('/aide').set('Accept-Language', 'nl-BE,nl;q=0.9').expect(200);
      expect(nl.text).to.include('<html lang="nl">').and.include('Een vraag stellen');
      for (const id of ['f-name', 'f-email', 'f-memberNumber', 'f-category', 'f-subject', 'f-message', 'f-attachments'])
        expect(fr.text).to.include(`for="${id}"`).and.include(`id="${id}"`);
      expect(fr.text).to.include('Contrats'); // the configured categories
      // The picker offers every type the server takes (phones grey out the rest), and sizes read in the page's language.
      const accept = /id="f-attachments"[^>]* accept="([^"]+)"/.exec(fr.text)?.[1]?.split(',') ?? [];
      expect(accept).to.include.members(['.pdf', '.jpeg', '.heic', '.docx', '.odp', '.ics', '.zip', '.7z', '.txt', '.csv']);
      expect(fr.text).to.include(`de ${formatSize(config.attachments.maxBytes, 'fr')} maximum`);
      expect(formatSize(config.attachments.maxBytes, 'fr')).to.match(/\b[kM]o$/); // French units (ko, Mo), not KB/MB
    });

    it('opens under a word of each language, in that language (a poster in Ghent prints /hulp)', async () => {
      const agent = request.agent(app);
      for (const [alias, target, heading] of [
        ['/hulp', '/aide?lang=nl', 'Een vraag stellen'],
        ['/help', '/aide?lang=en', 'Ask a question'],
      ] as const) {
        expect((await agent.get(alias).expect(302)).headers.location).to.equal(target);
        expect((await agent.get(target).expect(200)).text).to.include(heading);
      }
      expect((await agent.get('/opvolging').expect(302)).headers.location).to.equal('/suivi?lang=nl');
      expect((await agent.get('/follow-up').expect(302)).headers.location).to.equal('/suivi?lang=en');
      expect((await agent.get('/suivi?lang=nl').expect(200)).text).to.include('<html lang="nl">');
    });

    it('answers a submission no sooner than its floor, for a member’s address and a new one alike (timing tells nothing)', async () => {
      const floorMs = 400;
      const floored = createApp({ config, logger: silentLogger, publicForms: { limits: roomy, answerFloorMs: floorMs } });
      const known = await MemberModel.create({ name: 'Known Member', email: 'known.floor@example.be' });
      for (const email of [known.email, 'new.floor@example.be']) {
        const agent = request.agent(floored);
        const tokens = await openForm(agent);
        const started = Date.now();
        await submit(agent, tokens, { email }).expect(303);
        expect(Date.now() - started, email).to.be.at.least(floorMs);
      }
    });

    it('files a ticket routed to tier 1, with its file, an acknowledgement in the outbox, and a confirmation page', async () => {
      const agent = request.agent(app);
      const tokens = await openForm(agent, 'nl');
      const res = await submit(agent, tokens, { category: 'invoices' }, [{ name: 'factuur maart.pdf', bytes: pdf }]).expect(303);
      expect(res.headers.location).to.equal(`/aide/recu/${tokens.formToken}`);
      const sent = await agent.get(res.headers.location as string).expect(200);
      const number = /R-\d{4}-\d{6}/.exec(sent.text)?.[0];
      expect(number, 'ticket number on the confirmation page').to.be.a('string');
      const ticket = await TicketModel.findOne({ number }).lean<Ticket>();
      expect(ticket).to.include({ tier: 1, channel: 'web', language: 'nl', category: 'invoices', status: 'new' });
      const [message] = await MessageModel.find({ ticket: ticket?._id }).lean();
      expect(message?.attachments).to.have.length(1);
      const file = await AttachmentModel.findById(message?.attachments[0]).lean();
      expect(file).to.include({ filename: 'factuur maart.pdf', contentType: 'application/pdf' });
      expect(String(file?.ticket)).to.equal(String(ticket?._id));
      const ack = await Outbox.findOne({ ticket: ticket?._id, template: 'ticket-acknowledgement' }).lean<OutboxMail>();
      expect(ack?.to).to.deep.equal(['joke.peeters@example.be']);
      expect(ack?.locale).to.equal('nl');
      // A web form's acknowledgement answers no mail of the member's: generated, not a reply (RFC 3834).
      expect(ack && autoSubmittedValue(ack)).to.equal('auto-generated');
      expect(ack?.subject).to.include(`[${number}]`);
      expect(ack?.text).to.include('http://127.0.0.1:9999/suivi/acces/');
      expect(ack?.replyTo).to.match(new RegExp(`^support\\+${number}-[a-f0-9]{16}@relais\\.demo$`));
      // It names the file that came with the request, in the member's language ("did my invoice arrive?").
      expect(ack?.text).to.include('Bestanden ontvangen bij uw vraag:\n- factuur maart.pdf');
      expect(ack?.html).to.include('<li>factuur maart.pdf</li>');
      expect(ack?.text).to.include('Het team Ledenondersteuning'); // the team's name, capitalised
      // The page sends the person to the link in the email; the browser that filed it got no session.
      expect(sent.text).to.include('Open de link in die e-mail').and.include('href="/suivi"');
      // And says where the mail went, so a mistyped address is seen at once.
      expect(sent.text).to.include('We hebben een bevestigingsmail gestuurd naar joke.peeters@example.be.');
      await agent.get(`/suivi/demandes/${number}`).expect(401);
    });

    it("gives no member session for an existing member's address: the staff answer is read only through the emailed link", async () => {
      const victim = await buildTicket(org, { member: { name: 'Anne Victime', email: 'anne.victime@example.be' }, subject: 'Mon dossier privé' });
      const held = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(victim._id), version: victim.version });
      await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(victim._id), version: held.version, text: 'Réponse confidentielle pour Anne' });
      const attacker = request.agent(app);
      const tokens = await openForm(attacker, 'fr');
      const res = await submit(attacker, tokens, { name: "Quelqu'un", email: 'ANNE.VICTIME@example.be', subject: 'Je suis Anne' }).expect(303);
      expect(String(res.headers['set-cookie'] ?? '')).not.to.include('relais_member=');
      const sent = await attacker.get(res.headers.location as string).expect(200);
      expect(sent.text).to.include('ouvrez le lien qu’il contient');
      const number = /R-\d{4}-\d{6}/.exec(sent.text)?.[0] ?? '';
      const filed = await TicketModel.findOne({ number }).lean<Ticket>();
      expect(String(filed?.member)).to.equal(String(victim.member)); // the ticket is the member's…
      await attacker.get(`/suivi/demandes/${number}`).expect(401); // …but this browser cannot read it
      await attacker.get(`/suivi/demandes/${victim.number}`).expect(401);
      const list = await attacker.get('/suivi').expect(200);
      expect(list.text).not.to.include(victim.number).and.not.to.include('Réponse confidentielle');
      // The member reads it through the link of the acknowledgement, which went to their address.
      const ack = await Outbox.findOne({ ticket: filed?._id, template: 'ticket-acknowledgement' }).lean<OutboxMail>();
      expect(ack?.to).to.deep.equal(['anne.victime@example.be']);
    });

    it('gives no member session to a brand-new address either: the page is the same for every address', async () => {
      const agent = request.agent(app);
      const res = await submit(agent, await openForm(agent, 'en'), { email: 'brand.new@example.be', subject: 'First time' }).expect(303);
      expect(String(res.headers['set-cookie'] ?? '')).not.to.include('relais_member=');
      const sent = await agent.get(res.headers.location as string).expect(200);
      expect(sent.text).to.include('open the link in that email');
      const number = /R-\d{4}-\d{6}/.exec(sent.text)?.[0] ?? '';
      await agent.get(`/suivi/demandes/${number}`).expect(401);
    });

    it('returns the same ticket when the same form is submitted twice', async () => {
      const agent = request.agent(app);
      const tokens = await openForm(agent);
      const before = await TicketModel.countDocuments();
      const [a, b] = await Promise.all([submit(agent, tokens, { subject: 'Double envoi' }), submit(agent, tokens, { subject: 'Double envoi' })]);
      expect(a.status).to.equal(303);
      expect(b.status).to.equal(303);
      const again = await submit(agent, tokens, { subject: 'Double envoi' }).expect(303);
      expect(again.headers.location).to.equal(a.headers.location);
      expect(await TicketModel.countDocuments()).to.equal(before + 1);
      expect(await Outbox.countDocuments({ subject: /Double envoi/ })).to.equal(1);
    });

    it('does not file the same words from the same address twice when sent again from a new form (Back, then Send: QA); other words are a new request', async () => {
      const agent = request.agent(app);
      const before = await TicketModel.countDocuments();
      const fields = { email: 'Helene.Dufour+coop@Example.BE', subject: 'Renvoyé par le bouton Retour', message: 'Bonjour, ma facture de mars est fausse.' };
      const first = await submit(agent, await openForm(agent), fields).expect(303);
      const firstPage = (await agent.get(first.headers.location as string).expect(200)).text;
      const number = /<strong>(R-\d{4}-\d{6})<\/strong>/.exec(firstPage)?.[1];
      expect(number).to.be.a('string');
      // A new form (a new token), the same words, the address spelled another way, the spaces as a phone sends them.
      const again = await submit(agent, await openForm(agent), {
        ...fields,
        email: 'helene.dufour+coop@example.be',
        message: 'Bonjour,  ma facture de mars est fausse. ',
      }).expect(303);
      expect(again.headers.location)
        .to.match(/\?again=1$/)
        .and.not.equal(first.headers.location);
      const page = (await agent.get(again.headers.location as string).expect(200)).text;
      expect(page).to.include('Nous avions déjà reçu cette demande').and.include(`<strong>${number}</strong>`);
      expect(await TicketModel.countDocuments()).to.equal(before + 1);
      expect(await Outbox.countDocuments({ subject: /Renvoyé par le bouton Retour/ })).to.equal(1);
      // Other words from the same address: a new request.
      await submit(agent, await openForm(agent), { ...fields, message: 'Et une autre question sur mon contrat.' }).expect(303);
      expect(await TicketModel.countDocuments()).to.equal(before + 2);
      // The confirmation says once that a mail was sent.
      expect(firstPage.match(/e-mail de confirmation/g)).to.have.length(1);
    });

    it("shows the form again with messages in the member's language, tied to the fields, and keeps the input", async () => {
      const agent = request.agent(app);
      const tokens = await openForm(agent, 'nl');
      const res = await submit(agent, tokens, { email: 'niet-een-adres', message: 'kort', subject: '<b>Onderwerp</b>' }).expect(400);
      expect(res.text).to.include('Geef een geldig e-mailadres').and.include('Uw bericht is te kort');
      expect(res.text).to.include('aria-describedby="f-email-hint f-email-error"').and.include('id="f-email-error"');
      expect(res.text).to.match(/id="f-email"[^>]*autofocus/); // focus on the first error
      expect(res.text).to.include('value="niet-een-adres"').and.include('value="&lt;b&gt;Onderwerp&lt;/b&gt;"');
    });

    it('refuses a file over the size limit with 413 and one of a type not allowed with 422, keeping the text', async () => {
      const agent = request.agent(app);
      let tokens = await openForm(agent, 'en');
      const big = await submit(agent, tokens, { subject: 'Big file' }, [
        { name: 'scan.pdf', bytes: Buffer.concat([pdf, Buffer.alloc(70 * 1024, 0x20)]) },
      ]).expect(413);
      expect(big.text).to.include('“scan.pdf” is too large: at most 64\u00a0kB per file').and.include('value="Big file"');
      tokens = await openForm(agent, 'en');
      const exe = await submit(agent, tokens, { subject: 'Program' }, [
        { name: 'invoice.pdf', bytes: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]) },
      ]).expect(422);
      expect(exe.text).to.include('“invoice.pdf” is not an accepted type').and.include('value="Program"');
      tokens = await openForm(agent, 'en');
      const many = await submit(
        agent,
        tokens,
        { subject: 'Many' },
        [1, 2, 3].map((n) => ({ name: `p${n}.pdf`, bytes: pdf })),
      ).expect(413);
      expect(many.text).to.include('Too many files: at most 2. Choose 2 or fewer.');
      expect(await TicketModel.countDocuments({ subject: { $in: ['Big file', 'Program', 'Many'] } })).to.equal(0);
    });

    it('refuses a missing or wrong CSRF token and a filled honeypot, keeping the text', async () => {
      const agent = request.agent(app);
      const tokens = await openForm(agent);
      const forged = await submit(agent, { ...tokens, csrf: 'forged' }, { subject: 'CSRF test' }).expect(403);
      expect(forged.text).to.include('Le formulaire a expiré').and.include('value="CSRF test"');
      const fresh = await request(app).post('/aide').field('name', 'x').expect(403); // no cookies at all
      expect(fresh.text).to.include('Le formulaire a expiré');
      const bot = await submit(agent, tokens, { subject: 'Bot', website_url: 'http://spam.example' }).expect(400);
      expect(bot.text).to.include('Laissez vide le dernier champ');
      expect(await TicketModel.countDocuments({ subject: { $in: ['CSRF test', 'Bot'] } })).to.equal(0);
    });

    it('says what is wrong with each field: an empty name is missing, a one-letter name too short', async () => {
      const agent = request.agent(app);
      const empty = await submit(agent, await openForm(agent), { name: '', subject: 'Nom vide' }).expect(400);
      expect(empty.text).to.include('Ce champ est obligatoire.');
      const short = await submit(agent, await openForm(agent), { name: 'J', subject: 'Nom court' }).expect(400);
      expect(short.text).to.include('Indiquez votre nom (2 caractères au moins).').and.not.include('Ce champ est obligatoire.');
      // A limit reads as a number of the page's language.
      const nl = request.agent(app);
      const long = await submit(nl, await openForm(nl, 'nl'), { message: 'x'.repeat(20_001) }).expect(400);
      expect(long.text).to.include('maximaal 20.000 tekens');
      // A long log pasted from a phone is kept in the box whole (the page no longer cuts it at 20,000 in the browser), to shorten or attach.
      const pasted = `${'regel uit het logboek 0123456789 '.repeat(6_000)}einde`;
      const kept = await submit(nl, await openForm(nl, 'nl'), { message: pasted }).expect(400);
      expect(kept.text)
        .to.include('maximaal 20.000 tekens')
        .and.include(`${'regel uit het logboek 0123456789 '.repeat(3)}`)
        .and.include('einde</textarea>');
      expect(kept.text).to.include('data-maxlength="20000"').and.include('data-too-long="Deze tekst is te lang: maximaal {max} tekens, hij telt er {count}.');
      expect(kept.text).not.to.match(/<textarea id="f-message"[^>]*\smaxlength=/);
      // A whole question typed in the subject line: not cut at 200 either, kept to move the rest into the message (QA).
      const subject = `${'My invoice of March is wrong and I do not know what should I do next '.repeat(4)}end`;
      const wordy = await submit(nl, await openForm(nl, 'nl'), { subject }).expect(400);
      expect(wordy.text).to.include(`value="${subject}"`).and.include('data-too-long="Het onderwerp is te lang: maximaal {max} tekens, het telt er {count}.');
      expect(wordy.text).not.to.match(/<input id="f-subject"[^>]*\smaxlength=/);
    });

    it('limits submissions per email address, with a page that says so', async () => {
      const strict = createApp({ config, logger: silentLogger, publicForms: { limits: { ...roomy, formPerEmail: { limit: 2, windowMs: 60_000 } } } });
      const agent = request.agent(strict);
      for (let i = 0; i < 2; i += 1) await submit(agent, await openForm(agent), { email: 'busy@example.be', subject: `Limit ${i}` }).expect(303);
      const third = await submit(agent, await openForm(agent), { email: 'busy@example.be', subject: 'Limit 3' }).expect(429);
      expect(third.text).to.include('Trop d’envois').and.include('value="Limit 3"');
      await submit(agent, await openForm(agent), { email: 'other@example.be', subject: 'Other person' }).expect(303);
    });

    it('limits submissions per IP address', async () => {
      const strict = createApp({ config, logger: silentLogger, publicForms: { limits: { ...roomy, formPerIp: { limit: 1, windowMs: 60_000 } } } });
      const agent = request.agent(strict);
      await submit(agent, await openForm(agent), { subject: 'First from this IP' }).expect(303);
      await submit(agent, await openForm(agent), { subject: 'Second from this IP' }).expect(429);
    });

    it('takes its per-IP limit from HELP_FORM_PER_IP_PER_HOUR (an office whose members share one address)', async () => {
      const { formPerIp: _default, ...others } = roomy;
      const limited = (perHour: string) =>
        request.agent(createApp({ config: testConfig({ HELP_FORM_PER_IP_PER_HOUR: perHour }), logger: silentLogger, publicForms: { limits: others } }));
      const two = limited('2');
      for (let i = 0; i < 2; i += 1) await submit(two, await openForm(two), { subject: `Shared office ${i}` }).expect(303);
      await submit(two, await openForm(two), { subject: 'Shared office, third' }).expect(429);
      const three = limited('3');
      for (let i = 0; i < 3; i += 1) await submit(three, await openForm(three), { subject: `Kiosk ${i}` }).expect(303);
      expect(() => testConfig({ HELP_FORM_PER_IP_PER_HOUR: '0' })).to.throw(/HELP_FORM_PER_IP_PER_HOUR/);
    });
  });

  describe('the member pages', () => {
    let ticket: Ticket;
    let memberId: string;

    before(async () => {
      ticket = await buildTicket(org, { member: { name: 'Marie Dupont', email: 'marie.dupont@example.be' }, subject: 'Attestation de revenus' });
      memberId = String(ticket.member);
      const view = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
      const noted = await addNote({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: view.version, text: 'NOTE INTERNE: ne pas montrer' });
      await replyToTicket({
        actor: org.staff.advisorLiege,
        ticketId: String(ticket._id),
        version: noted.version,
        text: 'Bonjour Marie, voici votre attestation.',
      });
    });

    it('follows a link: sets the session, drops the token from the address, and shows public messages only', async () => {
      const agent = request.agent(app);
      const link = memberLinkUrl(config, { memberId, ticketId: String(ticket._id) });
      const res = await openLink(agent, linkPath(link));
      expect(res.headers.location).to.equal(`/suivi/demandes/${ticket.number}`);
      const page = await agent.get(res.headers.location as string).expect(200);
      expect(page.text).to.include('Attestation de revenus').and.include('Bonjour Marie, voici votre attestation.').and.include('Julie, Relais');
      expect(page.text).not.to.include('NOTE INTERNE').and.not.to.include('Lambert'); // no notes, no staff surname
      expect(page.headers['cache-control']).to.equal('no-store');
    });

    it('offers a fresh link for a tampered or expired link, and shows nothing without a session', async () => {
      const token = signMemberLink(config, { memberId, ticketId: String(ticket._id) });
      const tampered = `${token.slice(0, -3)}${token.slice(-3) === 'abc' ? 'abd' : 'abc'}`;
      const bad = await request(app).get(`/suivi/acces/${tampered}`).expect(400);
      expect(bad.text).to.include('Ce lien n’est pas valable').and.include('action="/suivi/lien"');
      const expiredConfig = { ...config, memberLinkTtl: -10 };
      const expired = await request(app)
        .get(`/suivi/acces/${signMemberLink(expiredConfig, { memberId, ticketId: null })}`)
        .expect(410);
      expect(expired.text).to.include('Ce lien a expiré');
      // A link signed with another secret (another installation) is refused too.
      const foreign = signMemberLink({ ...config, jwt: { ...config.jwt, secret: 'another-secret-0123456789-abcdefghijklmnop' } }, { memberId, ticketId: null });
      await request(app).get(`/suivi/acces/${foreign}`).expect(400);
      await request(app).get(`/suivi/demandes/${ticket.number}`).expect(401);
    });

    it('a mail filter that opens the link (GETs, no cookie) uses nothing: the member still gets in with the button', async () => {
      const link = linkPath(memberLinkUrl(config, { memberId, ticketId: String(ticket._id) }));
      for (let i = 0; i < 3; i += 1) {
        const scan = await request(app).get(link).expect(200);
        expect(scan.text).to.include('Ouvrir ma demande').and.include('action="/suivi/acces"');
        expect(String(scan.headers['set-cookie'] ?? '')).not.to.include('relais_member=');
      }
      const member = request.agent(app);
      const opened = await openLink(member, link);
      expect(opened.headers.location).to.equal(`/suivi/demandes/${ticket.number}`);
      await member.get(`/suivi/demandes/${ticket.number}`).expect(200);
      // The button without the page's CSRF token does nothing.
      const token = new URL(link, 'http://x').pathname.split('/').pop();
      await request(app).post('/suivi/acces').type('form').send({ _csrf: 'forged', token }).expect(403);
    });

    it('opens in the language of the mail the link came in, whatever the browser’s (a Dutch member with a French phone)', async () => {
      const dutch = await buildTicket(org, { language: 'nl', acknowledge: true, member: { name: 'Sofie Peeters', email: 'sofie.peeters@example.be' } });
      const ack = await Outbox.findOne({ ticket: dutch._id, template: 'ticket-acknowledgement' }).lean<OutboxMail>();
      const link = /(http:\/\/127\.0\.0\.1:9999\/suivi\/acces\/[^\s"<>]+)/.exec(ack?.text ?? '')?.[1] ?? '';
      expect(link).to.match(/\?lang=nl$/);
      const phone = request.agent(app);
      const open = await phone.get(linkPath(link)).set('Accept-Language', 'fr-BE,fr;q=0.9').expect(200);
      expect(open.text).to.include('<html lang="nl"');
      const opened = await phone
        .post('/suivi/acces')
        .set('Accept-Language', 'fr-BE')
        .type('form')
        .send({ _csrf: hidden(open.text, '_csrf'), token: new URL(link).pathname.split('/').pop() });
      expect(opened.status).to.equal(303);
      const page = await phone
        .get(opened.headers.location as string)
        .set('Accept-Language', 'fr-BE')
        .expect(200);
      expect(page.text).to.include('<html lang="nl"');
    });

    it('a link opens one session only; the session it opened lives on', async () => {
      const link = linkPath(memberLinkUrl(config, { memberId, ticketId: String(ticket._id) }));
      const first = request.agent(app);
      await openLink(first, link);
      const second = request.agent(app);
      // Said at once, when the link is opened (not after a tap on "open my request"), and nothing used.
      const usedAtOnce = await second.get(link).expect(410);
      expect(usedAtOnce.text).to.include('Ce lien a déjà servi').and.not.include('action="/suivi/acces"');
      const used = await openLink(second, link, 410);
      expect(String(used.headers['set-cookie'] ?? '')).not.to.include('relais_member=');
      expect(used.text).to.include('Ce lien a déjà servi').and.include('action="/suivi/lien"');
      await second.get(`/suivi/demandes/${ticket.number}`).expect(401);
      await first.get(`/suivi/demandes/${ticket.number}`).expect(200);
      // The browser it opened taps it again (the mail's button, twice): its session already covers the
      // ticket, so the ticket opens; no new session, nothing granted.
      const again = await first.get(link).expect(303);
      expect(again.headers.location).to.equal(`/suivi/demandes/${ticket.number}`);
      expect(String(again.headers['set-cookie'] ?? '')).not.to.include('relais_member=');
      await first.get(`/suivi/demandes/${ticket.number}`).expect(200);
      // A session of the same member that does not cover this ticket gets no further with the spent link.
      const other = await buildTicket(org, { member: { name: 'Marie Dupont', email: 'marie.dupont@example.be' }, subject: 'Attestation de chômage' });
      const third = request.agent(app);
      await openLink(third, linkPath(memberLinkUrl(config, { memberId, ticketId: String(other._id) })));
      await third.get(link).expect(410);
      await third.get(`/suivi/demandes/${ticket.number}`).expect(404); // signed in, but not for that ticket
      // A browser signed in as another member is told the link is spent, not asked whether to switch first.
      const stranger = await MemberModel.create({ name: 'Paul Autre', email: 'paul.autre@example.be' });
      const fourth = request.agent(app);
      await openLink(fourth, linkPath(memberLinkUrl(config, { memberId: String(stranger._id), ticketId: null })));
      const spent = await fourth.get(link).expect(410);
      expect(spent.text).to.include('Ce lien a déjà servi').and.not.include('action="/suivi/acces"');
    });

    it('"sign out of all my devices" ends every session of the member, with CSRF', async () => {
      const phone = request.agent(app);
      const laptop = request.agent(app);
      await openLink(phone, linkPath(memberLinkUrl(config, { memberId, ticketId: null })));
      await openLink(laptop, linkPath(memberLinkUrl(config, { memberId, ticketId: null })));
      const page = await phone.get('/suivi').expect(200);
      expect(page.text).to.include('action="/suivi/deconnexion-partout"');
      await phone.post('/suivi/deconnexion-partout').type('form').send({ _csrf: 'forged' }).expect(403);
      await laptop.get(`/suivi/demandes/${ticket.number}`).expect(200);
      const done = await phone
        .post('/suivi/deconnexion-partout')
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf') })
        .expect(303);
      expect(done.headers.location).to.equal('/suivi?signed_out_all=1');
      await laptop.get(`/suivi/demandes/${ticket.number}`).expect(401);
      await phone.get(`/suivi/demandes/${ticket.number}`).expect(401);
      // A new link opens a new session.
      await openLink(laptop, linkPath(memberLinkUrl(config, { memberId, ticketId: null })));
      await laptop.get(`/suivi/demandes/${ticket.number}`).expect(200);
    });

    it("asks before someone else's link replaces this browser's session (POST with CSRF)", async () => {
      const paulTicket = await buildTicket(org, { member: { name: 'Paul Autre', email: 'paul.autre@example.be' }, subject: 'Demande de Paul Autre' });
      const agent = request.agent(app);
      await openLink(agent, linkPath(memberLinkUrl(config, { memberId, ticketId: null })));
      const paulLink = linkPath(memberLinkUrl(config, { memberId: String(paulTicket.member), ticketId: String(paulTicket._id) }));
      const ask = await agent.get(paulLink).expect(200);
      expect(ask.text).to.include('marie.dupont@example.be').and.include('paul.autre@example.be').and.include('action="/suivi/acces"');
      expect(String(ask.headers['set-cookie'] ?? '')).not.to.include('relais_member=');
      await agent.get(`/suivi/demandes/${ticket.number}`).expect(200); // still Marie
      const token = hidden(ask.text, 'token');
      await agent.post('/suivi/acces').type('form').send({ _csrf: 'forged', token }).expect(403);
      await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      const switched = await agent
        .post('/suivi/acces')
        .type('form')
        .send({ _csrf: hidden(ask.text, '_csrf'), token })
        .expect(303);
      expect(switched.headers.location).to.equal(`/suivi/demandes/${paulTicket.number}`);
      await agent.get(`/suivi/demandes/${paulTicket.number}`).expect(200);
      await agent.get(`/suivi/demandes/${ticket.number}`).expect(404);
    });

    it('shows a ticket only to a session that covers it', async () => {
      const other = await buildTicket(org, { member: { name: 'Marie Dupont', email: 'marie.dupont@example.be' }, subject: 'Deuxième demande' });
      const stranger = await buildTicket(org, { member: { name: 'Paul', email: 'paul@example.be' }, subject: 'Demande de Paul' });
      const agent = request.agent(app);
      await openLink(agent, linkPath(memberLinkUrl(config, { memberId, ticketId: String(ticket._id) })));
      await agent.get(`/suivi/demandes/${other.number}`).expect(404); // same member, but this link was for one ticket
      await agent.get(`/suivi/demandes/${stranger.number}`).expect(404);
      await agent.get('/suivi/demandes/R-1999-000001').expect(404);
      // A link for all of Marie's tickets opens the other one too, but never Paul's.
      await openLink(agent, linkPath(memberLinkUrl(config, { memberId, ticketId: null })));
      await agent.get(`/suivi/demandes/${other.number}`).expect(200);
      await agent.get(`/suivi/demandes/${stranger.number}`).expect(404);
      const list = await agent.get('/suivi').expect(200);
      expect(list.text).to.include(ticket.number).and.include(other.number).and.not.include(stranger.number);
    });

    it('"send me a link" answers the same for known and unknown addresses, and mails known ones', async () => {
      const agent = request.agent(app);
      const page = await agent.get('/suivi').expect(200);
      const csrf = hidden(page.text, '_csrf');
      const known = await agent.post('/suivi/lien').type('form').send({ _csrf: csrf, email: 'Marie.Dupont@example.be' }).expect(303);
      const unknown = await agent.post('/suivi/lien').type('form').send({ _csrf: csrf, email: 'nobody@example.be' }).expect(303);
      expect(known.headers.location).to.equal(unknown.headers.location);
      // Both answers came before any lookup: each request is stored alike, and no mail exists yet.
      expect((await waitingLinkRequests()).map((r) => r._id).sort()).to.deep.equal(['marie.dupont@example.be', 'nobody@example.be']);
      expect(await Outbox.countDocuments({ template: 'member-link' })).to.equal(0);
      // The worker looks the addresses up afterwards, and mails the member only.
      expect(await processLinkRequests(config)).to.equal(1);
      expect(await waitingLinkRequests()).to.deep.equal([]);
      const mail = await Outbox.findOne({ template: 'member-link', to: 'marie.dupont@example.be' }).lean<OutboxMail>();
      expect(mail?.text).to.include('/suivi/acces/').and.include(ticket.number);
      expect(await Outbox.countDocuments({ to: 'nobody@example.be' })).to.equal(0);
      await agent.post('/suivi/lien').type('form').send({ _csrf: 'forged', email: 'marie.dupont@example.be' }).expect(403);
    });

    it('the link worker mails as soon as the page has answered, and works requests a stop left behind', async () => {
      // Left behind by a stop: the worker's first pass works it.
      await queueLinkRequest('marie.dupont@example.be', 'fr');
      const worker = startLinkRequestWorker({ config, logger: silentLogger, intervalMs: 60_000 });
      await worker.stop();
      const before = await Outbox.countDocuments({ template: 'member-link', to: 'marie.dupont@example.be' });
      expect(before).to.be.greaterThan(0);
      expect(await waitingLinkRequests()).to.deep.equal([]);
      // Announced by the page: worked right after the answer.
      const running = startLinkRequestWorker({ config, logger: silentLogger, intervalMs: 60_000 });
      const agent = request.agent(app);
      const csrf = hidden((await agent.get('/suivi').expect(200)).text, '_csrf');
      await agent.post('/suivi/lien').type('form').send({ _csrf: csrf, email: 'marie.dupont@example.be' }).expect(303);
      await domainEvents.settled();
      await running.stop();
      expect(await Outbox.countDocuments({ template: 'member-link', to: 'marie.dupont@example.be' })).to.equal(before + 1);
    });

    it('lets the member reply with a file; the ticket waiting on them opens again', async () => {
      const current = await loadTicket(String(ticket._id));
      await replyToTicket({
        actor: org.staff.advisorLiege,
        ticketId: String(ticket._id),
        version: current?.version ?? 0,
        text: 'Pouvez-vous envoyer votre contrat ?',
        waitForMember: true,
      });
      expect((await loadTicket(String(ticket._id)))?.status).to.equal('pending_member');
      const info = await Outbox.findOne({ ticket: ticket._id, template: 'information-request' }).lean<OutboxMail>();
      expect(info?.text).to.include('Pouvez-vous envoyer votre contrat ?');
      const agent = request.agent(app);
      await openLink(agent, linkPath(memberLinkUrl(config, { memberId, ticketId: String(ticket._id) })));
      const page = await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      const csrf = hidden(page.text, '_csrf');
      const res = await agent
        .post(`/suivi/demandes/${ticket.number}/reponses`)
        .field('_csrf', csrf)
        .field('message', 'Voici mon contrat <script>alert(1)</script>')
        .attach('attachments', pdf, 'contrat.pdf')
        .expect(303);
      expect(res.headers.location).to.equal(`/suivi/demandes/${ticket.number}?done=replied#notice`);
      const confirmed = await agent.get(`/suivi/demandes/${ticket.number}?done=replied`).expect(200);
      expect(confirmed.text).to.match(/<p class="notice" id="notice"[^>]*>Votre réponse a bien été envoyée\.<\/p>/);
      const after = await loadTicket(String(ticket._id));
      expect(after?.status).to.equal('open');
      const shown = await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      expect(shown.text).to.include('Voici mon contrat &lt;script&gt;alert(1)&lt;/script&gt;').and.include('contrat.pdf');
      const fileId = /href="\/suivi\/pieces\/([a-f0-9]{24})"/.exec(shown.text)?.[1];
      const download = await agent.get(`/suivi/pieces/${fileId}`).expect(200);
      expect(download.headers['content-disposition']).to.match(/^attachment;/);
      expect(download.headers['x-content-type-options']).to.equal('nosniff');
      // Files alone are an answer (the photo asked for, from a phone); neither text nor file is refused, naming both.
      const again = hidden(shown.text, '_csrf');
      await agent.post(`/suivi/demandes/${ticket.number}/reponses`).field('_csrf', again).attach('attachments', pdf, 'page-2.pdf').expect(303);
      const withFile = await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      expect(withFile.text).to.include('page-2.pdf');
      expect((await loadTicket(String(ticket._id)))?.messageCount).to.equal((after?.messageCount ?? 0) + 1);
      const empty = await agent
        .post(`/suivi/demandes/${ticket.number}/reponses`)
        .field('_csrf', hidden(withFile.text, '_csrf'))
        .field('message', '  ')
        .expect(400);
      // Files alone are an answer: the message says so (QA: "this field is required" beside a file field).
      expect(empty.text).to.include('Écrivez un message ou joignez un fichier.');
      const exe = await agent
        .post(`/suivi/demandes/${ticket.number}/reponses`)
        .field('_csrf', hidden(withFile.text, '_csrf'))
        .attach('attachments', Buffer.from('MZ\x90\x00binary'), 'programme.exe')
        .expect(422);
      expect(exe.text).to.include('programme.exe').and.not.include('Écrivez un message ou joignez un fichier');
      // Another browser, another member: no file.
      await request(app).get(`/suivi/pieces/${fileId}`).expect(401);
      const paul = await MemberModel.create({ name: 'Paul Intrus', email: 'intrus@example.be' });
      const intruder = request.agent(app);
      await openLink(intruder, linkPath(memberLinkUrl(config, { memberId: String(paul._id), ticketId: null })));
      await intruder.get(`/suivi/pieces/${fileId}`).expect(404);
      await intruder.get(`/suivi/demandes/${ticket.number}`).expect(404);
    });

    it('lets the member rate a resolved ticket once, from the link in the resolution email', async () => {
      const current = await loadTicket(String(ticket._id));
      await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: current?.version ?? 0 });
      const resolved = await Outbox.findOne({ ticket: ticket._id, template: 'ticket-resolved' }).lean<OutboxMail>();
      const four = /(http:\/\/127\.0\.0\.1:9999\/suivi\/acces\/[^\s"<>]+\?note=4)/.exec(resolved?.text ?? '')?.[1];
      expect(four, 'a rating link with note=4 in the email').to.be.a('string');
      const agent = request.agent(app);
      const landing = await openLink(agent, linkPath(four ?? ''));
      expect(landing.headers.location).to.equal(`/suivi/demandes/${ticket.number}?note=4#evaluation`);
      const page = await agent.get(`/suivi/demandes/${ticket.number}?note=4`).expect(200);
      expect(page.text).to.match(/value="4" checked/); // preselected; nothing stored by a GET
      expect(page.text).to.include('Votre note est choisie'); // and said to be not sent yet
      expect((await loadTicket(String(ticket._id)))?.rating ?? null).to.equal(null);
      const csrf = hidden(page.text, '_csrf');
      // Sent without a score: the error, with the first choice focused (a phone would not show it otherwise).
      const noScore = await agent
        .post(`/suivi/demandes/${ticket.number}/evaluation`)
        .type('form')
        .send({ _csrf: csrf, comment: 'Rapide et clair' })
        .expect(400);
      expect(noScore.text).to.match(/<input type="radio" name="score" value="1" autofocus>/);
      expect(noScore.text).not.to.include('Votre note est choisie');
      expect(noScore.text).to.include('Rapide et clair');
      const sent = await agent
        .post(`/suivi/demandes/${ticket.number}/evaluation`)
        .type('form')
        .send({ _csrf: csrf, score: '4', comment: 'Rapide et clair' })
        .expect(303);
      expect(sent.headers.location).to.equal(`/suivi/demandes/${ticket.number}?done=rated#notice`);
      // Another rating link of the mail, followed afterwards, says the rating was given.
      const again = await agent.get(`/suivi/demandes/${ticket.number}?note=2`).expect(200);
      expect(again.text).to.include('Vous avez déjà donné votre avis').and.not.to.include('name="score"');
      const rated = await loadTicket(String(ticket._id));
      expect(rated?.rating).to.include({ score: 4, comment: 'Rapide et clair', tier: 1 });
      expect(String(rated?.rating?.team)).to.equal(String(org.teams.liege));
      expect(String(rated?.rating?.resolvedBy)).to.equal(String(org.staff.advisorLiege.id));
      const twice = await agent.post(`/suivi/demandes/${ticket.number}/evaluation`).type('form').send({ _csrf: csrf, score: '1' }).expect(409);
      expect(twice.text).not.to.include('name="score"');
      await agent.post(`/suivi/demandes/${ticket.number}/evaluation`).type('form').send({ _csrf: csrf, score: '9' }).expect(400);
      expect((await loadTicket(String(ticket._id)))?.rating?.score).to.equal(4);
    });

    it('a score tapped in the resolution mail is sent by the link page’s one button, with an optional comment; a GET alone records nothing', async () => {
      const other = await buildTicket(org, {
        member: { name: 'Marie Dupont', email: 'marie.dupont@example.be' },
        subject: 'Attestation bis',
        acknowledge: false,
      });
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(other._id), version: other.version });
      await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(other._id), version: claimed.version });
      const mail = await Outbox.findOne({ ticket: other._id, template: 'ticket-resolved' }).lean<OutboxMail>();
      const three = /(http:\/\/127\.0\.0\.1:9999\/suivi\/acces\/[^\s"<>]+\?note=3[^\s"<>]*)/.exec(mail?.text ?? '')?.[1] ?? '';
      const phone = request.agent(app);
      const page = await phone.get(linkPath(three)).expect(200);
      // The score tapped is ticked, and can be changed before sending (QA).
      expect(page.text)
        .to.match(/<input type="radio" name="note" value="3" checked> 3 — Mitigé·e/)
        .and.include('name="comment"')
        .and.include('name="rate" value="1"');
      expect(page.text.match(/type="radio" name="note"/g)).to.have.length(5);
      expect((await loadTicket(String(other._id)))?.rating ?? null).to.equal(null);
      const token = new URL(three).pathname.split('/').pop();
      const sent = await phone
        .post('/suivi/acces')
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf'), token, note: '4', rate: '1', comment: 'Un peu lent' })
        .expect(303);
      expect(sent.headers.location).to.equal(`/suivi/demandes/${other.number}?done=rated#notice`);
      expect((await loadTicket(String(other._id)))?.rating).to.include({ score: 4, comment: 'Un peu lent' });
      const shown = await phone.get(`/suivi/demandes/${other.number}?done=rated`).expect(200);
      expect(shown.text).to.include('Votre note : 4 sur 5.');
    });

    it('a score tapped in the mail after the member reopened the request by answering it: said, and the comment kept, not lost', async () => {
      const other = await buildTicket(org, {
        member: { name: 'Marie Dupont', email: 'marie.dupont@example.be' },
        subject: 'IBAN à changer',
        acknowledge: false,
      });
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(other._id), version: other.version });
      await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(other._id), version: claimed.version });
      const mail = await Outbox.findOne({ ticket: other._id, template: 'ticket-resolved' }).lean<OutboxMail>();
      const two = /(http:\/\/127\.0\.0\.1:9999\/suivi\/acces\/[^\s"<>]+\?note=2[^\s"<>]*)/.exec(mail?.text ?? '')?.[1] ?? '';
      // She answers the mail ("it still does not work"): the request reopens.
      const member = { kind: 'member' as const, id: other.member, name: 'Marie Dupont', email: 'marie.dupont@example.be' };
      await memberReply({ actor: member, ticketId: String(other._id), text: 'Mon IBAN n’a toujours pas changé.', channel: 'email' });
      expect((await loadTicket(String(other._id)))?.status).to.not.equal('resolved');
      const phone = request.agent(app);
      const page = await phone.get(linkPath(two)).expect(200);
      const token = new URL(two).pathname.split('/').pop();
      const sent = await phone
        .post('/suivi/acces')
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf'), token, note: '2', rate: '1', comment: 'Toujours pas réglé, pas contente.' })
        .expect(409);
      expect(sent.text).to.include('Votre demande a été rouverte depuis cet e-mail');
      expect(sent.text).to.match(/<textarea id="f-reply"[^>]*>Toujours pas réglé, pas contente\.<\/textarea>/);
      expect((await loadTicket(String(other._id)))?.rating ?? null).to.equal(null);
      // The session was opened all the same: the page works from there.
      await phone.get(`/suivi/demandes/${other.number}`).expect(200);
    });

    it('asks for a rating only once someone answered, and says a closed request can be reopened', async () => {
      const unanswered = await buildTicket(org, {
        member: { name: 'Marie Dupont', email: 'marie.dupont@example.be' },
        subject: 'Question sans réponse',
        acknowledge: false,
      });
      const agent = request.agent(app);
      await openLink(agent, linkPath(memberLinkUrl(config, { memberId, ticketId: String(unanswered._id) })));
      const page = await agent.get(`/suivi/demandes/${unanswered.number}`).expect(200);
      await agent
        .post(`/suivi/demandes/${unanswered.number}/fermer`)
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf') })
        .expect(303);
      const closed = await agent.get(`/suivi/demandes/${unanswered.number}`).expect(200);
      expect(closed.text).to.include('Vous pouvez la rouvrir ci-dessous').and.include('/rouvrir"');
      expect(closed.text).not.to.include('name="score"');
    });

    it('lets the member close and reopen, with CSRF', async () => {
      const agent = request.agent(app);
      await openLink(agent, linkPath(memberLinkUrl(config, { memberId, ticketId: String(ticket._id) })));
      const page = await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      const csrf = hidden(page.text, '_csrf');
      await agent.post(`/suivi/demandes/${ticket.number}/fermer`).type('form').send({ _csrf: 'forged' }).expect(403);
      await agent.post(`/suivi/demandes/${ticket.number}/fermer`).type('form').send({ _csrf: csrf }).expect(303);
      expect((await loadTicket(String(ticket._id)))?.status).to.equal('closed');
      const closed = await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      expect(closed.text).not.to.include('/reponses"');
      await agent.post(`/suivi/demandes/${ticket.number}/rouvrir`).type('form').send({ _csrf: csrf }).expect(303);
      expect((await loadTicket(String(ticket._id)))?.status).to.equal('open');
    });
  });
});
