/**
 * Two Relais instances sharing a real redis-server through `@socket.io/redis-adapter`:
 * a change committed on A reaches a socket held by B, numbered the same on both;
 * presence spans instances; a logout on A closes the session's socket on B.
 * Instance B gets a silent domain-event bus of its own, as a separate process would:
 * only A hears the commands run in this test.
 */
import { expect } from 'chai';
import request from 'supertest';
import { DomainEvents, domainEvents } from '../../server/lib/domain-events.js';
import type { Ack, Person } from '../../server/realtime/protocol.js';
import { rooms } from '../../server/realtime/rooms.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { connect, connected, nextEvent, startLiveServer, type LiveServer, type TestSocket } from '../helpers/realtime.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

describe('realtime: two instances with Redis', () => {
  useTestDatabase();
  let org: Org;
  let redis: TestRedis;
  let a: LiveServer;
  let b: LiveServer;
  const opened: TestSocket[] = [];

  const open = async (server: LiveServer, token: string) => {
    const socket = connect(server.url, { token });
    opened.push(socket);
    return { socket, hello: await connected(socket) };
  };

  before(async function () {
    this.timeout(60_000);
    org = await buildOrg();
    redis = await startRedis();
    const config = testConfig({ REDIS_URL: redis.url });
    a = await startLiveServer({ config, events: domainEvents });
    b = await startLiveServer({ config, events: new DomainEvents() });
  });
  afterEach(() => {
    for (const s of opened.splice(0)) s.disconnect();
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('delivers a change published on A to a socket on B, with the room numbers both instances agree on', async () => {
    const ticket = await buildTicket(org);
    const id = String(ticket._id);
    const onB = await open(b, await login(b.app, org.staff.advisorLiege.email));
    const onA = await open(a, await login(a.app, org.staff.advisorLiege2.email));
    const office = rooms.tier1Office(org.offices.liege);
    expect(onB.hello.streams[office]).to.equal(onA.hello.streams[office]);
    expect(onB.hello.streams[office]).to.be.greaterThan(0); // the creation above was numbered in Redis

    const seenOnB = nextEvent(onB.socket, 'ticket:update', (m) => m.ticket.id === id);
    const seenOnA = nextEvent(onA.socket, 'ticket:update', (m) => m.ticket.id === id);
    await claimTicket({ actor: org.staff.advisorLiege2, ticketId: id, version: ticket.version });
    await domainEvents.settled();
    const [fromB, fromA] = await Promise.all([seenOnB, seenOnA]);
    expect(fromB.event.type).to.equal('claimed');
    expect(fromB.seqs[office]).to.equal((onB.hello.streams[office] ?? 0) + 1);
    expect(fromA.seqs).to.deep.equal(fromB.seqs);
  });

  it('shows viewers on both instances, and ends a watch on B when a move on A takes the ticket away', async () => {
    const ticket = await buildTicket(org);
    const id = String(ticket._id);
    const julieOnB = await open(b, await login(b.app, org.staff.advisorLiege.email));
    const supOnA = await open(a, await login(a.app, org.staff.supervisorLiege.email));
    await julieOnB.socket.emitWithAck('ticket:watch', { ticketId: id });
    const both = nextEvent(julieOnB.socket, 'presence', (m) => m.viewers.length === 2);
    const reply = (await supOnA.socket.emitWithAck('ticket:watch', { ticketId: id })) as Ack<{ viewers: Person[] }>;
    expect(reply.ok && reply.viewers.map((p) => p.name).sort()).to.deep.equal(['Isabelle Collard', 'Julie Lambert']);
    await both;

    const held = await claimTicket({ actor: org.staff.advisorLiege2, ticketId: id, version: 1 });
    await domainEvents.settled();
    const removed = nextEvent(julieOnB.socket, 'ticket:remove', (m) => m.ticketId === id);
    const alone = nextEvent(supOnA.socket, 'presence', (m) => m.viewers.length === 1);
    await escalateTicket({ actor: org.staff.advisorLiege2, ticketId: id, version: held.version, reason: 'payroll_correction', handoff: 'À recalculer.' });
    await domainEvents.settled();
    await removed;
    expect((await alone).viewers.map((p) => p.name)).to.deep.equal(['Isabelle Collard']);
  });

  it('closes the socket on B when its session is ended through A', async () => {
    const token = await login(a.app, org.staff.advisorCharleroi.email);
    const { socket } = await open(b, token);
    const notice = nextEvent(socket, 'session:expired');
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await request(a.app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    await domainEvents.settled();
    expect(await notice).to.deep.equal({ reason: 'revoked' });
    expect(await closed).to.equal('io server disconnect');
  });
});
