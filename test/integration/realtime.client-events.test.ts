/**
 * The live layer's client events: presence and typing on a watched ticket, and what
 * happens to unknown, forged, malformed and flooding events.
 */
import { expect } from 'chai';
import { domainEvents } from '../../server/lib/domain-events.js';
import type { Ack, Person } from '../../server/realtime/protocol.js';
import { rooms } from '../../server/realtime/rooms.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { buildTicket } from '../helpers/factories.js';
import { collect, nextEvent, sleep, useLiveServer, type StaffKey } from '../helpers/realtime.js';

describe('realtime: client events', () => {
  const live = useLiveServer();
  const as = (who: StaffKey, options?: { reconnection?: boolean }) => live.as(who, options);
  const settled = () => domainEvents.settled();

  describe('presence and typing', () => {
    it('shows who views and who types, to the viewers of that ticket only', async () => {
      const ticket = await buildTicket(live.org);
      const id = String(ticket._id);
      const julie = await as('advisorLiege');
      const nadia = await as('advisorLiege2');
      const names = (people: Person[]) => people.map((p) => p.name).sort();

      const first = (await julie.socket.emitWithAck('ticket:watch', { ticketId: id })) as Ack<{ viewers: Person[] }>;
      expect(first.ok && names(first.viewers)).to.deep.equal(['Julie Lambert']);
      const both = nextEvent(julie.socket, 'presence', (m) => m.viewers.length === 2);
      const second = (await nadia.socket.emitWithAck('ticket:watch', { ticketId: id })) as Ack<{ viewers: Person[] }>;
      expect(second.ok && names(second.viewers)).to.deep.equal(['Julie Lambert', 'Nadia El Amrani']);
      expect(names((await both).viewers)).to.deep.equal(['Julie Lambert', 'Nadia El Amrani']);

      const typing = nextEvent(julie.socket, 'presence', (m) => m.typing.length === 1);
      nadia.socket.emit('ticket:typing', { ticketId: id, typing: true });
      expect(names((await typing).typing)).to.deep.equal(['Nadia El Amrani']);
      // Silence ends it (typingTtlMs is 400 ms here).
      const stopped = await nextEvent(julie.socket, 'presence', (m) => m.typing.length === 0, 2_000);
      expect(names(stopped.viewers)).to.have.length(2);

      const left = nextEvent(julie.socket, 'presence', (m) => m.viewers.length === 1);
      expect(await nadia.socket.emitWithAck('ticket:unwatch', { ticketId: id })).to.deep.equal({ ok: true });
      expect(names((await left).viewers)).to.deep.equal(['Julie Lambert']);

      const back = nextEvent(julie.socket, 'presence', (m) => m.viewers.length === 2);
      await nadia.socket.emitWithAck('ticket:watch', { ticketId: id });
      await back;
      const gone = nextEvent(julie.socket, 'presence', (m) => m.viewers.length === 1);
      nadia.socket.disconnect();
      expect(names((await gone).viewers)).to.deep.equal(['Julie Lambert']);
    });

    it('stops the watch of someone who may no longer read the ticket after a move', async () => {
      const ticket = await buildTicket(live.org);
      const id = String(ticket._id);
      const julie = await as('advisorLiege');
      const sup = await as('supervisorLiege');
      await julie.socket.emitWithAck('ticket:watch', { ticketId: id });
      await sup.socket.emitWithAck('ticket:watch', { ticketId: id });
      const held = await claimTicket({ actor: live.org.staff.advisorLiege2, ticketId: id, version: 1 });
      await settled();
      const onlySup = nextEvent(sup.socket, 'presence', (m) => m.viewers.length === 1);
      await escalateTicket({
        actor: live.org.staff.advisorLiege2,
        ticketId: id,
        version: held.version,
        reason: 'payroll_correction',
        handoff: 'À recalculer.',
      });
      await settled();
      expect((await onlySup).viewers.map((p) => p.name)).to.deep.equal(['Isabelle Collard']);
      expect(await julie.socket.emitWithAck('ticket:typing', { ticketId: id, typing: true })).to.deep.equal({ ok: false, error: { code: 'not_found' } });
    });
  });

  describe('client events', () => {
    it('drops and logs unknown, forged and malformed events', async () => {
      const ticket = await buildTicket(live.org, { actor: live.org.staff.advisorCharleroi, office: live.org.offices.charleroi });
      const { socket } = await as('advisorLiege');
      const updates = collect(socket, 'ticket:update');
      const raw = socket as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
      const before = live.records.length;

      expect(await raw.emitWithAck('join', { room: rooms.tier1Office(live.org.offices.charleroi) })).to.deep.equal({
        ok: false,
        error: { code: 'unknown_event' },
      });
      expect(await raw.emitWithAck('ticket:update', { ticket: { id: String(ticket._id) } })).to.deep.equal({ ok: false, error: { code: 'unknown_event' } });
      expect(await raw.emitWithAck('ticket:watch', { ticketId: { $gt: '' } })).to.deep.equal({ ok: false, error: { code: 'validation_failed' } });
      expect(await raw.emitWithAck('ticket:watch', { ticketId: String(ticket._id), room: 'office:x' })).to.deep.equal({
        ok: false,
        error: { code: 'validation_failed' },
      });
      expect(await raw.emitWithAck('ticket:watch', { ticketId: String(ticket._id) }, 'extra')).to.deep.equal({
        ok: false,
        error: { code: 'validation_failed' },
      });
      expect(await raw.emitWithAck('ticket:typing', { ticketId: String(ticket._id), typing: true })).to.deep.equal({ ok: false, error: { code: 'not_found' } });
      expect(await raw.emitWithAck('constructor', {})).to.deep.equal({ ok: false, error: { code: 'unknown_event' } });

      await claimTicket({ actor: live.org.staff.advisorCharleroi, ticketId: String(ticket._id), version: 1 });
      await settled();
      await sleep(150);
      expect(updates.filter((m) => m.ticket.id === String(ticket._id))).to.have.length(0);
      const dropped = live.records.slice(before).filter((r) => r.msg === 'realtime: client event dropped');
      expect(dropped.map((r) => r.reason)).to.include.members(['unknown_event', 'validation_failed', 'forged']);
      expect(dropped.every((r) => r.component === 'realtime' && r.staff === String(live.org.staff.advisorLiege.id))).to.equal(true);
    });

    it('rate-limits each socket and disconnects one that keeps flooding', async () => {
      const { socket } = await as('advisorLiege');
      const started = performance.now();
      const replies = (await Promise.all(Array.from({ length: 40 }, () => socket.emitWithAck('sync', {})))) as Ack[];
      const seconds = (performance.now() - started) / 1000;
      const limited = replies.filter((r) => !r.ok && r.error.code === 'rate_limited').length;
      // The burst capacity (20), plus what refilled (5 per second) while the burst went through.
      expect(replies.length - limited).to.be.within(20, 20 + Math.ceil(5 * seconds));
      expect(socket.connected).to.equal(true);
      await sleep(1_000);
      expect((await socket.emitWithAck('sync', {})).ok).to.equal(true);

      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      for (let i = 0; i < 300; i += 1) socket.emit('ticket:typing', { ticketId: 'not an id', typing: true });
      expect(await closed).to.equal('io server disconnect');
    });
  });
});
