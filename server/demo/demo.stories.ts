/**
 * One demo ticket's life, played through the real commands: older tickets are
 * resolved (some after escalations and bounce-backs), recent ones are in progress
 * at every tier, the newest wait unclaimed in tier-1 queues.
 */
import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { systemActor } from '../auth/actor.js';
import { rateTicket } from '../tickets/member.commands.js';
import { addNote, claimTicket, replyToTicket, resolveTicket } from '../tickets/ticket.commands.js';
import { escalateTicket, returnTicket } from '../tickets/ticket.moves.js';
import { createTicket } from '../tickets/ticket.create.js';
import type { DemoMember, DemoTicketTemplate } from './demo.data.js';
import { demoNotes } from './demo.handoffs.js';

const advisorsByOffice: Record<string, string[]> = {
  liege: ['conseiller.liege@relais.demo', 'nadia.liege@relais.demo'],
  charleroi: ['conseiller.charleroi@relais.demo', 'luc.charleroi@relais.demo'],
  mons: ['conseiller.mons@relais.demo'],
  bruxelles: ['conseiller.bruxelles@relais.demo'],
};
const supportStaff = ['soutien@relais.demo', 'els.soutien@relais.demo'];

/** The escalation reason that fits a ticket's category (a change of address escalated for "payroll correction" made the board look wrong). */
const escalationReasonOf: Record<string, string> = {
  contracts: 'needs_contract_change',
  invoices: 'invoice_dispute',
  payslips: 'payroll_correction',
  certificates: 'certificate_request',
  advances: 'advance_approval',
  expenses: 'payroll_correction', // expenses are paid back with the salary
  insurance: 'insurance_claim',
  account: 'technical_account_issue',
  other: 'legal_question',
};

const fallbackText = {
  fr: {
    reply: 'Bonjour, merci pour votre message. Je regarde votre dossier et je reviens vers vous rapidement.',
  },
  nl: {
    reply: 'Goedendag, bedankt voor uw bericht. Ik bekijk uw dossier en kom snel bij u terug.',
  },
  en: {
    reply: 'Hello, thank you for your message. I am looking into your file and will get back to you shortly.',
  },
} as const;

export interface StoryInput {
  index: number;
  total: number;
  template: DemoTicketTemplate;
  member: DemoMember;
  createdAt: Date;
  actors: ReadonlyMap<string, StaffActor>;
  officeCodeOf: (office: Types.ObjectId) => string;
}

const hours = (base: Date, h: number) => new Date(base.getTime() + h * 3600 * 1000);

/**
 * When a staff step `h` hours after `base` happens: staff work Monday to Friday, 9:00–17:00 in
 * Brussels (the demo's calendar), so a step that would fall outside is done at the next opening, a
 * few minutes in, in the same order. Members write at any hour; advisors answered at 3 a.m. made the
 * reports' business-hours medians read "< 1 min" (QA). Never later than now.
 */
export function staffTime(base: Date, h: number, now = Date.now()): Date {
  const zone = 'Europe/Brussels';
  const wall = DateTime.fromJSDate(hours(base, h), { zone });
  const working = (d: DateTime) => d.weekday <= 5;
  const at = (d: DateTime, hour: number) => d.set({ hour, minute: 0, second: 0, millisecond: 0 });
  if (working(wall) && wall.hour >= 9 && wall.hour < 17) return new Date(Math.min(wall.toMillis(), now - 60_000));
  // The last closing before it, and the next opening after it.
  let closed = at(wall, 17);
  while (closed > wall || !working(closed)) closed = at(closed.minus({ days: 1 }), 17);
  let next = wall.hour < 9 ? at(wall, 9) : at(wall.plus({ days: 1 }), 9);
  while (!working(next)) next = next.plus({ days: 1 });
  // As many minutes in as a tenth of the time since closing (at most two hours): the night's order kept.
  const after = Math.min(120, wall.diff(closed, 'minutes').minutes / 10);
  return new Date(Math.min(next.plus({ minutes: after }).toMillis(), now - 60_000));
}

export async function playTicketStory(input: StoryInput): Promise<void> {
  const { template, member, createdAt, actors, index } = input;
  const texts = fallbackText[template.language];
  const notes = demoNotes(template.category, template.language, template.subject);
  const ticket = await createTicket({
    actor: systemActor,
    subject: template.subject,
    body: template.body,
    member: { name: member.name, email: member.email, memberNumber: member.memberNumber, language: member.language },
    channel: index % 3 === 0 ? 'email' : 'web',
    category: template.category,
    language: template.language,
    priority: template.priority,
    at: createdAt,
  });
  const officeCode = input.officeCodeOf(ticket.office);
  const advisorEmails = advisorsByOffice[officeCode] ?? advisorsByOffice.bruxelles ?? [];
  const advisor = actors.get(advisorEmails[index % advisorEmails.length] ?? '');
  const support = actors.get(supportStaff[index % supportStaff.length] ?? '');
  const admin = actors.get('administratif@relais.demo');
  if (!advisor || !support || !admin) return;

  // Age decides the stage: oldest resolved, middle in progress, newest waiting.
  const age = input.total > 0 ? index / input.total : 0;
  const kind = index % 10;
  if (age >= 0.88) return; // new, unclaimed in the tier-1 queue

  let v = ticket.version;
  // Each staff step in office hours (staffTime), and never before the one before it.
  let last = createdAt.getTime();
  const when = (h: number): Date => {
    last = Math.max(staffTime(createdAt, h).getTime(), last + 60_000);
    return new Date(last);
  };
  const step = async (fn: () => Promise<{ version: number }>) => {
    const view = await fn();
    v = view.version;
  };
  const ticketId = String(ticket._id);
  // Most members rate a resolved ticket a few hours later (scores mostly good, some not).
  const rate = async (resolvedAt: Date): Promise<void> => {
    if (index % 5 === 0) return;
    const score = [5, 4, 5, 3, 4, 5, 2, 4, 5, 1][index % 10] ?? 4;
    const comment = score <= 2 ? ratingComments[template.language].low : index % 3 === 0 ? ratingComments[template.language].high : null;
    await step(() =>
      rateTicket({ actor: { kind: 'member', id: ticket.member, name: member.name, email: member.email }, ticketId, score, comment, at: hours(resolvedAt, 5) }),
    );
  };
  await step(() => claimTicket({ actor: advisor, ticketId, version: v, at: when(1) }));
  await step(() =>
    replyToTicket({
      actor: advisor,
      ticketId,
      version: v,
      text: template.followUps?.staffReply ?? texts.reply,
      at: when(2),
      waitForMember: kind === 3,
    }),
  );
  if (kind === 3 && age >= 0.6) return; // waiting on the member

  const escalates = kind === 1 || kind === 4 || kind === 6 || kind === 8;
  if (escalates) {
    if (template.followUps?.internalNote)
      await step(() => addNote({ actor: advisor, ticketId, version: v, text: template.followUps?.internalNote ?? '', at: when(2.5) }));
    await step(() =>
      escalateTicket({
        actor: advisor,
        ticketId,
        version: v,
        reason: template.followUps?.handoffReason ?? escalationReasonOf[template.category] ?? 'legal_question',
        handoff: template.followUps?.handoff ?? notes.toSupport,
        at: when(3),
      }),
    );
    if (age >= 0.7 && kind === 1) return; // pending in the tier-2 queue
    await step(() => claimTicket({ actor: support, ticketId, version: v, at: when(5) }));
    if (kind === 4) {
      // Bounced back to tier 1: the advisor finishes it.
      await step(() => returnTicket({ actor: support, ticketId, version: v, note: notes.back, reason: 'missing_information', at: when(6) }));
      if (age >= 0.6) return;
      await step(() => resolveTicket({ actor: advisor, ticketId, version: v, at: when(26) }));
      await rate(when(26));
      return;
    }
    if (kind === 6 || kind === 8) {
      await step(() =>
        escalateTicket({
          actor: support,
          ticketId,
          version: v,
          reason: template.followUps?.handoffReason ?? escalationReasonOf[template.category] ?? 'certificate_request',
          handoff: notes.toAdmin, // tier 1's handoff is above it in the trail: tier 2 adds what is left
          at: when(8),
        }),
      );
      if (age >= 0.65) return; // pending in the tier-3 queue
      await step(() => claimTicket({ actor: admin, ticketId, version: v, at: when(24) }));
      if (age >= 0.55) return; // held by the administrative team
      await step(() => replyToTicket({ actor: admin, ticketId, version: v, text: texts.reply, at: when(30) }));
      await step(() => resolveTicket({ actor: admin, ticketId, version: v, at: when(31) }));
      await rate(when(31));
      return;
    }
    if (age >= 0.6) return; // held by support
    await step(() => resolveTicket({ actor: support, ticketId, version: v, at: when(20) }));
    await rate(when(20));
    return;
  }
  if (age >= 0.6) return; // held by the advisor, in progress
  await step(() => resolveTicket({ actor: advisor, ticketId, version: v, at: when(4) }));
  await rate(when(4));
}

const ratingComments = {
  fr: { high: 'Réponse rapide et claire, merci !', low: 'J’ai dû réexpliquer ma situation deux fois.' },
  nl: { high: 'Snel en duidelijk antwoord, bedankt!', low: 'Ik moest mijn situatie twee keer uitleggen.' },
  en: { high: 'Quick and clear answer, thank you!', low: 'I had to explain my situation twice.' },
} as const;
