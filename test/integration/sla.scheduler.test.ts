/**
 * The SLA timers on the real database, with injected clocks instead of real hours: an alert
 * whose time passed fires once at start (and not again after a restart), two schedulers on the
 * same database fire each alert exactly once, 2,000 alerts due at once all fire exactly once,
 * the holder gets a mail, and an acceptance breach escalates automatically when the policy
 * says so, with its reason in the ticket's history.
 */
import { WorkingTicketModel } from '../../server/tickets/ticket.keys.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { expect } from 'chai';
import request from 'supertest';
import { Types } from 'mongoose';
import { systemActor } from '../../server/auth/actor.js';
import { ReasonCodeModel } from '../../server/catalog/category.model.js';
import { domainEvents, type DomainEventMap } from '../../server/lib/domain-events.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { useMail } from '../helpers/enrichers.js';
import { SlaCalendarModel } from '../../server/sla/calendar.model.js';
import { clearSlaCache, currentDeadlines } from '../../server/sla/engine.js';
import { SlaPolicyModel, type SlaPolicyData } from '../../server/sla/policy.js';
import { startSlaScheduler, type SlaScheduler, type SlaSchedulerOptions } from '../../server/sla/scheduler.js';
import type { TicketSla } from '../../server/tickets/ticket-sla.js';
import { EscalationModel } from '../../server/tickets/escalation.model.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { TicketEventModel, eventId, type TicketEvent } from '../../server/tickets/ticket-event.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, testPassword, type Org } from '../helpers/factories.js';
import { testApp } from '../helpers/http.js';

// The calendar below is always open, so business minutes are wall-clock minutes.
const T0 = new Date('2026-03-02T10:00:00Z');
const plus = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const T0_ISO = T0.toISOString();

function policy(
  name: string,
  order: number,
  categories: string[],
  targets: Partial<SlaPolicyData['targets']>,
  warnings: SlaPolicyData['warnings'],
  onBreach: SlaPolicyData['onBreach'] = {},
): SlaPolicyData {
  return {
    name,
    order,
    active: true,
    match: { categories, priorities: [], tiers: [], offices: [] },
    targets: { firstResponseMinutes: null, nextResponseMinutes: null, resolutionMinutes: null, acceptanceMinutes: {}, ...targets },
    warnings,
    onBreach,
  };
}

async function alertEvents(ticket: Types.ObjectId | string): Promise<TicketEvent<'sla_alert'>[]> {
  const loaded = await loadTicket(ticket);
  const events: TicketEvent<'sla_alert'>[] = [];
  for (let seq = 1; seq <= (loaded?.version ?? 0); seq += 1) {
    const e = await TicketEventModel.findById(eventId(ticket, seq)).lean<TicketEvent>();
    if (e && e.type === 'sla_alert') events.push(e);
  }
  return events;
}

function sla(ticket: Ticket | null): TicketSla {
  if (!ticket?.sla) throw new Error('no SLA on the ticket');
  return ticket.sla;
}

describe('SLA scheduler (real database, injected clocks)', function () {
  this.timeout(120_000);
  useTestDatabase();
  const config = testConfig();
  let org: Org;
  const running: SlaScheduler[] = [];
  const alerts: Array<DomainEventMap['sla.alert']> = [];
  let unsubscribe: () => void = () => undefined;

  function scheduler(now: () => Date, extra: Partial<SlaSchedulerOptions> = {}): SlaScheduler {
    const s = startSlaScheduler({ config, logger: silentLogger, now, rescanMs: 3_600_000, ...extra });
    running.push(s);
    return s;
  }

  before(async () => {
    clearSlaCache();
    useMail(config);
    org = await buildOrg();
    const always = () => [{ start: '00:00', end: '24:00' }];
    await SlaCalendarModel.collection.insertOne({
      office: null,
      name: 'Toujours',
      timeZone: 'Europe/Brussels',
      hours: { 1: always(), 2: always(), 3: always(), 4: always(), 5: always(), 6: always(), 7: always() },
      holidays: null,
      closures: [],
    });
    await SlaPolicyModel.insertMany([
      // Any ticket: answer within an hour, take it within 30 minutes on tier 1; warn at half time.
      {
        ...policy(
          'Standard',
          10,
          [],
          { firstResponseMinutes: 60, acceptanceMinutes: { 1: 30, 2: 120 } },
          { percents: [50], minutesBefore: [] },
          { acceptance: 'alert_supervisors' },
        ),
        labels: { fr: 'Politique standard', nl: 'Standaardbeleid', en: 'Standard policy' },
      },
      // Invoices: only a first-response breach, for the crowd test.
      policy('Factures', 1, ['invoices'], { firstResponseMinutes: 60 }, { percents: [], minutesBefore: [] }),
      // Contracts: nobody taking it within 30 minutes on tier 1 escalates it.
      {
        ...policy('Contrats', 2, ['contracts'], { acceptanceMinutes: { 1: 30, 2: 240 } }, { percents: [], minutesBefore: [] }, { acceptance: 'escalate' }),
        labels: { fr: 'Contrats (prise en charge)', nl: 'Contracten', en: 'Contracts' },
      },
    ]);
    await ReasonCodeModel.create({
      code: 'sla_breach',
      label: { fr: 'Délai de prise en charge dépassé', nl: 'Opnametermijn overschreden', en: 'Pick-up deadline missed' },
      appliesTo: [],
    });
    clearSlaCache();
    unsubscribe = domainEvents.subscribe('sla.alert', (a) => {
      alerts.push(a);
    });
  });

  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
    await domainEvents.settled();
  });

  after(() => {
    unsubscribe();
    clearSlaCache();
  });

  it('fires an alert whose time passed once at start, not again after a restart, and the next one when it falls due', async () => {
    const t = await buildTicket(org, { at: T0 });
    await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: 1, at: plus(1) });
    expect(sla(await loadTicket(t._id)).nextAlertAt?.toISOString()).to.equal(plus(30).toISOString());

    let clock = plus(40);
    const first = scheduler(() => clock);
    await first.idle();
    let fired = await alertEvents(t._id);
    expect(fired.map((e) => e.data.key)).to.deep.equal([`first_response:${T0_ISO}:50%`]);
    expect(fired[0]).to.deep.include({ reason: null });
    expect(fired[0]?.actor.kind).to.equal('system');
    expect(fired[0]?.data).to.deep.include({ kind: 'warning', deadline: 'first_response', label: '50%', level: 'team' });
    const after = await loadTicket(t._id);
    expect((await currentDeadlines(after as Ticket, plus(40)))?.fired).to.deep.equal([`first_response:${T0_ISO}:50%`]);
    expect(sla(after).nextAlertAt?.toISOString()).to.equal(plus(60).toISOString());

    // The holder got a mail (in the same journal event), in their language.
    const mail = await Outbox.collection.find({ ticket: t._id, template: 'sla-warning' }).toArray();
    expect(mail).to.have.length(1);
    expect(mail[0]?.to).to.deep.equal([org.staff.advisorLiege.email]);
    expect(mail[0]?.subject).to.match(/^\[R-\d{4}-\d{6}\] Délai bientôt atteint \(Première réponse\)/);
    expect(mail[0]?.text).to.include('Politique standard'); // the policy named in the holder's language
    expect(fired[0]?.writes.map((w) => w.model)).to.deep.equal(['OutboxDue', 'Outbox']); // the mark the outbox worker reads, then the mail
    await domainEvents.settled();
    expect(alerts.filter((a) => a.ticketId === String(t._id))).to.have.length(1);

    // A restart at the same moment: the alert is fired already.
    await first.stop();
    const second = scheduler(() => clock);
    await second.idle();
    expect(await alertEvents(t._id)).to.have.length(1);
    expect(second.stats().fired).to.equal(0);

    // Later: the breach falls due and fires once.
    clock = plus(90);
    await second.check();
    await second.check();
    fired = await alertEvents(t._id);
    expect(fired.map((e) => e.data.key)).to.deep.equal([`first_response:${T0_ISO}:50%`, `first_response:${T0_ISO}:breach`]);
    expect(fired[1]?.data).to.deep.include({ kind: 'breach', level: 'team' });
    expect(sla(await loadTicket(t._id)).nextAlertAt).to.equal(null);
    expect(await Outbox.collection.countDocuments({ ticket: t._id, template: 'sla-warning' })).to.equal(2);

    // Both show in the trail of the ticket page.
    const agent = request.agent(testApp(config));
    const form = await agent.get('/staff/login').expect(200);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(form.text)?.[1] ?? '';
    await agent.post('/staff/login').type('form').send({ _csrf: csrf, email: org.staff.advisorLiege.email, password: testPassword }).expect(303);
    const page = await agent.get(`/staff/tickets/${String(t._id)}`).expect(200);
    expect(page.text).to.include('Relais a signalé que le délai « Première réponse » approche de son échéance (50%)');
    expect(page.text).to.include('Relais a signalé que le délai « Première réponse » est dépassé');
  });

  it('gives each alert exactly one event when two schedulers run on the same database', async () => {
    const tickets = await Promise.all(Array.from({ length: 20 }, (_, i) => buildTicket(org, { at: T0, subject: `Course ${i}` })));
    const clock = () => plus(120);
    const [a, b] = [scheduler(clock, { instanceId: 'a' }), scheduler(clock, { instanceId: 'b' })];
    await Promise.all([a.idle(), b.idle()]);
    // Late by more than both targets: only the breach of each deadline, not the stale warnings.
    for (const t of tickets) {
      const keys = (await alertEvents(t._id)).map((e) => String(e.data.key)).sort();
      expect(keys, String(t._id)).to.deep.equal([`acceptance:${T0_ISO}:breach`, `first_response:${T0_ISO}:breach`]);
    }
    expect(a.stats().fired + b.stats().fired).to.equal(40);
    // Nobody took them within the target: the supervisors hear of it.
    const levels = alerts.filter((x) => tickets.some((t) => String(t._id) === x.ticketId) && x.deadline === 'acceptance').map((x) => x.level);
    expect(levels).to.have.length(20);
    expect(new Set(levels)).to.deep.equal(new Set(['supervisor']));
  });

  it('fires 2,000 alerts due at once, each exactly once', async function () {
    this.timeout(600_000);
    const template = await buildTicket(org, { at: T0, category: 'invoices', subject: 'Facture contestée' });
    const ticketDoc = await TicketModel.collection.findOne({ _id: template._id });
    const created = await TicketEventModel.collection.findOne({ _id: eventId(template._id, 1) } as never);
    if (!ticketDoc || !created) throw new Error('template ticket missing');
    expect((ticketDoc.sla as TicketSla).nextAlertAt?.toISOString()).to.equal(plus(60).toISOString());
    const ids: Types.ObjectId[] = [];
    for (let chunk = 0; chunk < 4; chunk += 1) {
      const tickets = [];
      const events = [];
      for (let i = 0; i < 500; i += 1) {
        const id = new Types.ObjectId();
        ids.push(id);
        tickets.push({ ...ticketDoc, _id: id, number: `R-2026-${String(800_000 + chunk * 500 + i)}` });
        events.push({ ...created, _id: eventId(id, 1), ticket: id, data: { channel: 'phone' }, writes: [] });
      }
      await TicketModel.collection.insertMany(tickets);
      await TicketEventModel.collection.insertMany(events as never);
      // Written in bulk as an import would: with their working-set hints (ticket.keys.ts).
      await WorkingTicketModel.collection.insertMany(tickets.map((t) => ({ _id: t._id, at: T0 })));
    }
    workingSet.reset();
    const s = scheduler(() => plus(180), { concurrency: 8 });
    await s.idle();
    const key = `first_response:${T0_ISO}:breach`;
    const fired = await TicketEventModel.collection.find({ type: 'sla_alert' } as never, { projection: { ticket: 1, 'data.key': 1 } }).toArray();
    const perTicket = new Map<string, string[]>();
    for (const e of fired) perTicket.set(String(e.ticket), [...(perTicket.get(String(e.ticket)) ?? []), String((e.data as { key: string }).key)]);
    for (const id of ids) expect(perTicket.get(String(id)), String(id)).to.deep.equal([key]);
    const rows = await TicketModel.collection.find({ _id: { $in: ids.slice(0, 50) } }, { projection: { sla: 1, version: 1 } }).toArray();
    for (const row of rows) {
      expect(row.version).to.equal(2);
      expect((row.sla as TicketSla).nextAlertAt).to.equal(null);
      expect((row.sla as TicketSla).deadlines).to.deep.include({ kind: 'first_response', state: 'running', due: plus(60), breached: true });
    }
    expect(s.stats().failures).to.equal(0);
  });

  it('escalates a ticket nobody took in time when the policy says so, with its reason in the history, once', async () => {
    const t = await buildTicket(org, { at: T0, category: 'contracts', subject: 'Avenant au contrat' });
    const id = String(t._id);
    const clock = () => plus(45);
    await scheduler(clock).idle();
    const ticket = await loadTicket(id);
    expect(ticket).to.deep.include({ tier: 2, assignee: null, version: 2 });
    expect(String(ticket?.team)).to.equal(String(org.teams.support));
    const event = await TicketEventModel.findById(eventId(id, 2)).lean<TicketEvent<'escalated'>>();
    expect(event).to.deep.include({ type: 'escalated', reason: 'sla_breach' });
    expect(event?.actor).to.deep.include({ kind: 'system', name: systemActor.name });
    expect(event?.note).to.equal(
      'Personne au niveau 1 n’a pris ce ticket en charge dans le délai prévu de 30 minutes ouvrables (règle « Contrats (prise en charge) ») : escaladé automatiquement par Relais.',
    );
    expect(event?.data).to.deep.include({ automatic: true });
    expect(event?.data.alert?.key).to.equal(`acceptance:${T0_ISO}:breach`);
    const escalation = await EscalationModel.findOne({ ticket: t._id }).lean();
    expect(escalation).to.deep.include({ fromTier: 1, toTier: 2, reason: 'sla_breach', outcome: 'pending', by: null });
    // Tier 2 now has its own acceptance clock, from the escalation.
    const current = await currentDeadlines(ticket as Ticket, plus(45));
    const acceptance = current?.set.deadlines.filter((d) => d.kind === 'acceptance') ?? [];
    expect(acceptance.map((d) => [d.tier, d.state, d.breached])).to.deep.equal([
      [1, 'stopped', true],
      [2, 'running', false],
    ]);
    expect(acceptance[1]?.startedBy).to.equal('escalated');
    expect(current?.fired).to.deep.equal([`acceptance:${T0_ISO}:breach`]);
    expect(sla(ticket).nextAlertAt?.toISOString()).to.equal(plus(45 + 240).toISOString());
    // The receiving team is told by mail, as for a staff escalation; supervisors live.
    expect(await Outbox.collection.countDocuments({ ticket: t._id, template: 'staff-escalation', to: org.staff.support.email })).to.equal(1);
    await domainEvents.settled();
    expect(alerts.filter((a) => a.ticketId === id)).to.deep.equal([
      {
        ticketId: id,
        key: `acceptance:${T0_ISO}:breach`,
        kind: 'breach',
        deadline: 'acceptance',
        label: 'breach',
        at: plus(45).toISOString(),
        dueAt: plus(30).toISOString(),
        level: 'supervisor',
        escalated: true,
      },
    ]);

    // Restarted: no second escalation.
    await scheduler(clock).idle();
    expect((await loadTicket(id))?.version).to.equal(2);
    expect(await EscalationModel.countDocuments({ ticket: t._id })).to.equal(1);
  });

  it('leaves a stored alert time alone when nothing is due any more (policies changed), without looping', async () => {
    const t = await buildTicket(org, { at: T0, subject: 'Plus de règle' });
    await SlaPolicyModel.updateMany({}, { $set: { active: false } });
    clearSlaCache();
    try {
      const s = scheduler(() => plus(600));
      await s.idle();
      expect(await alertEvents(t._id)).to.have.length(0);
      expect(s.stats()).to.deep.include({ failures: 0, scheduled: 0 });
      await s.check();
      expect(await alertEvents(t._id)).to.have.length(0);
    } finally {
      await SlaPolicyModel.updateMany({}, { $set: { active: true } });
      clearSlaCache();
    }
  });
});
