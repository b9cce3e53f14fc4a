/**
 * The live layer against the real app, database and Socket.io over loopback:
 * handshake, rooms that follow the policy, stream messages with their sequence numbers,
 * resync after a lost connection or message, and shutdown.
 * (Presence and client events: realtime.client-events.test.ts; session endings:
 * realtime.sessions.test.ts; two instances: realtime.redis.test.ts.)
 */
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { signAccessToken } from '../../server/auth/tokens.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import type { Ack, TicketUpdateMessage } from '../../server/realtime/protocol.js';
import { rooms } from '../../server/realtime/rooms.js';
import { claimTicket, releaseTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import type { TicketView } from '../../server/tickets/ticket.presenter.js';
import { buildTicket } from '../helpers/factories.js';
import {
  collect,
  connect,
  connected,
  nextEvent,
  refused,
  sleep,
  startLiveServer,
  until,
  useLiveServer,
  type ConnectOptions,
  type StaffKey,
  type TestSocket,
} from '../helpers/realtime.js';

/**
 * A queue screen as docs/REALTIME.md tells the browser to build it: snapshot over HTTP
 * after every hello or gap, stream messages applied by ticket version.
 */
class LiveQueue {
  readonly tickets = new Map<string, number>();
  readonly removed = new Map<string, number>();
  /** Every `<id>@<version>` put on screen, from the stream or a snapshot. */
  readonly shown: string[] = [];
  last: Record<string, number> = {};
  resyncs = 0;
  /** Test hook: loses the next stream message, as a network would. */
  loseNext = false;

  constructor(
    private readonly socket: TestSocket,
    private readonly snapshot: () => Promise<TicketView[]>,
  ) {
    socket.on('hello', (hello) => void this.resync(hello.streams));
    socket.on('ticket:update', (m) => this.receive(m.seqs, () => this.show(m.ticket.id, m.ticket.version)));
    socket.on('ticket:remove', (m) => this.receive(m.seqs, () => this.remove(m.ticketId, m.version)));
  }

  private receive(seqs: Record<string, number>, apply: () => void): void {
    if (this.loseNext) {
      this.loseNext = false;
      return;
    }
    let gap = false;
    for (const [room, seq] of Object.entries(seqs)) {
      const last = this.last[room];
      if (last === undefined) continue; // a room this socket is not in
      if (seq === last + 1) this.last[room] = seq;
      else if (seq !== last) gap = true;
    }
    apply();
    if (gap) void this.resync();
  }

  private show(id: string, version: number): void {
    if ((this.tickets.get(id) ?? 0) >= version || (this.removed.get(id) ?? 0) >= version) return;
    this.tickets.set(id, version);
    this.shown.push(`${id}@${version}`);
  }

  private remove(id: string, version: number): void {
    this.removed.set(id, Math.max(version, this.removed.get(id) ?? 0));
    this.tickets.delete(id);
  }

  async resync(streams?: Record<string, number>): Promise<void> {
    this.resyncs += 1;
    if (streams) this.last = { ...streams };
    else {
      const reply = (await this.socket.emitWithAck('sync', {})) as Ack<{ streams: Record<string, number> }>;
      if (!reply.ok) throw new Error(`sync refused: ${reply.error.code}`);
      this.last = { ...reply.streams };
    }
    for (const t of await this.snapshot()) this.show(t.id, t.version);
  }
}

describe('realtime: Socket.io /staff namespace', () => {
  const live = useLiveServer();
  const open = (options: ConnectOptions) => live.open(options);
  const as = (who: StaffKey, options?: { reconnection?: boolean }) => live.as(who, options);
  const settled = () => domainEvents.settled();
  const snapshotFor = (who: StaffKey) => async (): Promise<TicketView[]> => {
    const res = await request(live.server.app).get('/api/v1/tickets?limit=100').set('Authorization', `Bearer ${live.tokens[who]}`);
    expect(res.status).to.equal(200);
    return (res.body as { tickets: TicketView[] }).tickets;
  };

  describe('handshake', () => {
    it('refuses a socket without a token, with a forged, foreign or expired token, and a cookie sent from another site', async () => {
      const codeOf = async (options: ConnectOptions) => {
        const error = await refused(open(options));
        expect(error.message).to.equal('unauthorized');
        return error.data?.code;
      };
      expect(await codeOf({})).to.equal('no_token');
      expect(await codeOf({ token: 'not-a-jwt' })).to.equal('invalid_token');
      const claims = jwt.decode(live.tokens.advisorLiege ?? '') as { sub: string; sid: string };
      const forged = jwt.sign({ sid: claims.sid, tv: 0 }, 'another-secret-0123456789-abcdefghijklmnop', {
        subject: claims.sub,
        issuer: 'relais',
        audience: 'relais-staff',
        expiresIn: 60,
        jwtid: 'x',
      });
      expect(await codeOf({ token: forged })).to.equal('invalid_token');
      const none = jwt.sign(
        { sid: claims.sid, tv: 0, sub: claims.sub, iss: 'relais', aud: 'relais-staff', jti: 'x', exp: Math.floor(Date.now() / 1000) + 60 },
        '',
        { algorithm: 'none' },
      );
      expect(await codeOf({ token: none })).to.equal('invalid_token');
      const past = new Date(Date.now() - 3_600_000);
      const expired = signAccessToken(live.server.config.jwt, { staffId: claims.sub, sessionId: claims.sid, tokenVersion: 0 }, 60, past).token;
      expect(await codeOf({ token: expired })).to.equal('token_expired');
      const cookie = `relais_at=${live.tokens.advisorLiege}`;
      expect(await codeOf({ headers: { cookie, origin: 'https://evil.example' } })).to.equal('bad_origin');
    });

    it('accepts the access token as auth.token or as the relais_at cookie, and says hello with the streams of its rooms', async () => {
      const { hello } = await as('advisorLiege');
      const a = live.org.staff.advisorLiege;
      expect(Object.keys(hello.streams).sort()).to.deep.equal(
        // members:<office>: the office's members' tickets, followed read only wherever they are.
        [
          rooms.tier1Office(live.org.offices.liege),
          rooms.tier1Team(live.org.teams.liege),
          rooms.staff(a.id),
          rooms.memberOffice(live.org.offices.liege),
        ].sort(),
      );
      expect(hello.staff).to.deep.equal({ id: String(a.id), name: a.name });
      expect(Date.parse(hello.expiresAt)).to.be.greaterThan(Date.now());

      const viaCookie = open({ headers: { cookie: `theme=dark; relais_at=${live.tokens.supervisorLiege}`, origin: live.server.url } });
      const sup = await connected(viaCookie);
      expect(Object.keys(sup.streams).sort()).to.deep.equal(
        [
          rooms.office(live.org.offices.liege),
          rooms.tier(2),
          rooms.tier(3),
          rooms.staff(live.org.staff.supervisorLiege.id),
          rooms.memberOffice(live.org.offices.liege),
        ].sort(),
      );
    });
  });

  describe('rooms follow the policy', () => {
    it("an advisor cannot watch another office's ticket nor receive its updates", async () => {
      const ticket = await buildTicket(live.org);
      const id = String(ticket._id);
      const liege = await as('advisorLiege');
      const charleroi = await as('advisorCharleroi');
      const supCharleroi = await as('supervisorCharleroi');
      const leaked = [collect(charleroi.socket, 'ticket:update'), collect(supCharleroi.socket, 'ticket:update'), collect(charleroi.socket, 'ticket:remove')];

      expect(await charleroi.socket.emitWithAck('ticket:watch', { ticketId: id })).to.deep.equal({ ok: false, error: { code: 'not_found' } });
      expect(await charleroi.socket.emitWithAck('ticket:watch', { ticketId: 'f'.repeat(24) })).to.deep.equal({ ok: false, error: { code: 'not_found' } });
      const update = nextEvent(liege.socket, 'ticket:update', (m) => m.ticket.id === id);
      await claimTicket({ actor: live.org.staff.advisorLiege2, ticketId: id, version: ticket.version });
      await settled();
      expect((await update).event.type).to.equal('claimed');
      await sleep(200);
      expect(leaked.map((l) => l.length)).to.deep.equal([0, 0, 0]);
      // Watching does not widen what the stream rooms carry either.
      expect((await liege.socket.emitWithAck('ticket:watch', { ticketId: id })).ok).to.equal(true);
    });
  });

  describe('stream messages', () => {
    it('sends the viewer-neutral presenter output with one sequence number per room, and removes the ticket from the queues it leaves', async () => {
      const liege = await as('advisorLiege');
      const support = await as('support');
      const office = rooms.tier1Office(live.org.offices.liege);
      const base = liege.hello.streams[office] ?? 0;

      const created = nextEvent(liege.socket, 'ticket:update', (m) => m.event.type === 'created');
      const ticket = await buildTicket(live.org, { actor: live.org.staff.advisorLiege2 });
      await settled();
      const first = await created;
      expect(first.seqs[office]).to.equal(base + 1);
      expect(first.ticket).to.include({ id: String(ticket._id), number: ticket.number, version: 1, tier: 1, officeName: 'Liège', teamName: 'Conseil Liège' });
      expect(first.ticket).to.not.have.any.keys('_id', 'allowedActions', '__v');
      expect(first.event).to.include({ type: 'created', seq: 1 });

      const claimed = nextEvent(liege.socket, 'ticket:update', (m) => m.ticket.id === String(ticket._id) && m.event.type === 'claimed');
      const held = await claimTicket({ actor: live.org.staff.advisorLiege2, ticketId: String(ticket._id), version: 1 });
      await settled();
      const second = await claimed;
      expect(second.seqs[office]).to.equal(base + 2);
      expect(second.ticket).to.include({ assignee: String(live.org.staff.advisorLiege2.id), assigneeName: 'Nadia El Amrani', version: 2 });
      expect(second.event.actor).to.deep.equal({ name: 'Nadia El Amrani', staff: String(live.org.staff.advisorLiege2.id) });

      const removed = nextEvent(liege.socket, 'ticket:remove', (m) => m.ticketId === String(ticket._id));
      const arrived = nextEvent(support.socket, 'ticket:update', (m) => m.ticket.id === String(ticket._id));
      await escalateTicket({
        actor: live.org.staff.advisorLiege2,
        ticketId: String(ticket._id),
        version: held.version,
        reason: 'payroll_correction',
        handoff: 'Écart confirmé sur la fiche de mars.',
      });
      await settled();
      const gone = await removed;
      // Advisors of Liège may no longer read it: they get its id, not its content.
      expect(gone).to.have.all.keys('seqs', 'ticketId', 'version', 'event');
      expect(gone.seqs[office]).to.equal(base + 3);
      expect(gone.event.type).to.equal('escalated');
      const onTier2 = await arrived;
      expect(onTier2.ticket).to.include({ tier: 2, teamName: 'Équipe de soutien', assignee: null });
      expect(onTier2.seqs[rooms.tier(2)]).to.equal((support.hello.streams[rooms.tier(2)] ?? 0) + 1);
    });

    it("numbers each socket's rooms without gaps, and one change reaches a socket once even through several of its rooms", async () => {
      const { socket } = await as('advisorLiege');
      const updates = collect(socket, 'ticket:update');
      const tickets = await Promise.all([1, 2, 3].map(() => buildTicket(live.org)));
      await Promise.all(tickets.map((t) => claimTicket({ actor: live.org.staff.advisorLiege2, ticketId: String(t._id), version: 1 })));
      await settled();
      await until(() => updates.length >= 6, 5_000, 'six updates');
      await sleep(100);
      expect(updates).to.have.length(6); // each ticket is in two of this socket's rooms, yet arrives once per change
      const office = rooms.tier1Office(live.org.offices.liege);
      const numbers = updates.map((m: TicketUpdateMessage) => m.seqs[office] ?? 0);
      for (let i = 1; i < numbers.length; i += 1) expect(numbers[i]).to.equal((numbers[i - 1] ?? 0) + 1);
    });

    it('resyncs after a forced transport close and after a lost message: nothing missed, nothing shown twice', async () => {
      const ticket = await buildTicket(live.org);
      const id = String(ticket._id);
      const socket = open({ token: live.tokens.advisorLiege, reconnection: true });
      const queue = new LiveQueue(socket, snapshotFor('advisorLiege'));
      await until(() => queue.tickets.get(id) === 1, 5_000, 'the first snapshot');

      let v = (await claimTicket({ actor: live.org.staff.advisorLiege2, ticketId: id, version: 1 })).version;
      await settled();
      await until(() => queue.tickets.get(id) === v, 5_000, 'the claim');
      expect(queue.resyncs).to.equal(1);

      // The transport drops; the release happens while the client is away.
      const reconnected = nextEvent(socket, 'hello');
      socket.io.engine.close();
      v = (await releaseTicket({ actor: live.org.staff.advisorLiege2, ticketId: id, version: v })).version;
      await settled();
      await reconnected;
      await until(() => queue.tickets.get(id) === v, 5_000, 'the snapshot after reconnecting');
      expect(queue.resyncs).to.equal(2);

      // A message lost on a live socket: the next one shows a gap, which triggers a resync.
      queue.loseNext = true;
      v = (await claimTicket({ actor: live.org.staff.advisorLiege, ticketId: id, version: v })).version;
      await settled();
      await sleep(100);
      expect(queue.tickets.get(id)).to.equal(v - 1);
      v = (await releaseTicket({ actor: live.org.staff.advisorLiege, ticketId: id, version: v })).version;
      await settled();
      await until(() => queue.resyncs === 3 && queue.tickets.get(id) === v, 5_000, 'the resync after a gap');

      const forTicket = queue.shown.filter((s) => s.startsWith(`${id}@`));
      expect(forTicket).to.deep.equal([1, 2, 3, 5].map((n) => `${id}@${n}`));
      expect(new Set(queue.shown).size).to.equal(queue.shown.length);
    });
  });

  describe('shutdown', () => {
    it('close() drops every transport, so clients reconnect elsewhere, and leaves the HTTP server to its owner', async () => {
      const other = await startLiveServer();
      const socket = connect(other.url, { token: live.tokens.advisorLiege, reconnection: true });
      try {
        await connected(socket);
        const dropped = new Promise<string>((resolve) => socket.once('disconnect', resolve));
        await other.realtime.close();
        expect(await dropped).to.equal('transport close'); // not 'io server disconnect': the client retries on its own
        const health = await fetch(`${other.url}/healthz`);
        expect(health.status).to.equal(200);
      } finally {
        socket.disconnect();
        await other.close();
      }
    });
  });
});
