/**
 * The deadlines panel of the ticket page reads as a person says it (issue 16, point 8): "Answered
 * late", "Répondu en retard", not "Tenu en retard"; a long thread does not stack one line per answer:
 * the deadlines running now and the last one of each kind show, the earlier ones fold away.
 */
import { expect } from 'chai';
import type { MemberActor } from '../../server/auth/actor.js';
import { translator } from '../../server/lib/i18n.js';
import { MemberModel } from '../../server/members/member.model.js';
import { SlaCalendarModel } from '../../server/sla/calendar.model.js';
import { clearSlaCache } from '../../server/sla/engine.js';
import { SlaPolicyModel, defaultPolicies } from '../../server/sla/policy.js';
import { slaPanel } from '../../server/sla/sla.view.js';
import { memberReply } from '../../server/tickets/member.commands.js';
import { claimTicket, replyToTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { testApp } from '../helpers/http.js';
import { signedIn } from '../helpers/pages.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

// Monday 12 January 2026, 09:00 in Brussels.
const MONDAY_9 = new Date('2026-01-12T08:00:00Z');
const hours = (n: number) => new Date(MONDAY_9.getTime() + n * 3600_000);

describe('the SLA panel in words a person uses', () => {
  useTestDatabase();
  let org: Org;
  let ticket: Ticket;

  before(async () => {
    clearSlaCache();
    org = await buildOrg();
    await SlaPolicyModel.insertMany(defaultPolicies());
    const nine = () => [{ start: '09:00', end: '17:00' }];
    await SlaCalendarModel.create({
      office: null,
      name: 'Belgique',
      timeZone: 'Europe/Brussels',
      hours: { 1: nine(), 2: nine(), 3: nine(), 4: nine(), 5: nine(), 6: [], 7: [] },
      holidays: { country: 'BE' },
      closures: [],
    });
    const t = await buildTicket(org, { at: MONDAY_9 });
    const id = String(t._id);
    const memberDoc = await MemberModel.findById(t.member).lean();
    const member: MemberActor = { kind: 'member', id: t.member, name: memberDoc?.name ?? 'Membre', email: memberDoc?.email ?? '' };
    const v = (await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version, at: hours(0.2) })).version;
    // The first answer comes two days later (late); then four exchanges, each answered.
    await replyToTicket({ actor: org.staff.advisorLiege, ticketId: id, version: v, text: 'Réponse 1', at: hours(50) });
    for (let i = 0; i < 4; i += 1) {
      // A member's answer runs on the current version; the next reply is based on it.
      const asked = await memberReply({ actor: member, ticketId: id, text: `Question ${i}`, channel: 'web', at: hours(51 + i * 2) });
      await replyToTicket({ actor: org.staff.advisorLiege, ticketId: id, version: asked.version, text: `Réponse ${i + 2}`, at: hours(51.5 + i * 2) });
    }
    ticket = (await loadTicket(id)) as Ticket;
  });

  for (const [lang, late, stale] of [
    ['fr', 'Répondu en retard', 'Tenu'],
    ['nl', 'Te laat beantwoord', 'Gehaald'],
    ['en', 'Answered late', 'Met late'],
  ] as const) {
    it(`${lang}: says "${late}" and shows one line per kind, the earlier answers folded`, async () => {
      const panel = await slaPanel(ticket, translator(lang), hours(60));
      expect(panel).to.not.equal(null);
      if (!panel) return;
      const labels = [...panel.items, ...panel.earlier].map((i) => i.stateLabel);
      expect(labels).to.include(late);
      expect(labels.join(' | ')).not.to.include(stale);
      const kinds = panel.items.map((i) => i.kind);
      expect(new Set(kinds).size, kinds.join(',')).to.equal(kinds.length);
      expect(panel.items.length).to.be.at.most(4);
      expect(panel.earlier.length).to.be.at.least(3);
      expect(panel.earlierLabel).to.match(/\d/);
    });

    it(`${lang}: a running deadline's chip and its time read as one line, without the same word twice (QA: "Pick-up due due Mon 16:25")`, async () => {
      const fresh = await buildTicket(org, { subject: 'Pas encore pris', at: MONDAY_9 });
      const panel = await slaPanel(fresh, translator(lang), hours(1));
      const running = (panel?.items ?? []).filter((i) => i.code === 'running' && i.dueText);
      expect(running.length, 'a deadline runs').to.be.at.least(1);
      for (const i of running) {
        const line = `${i.stateLabel} ${i.dueText ?? ''}`.toLowerCase().split(/\s+/);
        expect(
          line.some((word, k) => k > 0 && word === line[k - 1]),
          line.join(' '),
        ).to.equal(false);
      }
    });
  }

  it("the board shows an escalation nobody took yet by the receiving tier's deadline to take it, named so", async () => {
    const t = await buildTicket(org, { subject: 'Escalade à prendre' });
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: t.version });
    await escalateTicket({
      actor: org.staff.advisorLiege,
      ticketId: String(t._id),
      version: claimed.version,
      reason: 'payroll_correction',
      handoff: 'À recalculer.',
    });
    const acceptance = (await loadTicket(t._id))?.sla?.deadlines.find((d) => d.kind === 'acceptance' && d.state === 'running');
    expect(acceptance?.due, 'an acceptance deadline runs').to.be.instanceOf(Date);
    const board = (await (await signedIn(testApp(), org.staff.supervisorLiege.email)).get('/staff/board').expect(200)).text;
    expect(board).to.match(new RegExp(`title="Prise en charge · [^"]+"><time datetime="${new Date(acceptance?.due ?? 0).toISOString()}"`));
    expect(board).to.include('<span class="due-kind">Prise en charge</span>');
    // Its row opens the ticket with a way back to the board.
    expect(board.replaceAll('&#x3D;', '=')).to.include(`href="/staff/tickets/${String(t._id)}?from=board"`);
    const page = (await (await signedIn(testApp(), org.staff.supervisorLiege.email)).get(`/staff/tickets/${String(t._id)}?from=board`).expect(200)).text;
    expect(page).to.include('<p class="crumbs"><a href="/staff/board">← Retour à la supervision</a></p>');
  });

  it('the queue names the deadline its due column shows: taking it, the first response, then (answered) the resolution', async () => {
    const t = await buildTicket(org, { subject: 'Quel délai ?' });
    const row = async (lang: 'fr' | 'nl') => {
      const agent = await signedIn(testApp(), org.staff.advisorLiege.email);
      const html = (await agent.get(`/staff/queue?lang=${lang}`).set('accept-language', lang).expect(200)).text;
      return (
        /<tr data-key="[^"]+"[^>]*>(?:(?!<\/tr>)[\s\S])*Quel délai \?(?:(?!<\/tr>)[\s\S])*<td class="col-due">((?:(?!<\/td>)[\s\S])*)<\/td>/.exec(html)?.[1] ??
        ''
      );
    };
    // Nobody holds it yet: the deadline to take it comes first.
    expect(await row('fr'))
      .to.match(/title="Prise en charge · [^"]+"/)
      .and.include('<span class="due-kind">Prise en charge</span>');
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: t.version });
    expect(await row('fr'))
      .to.match(/title="Première réponse · [^"]+"/)
      .and.include('<span class="due-kind">Première réponse</span>');
    expect(await row('nl')).to.include('<span class="due-kind">Eerste antwoord</span>');
    // The ticket page's header names it too.
    const page = (await (await signedIn(testApp(), org.staff.advisorLiege.email)).get(`/staff/tickets/${String(t._id)}`).expect(200)).text;
    expect(page).to.include('<span class="muted"> · Première réponse</span>');
    await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: claimed.version, text: 'Voici.' });
    const due = (await loadTicket(t._id))?.dueAt;
    const kind = (await loadTicket(t._id))?.sla?.deadlines.find((d) => d.due?.getTime() === due?.getTime())?.kind;
    expect(kind).to.equal('resolution');
    expect(await row('fr'))
      .to.include('<span class="due-kind">Résolution</span>')
      .and.not.include('Première réponse');
  });
});
