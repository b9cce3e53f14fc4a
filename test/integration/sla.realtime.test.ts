/**
 * SLA alerts reach the right people live: the real app, Socket.io over loopback and the
 * scheduler on an injected clock. A warning goes to the holder and the ticket's team queue;
 * a breach the policy sends to supervisors also reaches the office's supervisors; nobody
 * who may not read the ticket hears of it.
 */
import { expect } from 'chai';
import { SlaCalendarModel } from '../../server/sla/calendar.model.js';
import { clearSlaCache } from '../../server/sla/engine.js';
import { SlaPolicyModel } from '../../server/sla/policy.js';
import { startSlaScheduler } from '../../server/sla/scheduler.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { silentLogger } from '../helpers/config.js';
import { buildTicket } from '../helpers/factories.js';
import { collect, nextEvent, sleep, useLiveServer } from '../helpers/realtime.js';

const T0 = new Date('2026-03-02T10:00:00Z');
const plus = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

describe('SLA alerts, live (Socket.io, injected clock)', () => {
  const live = useLiveServer();

  before(async () => {
    const always = () => [{ start: '00:00', end: '24:00' }];
    await SlaCalendarModel.collection.insertOne({
      office: null,
      name: 'Toujours',
      timeZone: 'Europe/Brussels',
      hours: { 1: always(), 2: always(), 3: always(), 4: always(), 5: always(), 6: always(), 7: always() },
      holidays: null,
      closures: [],
    });
    await SlaPolicyModel.create({
      name: 'Standard',
      order: 10,
      active: true,
      match: { categories: [], priorities: [], tiers: [], offices: [] },
      targets: { firstResponseMinutes: 60, nextResponseMinutes: null, resolutionMinutes: null, acceptanceMinutes: { 1: 30, 2: 120, 3: null } },
      warnings: { percents: [50], minutesBefore: [] },
      onBreach: { acceptance: 'alert_supervisors', resolution: 'none' },
    });
    clearSlaCache();
  });

  after(() => clearSlaCache());

  it('tells the holder and the team of a warning, the supervisors of a breach they must hear of, and no one else', async () => {
    const { org } = live;
    const held = await buildTicket(org, { at: T0, subject: 'Tenu par Julie' });
    await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(held._id), version: 1, at: plus(1) });
    const waiting = await buildTicket(org, { at: T0, subject: 'Personne ne le prend' });
    await domainEvents.settled();

    const holder = await live.as('advisorLiege');
    const colleague = await live.as('advisorLiege2');
    const supervisor = await live.as('supervisorLiege');
    const stranger = await live.as('advisorCharleroi');
    const seen = {
      holder: collect(holder.socket, 'sla:alert'),
      colleague: collect(colleague.socket, 'sla:alert'),
      supervisor: collect(supervisor.socket, 'sla:alert'),
      stranger: collect(stranger.socket, 'sla:alert'),
    };
    const warned = nextEvent(holder.socket, 'sla:alert', (m) => m.ticketId === String(held._id));
    const breachToSupervisor = nextEvent(supervisor.socket, 'sla:alert', (m) => m.ticketId === String(waiting._id));

    // At T0 + 40 min: half the first-response time of the held ticket is gone (a warning), and
    // the waiting ticket missed its 30 minutes to be taken (a breach for the supervisors).
    const scheduler = startSlaScheduler({ config: live.server.config, logger: silentLogger, now: () => plus(40), rescanMs: 3_600_000 });
    try {
      await scheduler.idle();
      const warning = await warned;
      expect(warning).to.deep.include({
        number: held.number,
        subject: 'Tenu par Julie',
        kind: 'warning',
        deadline: 'first_response',
        label: '50%',
        level: 'team',
        escalated: false,
      });
      expect(warning.dueAt).to.equal(plus(60).toISOString());
      const breach = await breachToSupervisor;
      expect(breach).to.deep.include({ kind: 'breach', deadline: 'acceptance', level: 'supervisor', escalated: false });
      await domainEvents.settled();
      await sleep(100);

      const about = (list: Array<{ ticketId: string; kind: string }>) =>
        list.map((m) => `${m.ticketId === String(held._id) ? 'held' : 'waiting'}:${m.kind}`).sort();
      // The team hears of everything on its tier-1 queue (the waiting ticket's first response is half gone too).
      expect(about(seen.holder)).to.deep.equal(['held:warning', 'waiting:breach', 'waiting:warning']);
      expect(about(seen.colleague)).to.deep.equal(['held:warning', 'waiting:breach', 'waiting:warning']);
      // A supervisor hears of the breach only (the warning is the team's business).
      expect(about(seen.supervisor)).to.deep.equal(['waiting:breach']);
      // Charleroi's advisor may not read Liège's tickets.
      expect(seen.stranger).to.deep.equal([]);
    } finally {
      await scheduler.stop();
    }
  });
});
