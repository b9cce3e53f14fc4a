/**
 * The authorization matrix, generated from the route table: every API route ×
 * every role × an object the role owns and one it does not. A denied combination
 * must answer 401/403/404 (an unexpected 2xx fails); an allowed one must get past
 * authorization (409/400 are fine: the ticket's state may forbid the move).
 * A route missing from the matrix fails the suite.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Express } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { checkUploads, saveAttachments } from '../../server/attachments/attachments.service.js';
import { attachmentStorage, createFileStorage } from '../../server/attachments/storage.js';
import type { StaffActor } from '../../server/auth/actor.js';
import { registeredRoutes, type RegisteredRoute } from '../../server/lib/route-table.js';
import { createInboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { enqueueMail } from '../../server/mail/outbox.js';
import { RecomputeJobModel } from '../../server/sla/recompute-job.model.js';
import { makeRetentionReport } from '../../server/privacy/retention.js';
import { SlaPolicyModel, defaultPolicies } from '../../server/sla/policy.js';
import { RoutingRuleModel } from '../../server/routing/routing-rule.model.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { buildOrg, buildStaff, buildTicket, testPassword, type Org } from '../helpers/factories.js';
import { MemberModel } from '../../server/members/member.model.js';
import { blockSender, senderBlock } from '../../server/members/blocked-sender.model.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { Types } from 'mongoose';
import { useTestDatabase } from '../helpers/db.js';
import { login, testApp } from '../helpers/http.js';
import { silentLogger, testConfig } from '../helpers/config.js';

type Role = 'anonymous' | 'advisorLiege' | 'advisorCharleroi' | 'support' | 'administrative' | 'supervisorLiege' | 'administrator';
const roles: Role[] = ['anonymous', 'advisorLiege', 'advisorCharleroi', 'support', 'administrative', 'supervisorLiege', 'administrator'];
const staffRoles = roles.filter((r) => r !== 'anonymous');
const A = true;
const D = false;

/** For routes without an object: may this role call it at all? */
const plain: Record<string, 'public' | 'staff'> = {
  'post /api/v1/auth/login': 'public',
  'post /api/v1/auth/refresh': 'public',
  'post /api/v1/auth/unlock-request': 'public',
  'post /api/v1/auth/logout': 'staff',
  'post /api/v1/auth/logout-all': 'staff',
  'get /api/v1/auth/csrf': 'staff',
  'get /api/v1/me': 'staff',
  'get /api/v1/tickets': 'staff',
  // Results are filtered by the ticket policy (test/integration/search.test.ts checks who sees what).
  'get /api/v1/search': 'staff',
  'post /api/v1/tickets': 'staff',
  'get /api/v1/offices': 'staff',
  'get /api/v1/teams': 'staff',
  'get /api/v1/categories': 'staff',
  'get /api/v1/reason-codes': 'staff',
  'get /api/v1/staff': 'staff',
  // Saved replies and signatures: each person's own list and signatures.
  'get /api/v1/saved-replies': 'staff',
  'post /api/v1/saved-replies': 'staff',
  'get /api/v1/me/signatures': 'staff',
  'put /api/v1/me/signatures': 'staff',
  // Accounts: the second step, "forgot password" and the mailed link judge their own credentials.
  'post /api/v1/auth/login/second-factor': 'public',
  'post /api/v1/auth/password-reset-request': 'public',
  'post /api/v1/auth/password-link': 'public',
  // "My account": each acts on the signed-in person only (no id to pass; test/integration/second-factor.test.ts).
  'get /api/v1/me/sessions': 'staff',
  'post /api/v1/me/sessions/end-others': 'staff',
  'post /api/v1/me/password': 'staff',
  'get /api/v1/me/totp': 'staff',
  'post /api/v1/me/totp/enrolment': 'staff',
  'post /api/v1/me/totp/confirm': 'staff',
  'post /api/v1/me/totp/disable': 'staff',
  'post /api/v1/me/totp/recovery-codes': 'staff',
  // Display choices: the signed-in person's own record only (test/integration/queue-columns.test.ts).
  'get /api/v1/me/preferences': 'staff',
  'put /api/v1/me/preferences': 'staff',
};

/** A person's own session (its object is a session of Liège's advisor): only its owner ends it; anyone else gets 404. */
const ownSession: Record<string, true> = {
  'delete /api/v1/me/sessions/:id': true,
};

/** Staff administration: administrators only (403 for every other role), on a person made for each call. */
const staffAdmin: Record<string, true> = {
  'get /api/v1/admin/staff': true,
  'post /api/v1/admin/staff': true,
  'get /api/v1/admin/staff/:id': true,
  'patch /api/v1/admin/staff/:id': true,
  'post /api/v1/admin/staff/:id/deactivate': true,
  'post /api/v1/admin/staff/:id/reactivate': true,
  'post /api/v1/admin/staff/:id/invitation': true,
};

/**
 * Saved replies (their object is a saved reply): on a reply shared with Liège, every Liège person reads
 * it and only Liège's supervisor and the administrators change it; on a personal reply of Liège's
 * advisor, only that advisor. (test/integration/saved-replies.test.ts goes through every case.)
 */
const savedReplyScoped: Record<string, { shared: Partial<Record<Role, boolean>>; personal: Partial<Record<Role, boolean>> }> = {
  'get /api/v1/saved-replies/:id': {
    shared: { advisorLiege: A, supervisorLiege: A, administrator: A },
    personal: { advisorLiege: A },
  },
  'patch /api/v1/saved-replies/:id': { shared: { supervisorLiege: A, administrator: A }, personal: { advisorLiege: A } },
  'delete /api/v1/saved-replies/:id': { shared: { supervisorLiege: A, administrator: A }, personal: { advisorLiege: A } },
  // On a Liège ticket: whoever may read the ticket and the reply.
  'get /api/v1/tickets/:id/saved-replies/:replyId': { shared: { advisorLiege: A, supervisorLiege: A }, personal: { advisorLiege: A } },
};

/**
 * For ticket routes, on the role's own ticket (held by them; for the supervisor, a
 * ticket of their office held by a colleague). Foreign tickets are denied to all.
 */
const onOwn: Record<string, Partial<Record<Role, boolean>>> = {
  'get /api/v1/tickets/:id': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'get /api/v1/tickets/:id/history': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'get /api/v1/tickets/:id/explain': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/claim': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: D },
  'post /api/v1/tickets/:id/release': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/replies': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/notes': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/escalate': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/return': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/reassign': { advisorLiege: D, advisorCharleroi: D, support: D, administrative: D, supervisorLiege: A },
  'post /api/v1/tickets/:id/resolve': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/reopen': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/update': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  // Merge and links name a second ticket in the body (here the same one: past authorization, a 400);
  // test/integration/bulk.test.ts checks the second ticket's rules (unreadable → 404, another member's → 409).
  'post /api/v1/tickets/:id/merge': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/link': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'post /api/v1/tickets/:id/unlink': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  // An attachment of the ticket: whoever may read the ticket may download it.
  'get /api/v1/attachments/:id': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
  'get /api/v1/messages/:id/original': { advisorLiege: A, advisorCharleroi: A, support: A, administrative: A, supervisorLiege: A },
};

/** Administration routes (their object is not a ticket): administrators only, 403 for every other role. */
const adminOnly: Record<string, true> = {
  'post /api/v1/outbox/:id/retry': true,
  'get /api/v1/inbound': true,
  'get /api/v1/inbound/:id': true,
  'get /api/v1/inbound/:id/raw': true,
  'post /api/v1/inbound/:id/reprocess': true,
  'post /api/v1/inbound/:id/force': true,
  'post /api/v1/inbound/:id/attach': true,
  'post /api/v1/inbound/:id/discard': true,
  'post /api/v1/inbound/bulk': true,
  'get /api/v1/search/status': true,
  'post /api/v1/search/rebuild': true,
  // The administration (test/integration/admin-*.test.ts go through each).
  'get /api/v1/admin/audit': true,
  'get /api/v1/admin/categories': true,
  'post /api/v1/admin/categories': true,
  'patch /api/v1/admin/categories/:code': true,
  'get /api/v1/admin/reason-codes': true,
  'post /api/v1/admin/reason-codes': true,
  'patch /api/v1/admin/reason-codes/:code': true,
  'get /api/v1/admin/calendars': true,
  'get /api/v1/admin/calendars/:office': true,
  'put /api/v1/admin/calendars/:office': true,
  'post /api/v1/admin/calendars/:office/closures': true,
  'delete /api/v1/admin/calendars/:office/closures/:date': true,
  'get /api/v1/admin/calendars/:office/preview': true,
  'post /api/v1/admin/sla/recompute': true,
  'get /api/v1/admin/sla/recompute/:id': true,
  'get /api/v1/admin/offices': true,
  'post /api/v1/admin/offices': true,
  'patch /api/v1/admin/offices/:id': true,
  'post /api/v1/admin/teams': true,
  'patch /api/v1/admin/teams/:id': true,
  'get /api/v1/admin/routing/rules': true,
  'post /api/v1/admin/routing/test': true,
  // Members' data (test/integration/member-privacy.test.ts).
  'get /api/v1/admin/members': true,
  'get /api/v1/admin/members/:id': true,
  'get /api/v1/admin/members/:id/export': true,
  'post /api/v1/admin/members/:id/erase': true,
  'get /api/v1/admin/retention': true,
  'post /api/v1/admin/retention/:id/confirm': true,
  'get /api/v1/admin/sla/policies': true,
  'post /api/v1/admin/sla/policies': true,
  'get /api/v1/admin/sla/policies/:id': true,
  'put /api/v1/admin/sla/policies/:id': true,
  'get /api/v1/admin/sla/policies/:id/preview': true,
  'post /api/v1/admin/routing/rules': true,
  'put /api/v1/admin/routing/rules/:id': true,
  'post /api/v1/admin/routing/rules/order': true,
  'get /api/v1/admin/mail/settings': true,
  'post /api/v1/admin/mail/imap/:name/test': true,
  'post /api/v1/admin/mail/test-send': true,
  'get /api/v1/admin/mail/test-send/:id': true,
  'get /api/v1/admin/mail/templates': true,
  'get /api/v1/admin/mail/templates/:template/:locale': true,
  'put /api/v1/admin/mail/templates/:template/:locale': true,
  'delete /api/v1/admin/mail/templates/:template/:locale': true,
};

/** The object an administration route with a parameter acts on (by default a failed mail's id). */
async function adminObject(path: string, org: Org): Promise<string> {
  const recompute = path.endsWith('/recompute/:id')
    ? String(
        (await RecomputeJobModel.create({ startedAt: new Date(), by: 'Matrice', cause: 'calendar', label: 'Matrice', total: 0, heartbeatAt: new Date() }))._id,
      )
    : '';
  const member = path.includes('/admin/members/:id') ? String((await buildTicket(org)).member) : '';
  const report = path.includes('/admin/retention/:id') ? String((await makeRetentionReport({ years: 5, now: new Date() }))._id) : '';
  const policy = path.includes('/sla/policies/:id')
    ? String((await SlaPolicyModel.create({ ...defaultPolicies()[2], name: 'Matrice', order: 900, active: false }))._id)
    : '';
  const rule = path.includes('/routing/rules/:id')
    ? String((await RoutingRuleModel.create({ name: 'Matrice', order: 900, active: false, team: org.teams.liege }))._id)
    : '';
  const testMail = path.endsWith('/test-send/:id')
    ? String(
        (
          await enqueueMail(
            {
              template: 'mail-test',
              locale: 'fr',
              to: 'matrix@example.be',
              data: { sentBy: 'Matrice', sentAt: 'maintenant', server: 'x', settingsUrl: 'https://relais.example/x' },
            },
            { config: testConfig() },
          )
        )._id,
      )
    : '';
  return path
    .replace('/admin/members/:id', `/admin/members/${member}`)
    .replace('/admin/retention/:id', `/admin/retention/${report}`)
    .replace('/sla/policies/:id', `/sla/policies/${policy}`)
    .replace('/test-send/:id', `/test-send/${testMail}`)
    .replace('/imap/:name/', '/imap/matrice/')
    .replace('/templates/:template/:locale', '/templates/staff-reply/fr')
    .replace('/routing/rules/:id', `/routing/rules/${rule}`)
    .replace('/categories/:code', '/categories/contracts')
    .replace('/reason-codes/:code', '/reason-codes/needs_contract_change')
    .replace(':office', String(org.offices.liege))
    .replace(':date', '2026-12-24')
    .replace('/recompute/:id', `/recompute/${recompute}`)
    .replace('/admin/offices/:id', `/admin/offices/${String(org.offices.liege)}`)
    .replace('/admin/teams/:id', `/admin/teams/${String(org.teams.liege)}`);
}

/**
 * Routes whose objects are in the body: each ticket is authorized by its own command and answered in
 * its own result. Own tickets get past authorization; foreign ones are refused (403/404) ticket by ticket.
 */
const bulkScoped: Record<string, true> = {
  'post /api/v1/tickets/bulk': true,
};

/**
 * Routing switches and the handoff, on an object of the Liège office (its tier-1 team, the office, one
 * of its advisors): administrators and Liège's supervisor may (the handoff: the supervisor only).
 */
const officeScoped: Record<string, Partial<Record<Role, boolean>>> = {
  'patch /api/v1/teams/:id': { supervisorLiege: A, administrator: A },
  'patch /api/v1/offices/:id': { supervisorLiege: A, administrator: A },
  'post /api/v1/staff/:id/handoff': { supervisorLiege: A },
};

/**
 * Blocked senders (their object is an address blocked when marking spam): supervisors and
 * administrators list and unblock them, every other role is refused (403); test/integration/blocked-senders.test.ts.
 */
const supervisionOnly: Record<string, true> = {
  'get /api/v1/blocked-senders': true,
  'delete /api/v1/blocked-senders/:address': true,
};

const key = (r: RegisteredRoute) => `${r.method} ${r.fullPath}`;

function bodyFor(routeKey: string, version: number, org: Org, number = 'R-2026-999999'): object | undefined {
  const action = routeKey.split('/').at(-1) ?? '';
  switch (action) {
    case 'merge':
      return { version, into: number };
    case 'link':
    case 'unlink':
      return { version, other: number };
    case 'login':
      return { email: org.staff.advisorLiege.email, password: testPassword };
    case 'refresh':
      return {};
    case 'tickets':
      return routeKey.startsWith('post') ? { subject: 'Matrice', body: 'Test', member: { name: 'M', email: 'matrix@example.be' } } : undefined;
    case 'replies':
    case 'notes':
      return { version, text: 'Texte' };
    case 'escalate':
      return { version, reason: 'needs_contract_change', handoff: 'Ce qui a été fait, ce qu’il faut.' };
    case 'return':
      return { version, note: 'Retour' };
    case 'reassign':
      return { version, reason: 'Charge de travail', tier: routeKey.includes(':id') ? 2 : undefined };
    case 'update':
      return { version, priority: 'high' };
    case 'claim':
    case 'release':
    case 'resolve':
    case 'reopen':
      return { version };
    default:
      return undefined;
  }
}

describe('authorization matrix (every route × every role × own/foreign object)', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;

  // One IMAP mailbox (nothing listens there: its connection test answers at once) for the mail settings' routes.
  const config = testConfig({ IMAP_MAILBOXES: JSON.stringify([{ name: 'matrice', url: 'imap://u:p@127.0.0.1:1' }]) });

  before(async () => {
    app = testApp(config);
    org = await buildOrg();
  });

  /** The id of a small PDF attached to the ticket, for the attachment routes. */
  async function attachmentOf(ticket: Ticket): Promise<string> {
    const checked = await checkUploads(
      [{ filename: 'a.pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), declaredType: 'application/pdf' }],
      [],
      config.attachments,
    );
    const [saved] = await saveAttachments(checked, {
      storage: attachmentStorage(config),
      uploadedBy: { kind: 'system', staff: null, member: null },
      source: 'staff',
      ticket: ticket._id,
    });
    return String(saved?._id);
  }

  /** A thread message of the ticket made from a received email (its bytes stored), for the original-message route. */
  async function emailMessageOf(ticket: Ticket): Promise<string> {
    const raw = Buffer.from(`From: a@example.be\r\nSubject: Matrice\r\nMessage-ID: <m-${String(ticket._id)}@example.be>\r\n\r\nBonjour\r\n`);
    const inbound = createHash('sha256').update(raw).digest('hex');
    await createFileStorage(path.join(config.dataDir, 'inbound')).put(inbound, raw);
    const message = await MessageModel.create({
      ticket: ticket._id,
      author: { kind: 'member', staff: null, member: ticket.member, name: 'Membre' },
      visibility: 'public',
      text: 'Bonjour',
      channel: 'email',
      inbound,
    });
    return String(message._id);
  }

  async function heldBy(actor: StaffActor, tier: 1 | 2 | 3, office: 'liege' | 'charleroi' = 'liege'): Promise<Ticket> {
    const { advisorLiege, advisorCharleroi, support, administrative } = org.staff;
    const advisor = office === 'liege' ? advisorLiege : advisorCharleroi;
    const t = await buildTicket(org, { office: org.offices[office], actor: advisor });
    const id = String(t._id);
    let v = (await claimTicket({ actor: tier === 1 ? actor : advisor, ticketId: id, version: t.version })).version;
    if (tier >= 2) {
      v = (await escalateTicket({ actor: advisor, ticketId: id, version: v, reason: 'needs_contract_change', handoff: 'h' })).version;
      v = (await claimTicket({ actor: tier === 2 ? actor : support, ticketId: id, version: v })).version;
    }
    if (tier === 3) {
      v = (await escalateTicket({ actor: support, ticketId: id, version: v, reason: 'needs_contract_change', handoff: 'h' })).version;
      v = (await claimTicket({ actor: administrative, ticketId: id, version: v })).version;
    }
    return { ...t, version: v };
  }

  async function ownTicket(role: Role): Promise<Ticket> {
    const s = org.staff;
    switch (role) {
      case 'advisorLiege':
        return heldBy(s.advisorLiege, 1);
      case 'advisorCharleroi':
        return heldBy(s.advisorCharleroi, 1, 'charleroi');
      case 'support':
        return heldBy(s.support, 2);
      case 'administrative':
        return heldBy(s.administrative, 3);
      default:
        return heldBy(s.advisorLiege2, 1); // supervisors: their office's ticket held by a colleague
    }
  }

  async function foreignTicket(role: Role): Promise<Ticket> {
    switch (role) {
      case 'advisorLiege':
      case 'supervisorLiege':
        return heldBy(org.staff.advisorCharleroi, 1, 'charleroi');
      case 'administrative':
        return heldBy(org.staff.support, 2);
      default:
        return heldBy(org.staff.advisorLiege, 1);
    }
  }

  async function call(route: RegisteredRoute, role: Role, ticket?: Ticket): Promise<request.Response> {
    const id = !ticket
      ? ''
      : route.fullPath.startsWith('/api/v1/attachments/')
        ? await attachmentOf(ticket)
        : route.fullPath.startsWith('/api/v1/messages/')
          ? await emailMessageOf(ticket)
          : String(ticket._id);
    const path = ticket ? route.fullPath.replace(':id', id) : route.fullPath;
    let req = request(app)[route.method](path);
    // A fresh session per call: logout routes must not revoke the token other calls use.
    if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${await login(app, org.staff[role].email)}`);
    const body = bodyFor(key(route), ticket?.version ?? 1, org, ticket?.number);
    return body ? req.send(body) : req;
  }

  it('has an entry for every route of the route table', () => {
    const routes = registeredRoutes().filter((r) => r.fullPath.startsWith('/api/v1'));
    expect(routes.length).to.be.greaterThan(20);
    const missing = routes
      .map(key)
      .filter(
        (k) =>
          !(k in plain) &&
          !(k in onOwn) &&
          !(k in adminOnly) &&
          !(k in officeScoped) &&
          !(k in savedReplyScoped) &&
          !(k in ownSession) &&
          !(k in staffAdmin) &&
          !(k in supervisionOnly) &&
          !(k in bulkScoped),
      );
    expect(missing, `routes missing from the authorization matrix: ${missing.join(', ')}`).to.deep.equal([]);
    for (const r of routes) expect(r.access.kind, key(r)).to.equal(plain[key(r)] === 'public' ? 'public' : 'staff');
  });

  it('lets each role call only the routes without an object that it may', async function () {
    this.timeout(120_000);
    for (const route of registeredRoutes().filter((r) => key(r) in plain)) {
      for (const role of roles) {
        const res = await call(route, role);
        const label = `${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        expect(res.status, label).to.be.lessThan(500);
        // Public routes (login, refresh) judge the credentials themselves: never a 403.
        if (plain[key(route)] === 'public') expect(res.status, label).not.to.equal(403);
        else if (role === 'anonymous') expect(res.status, label).to.equal(401);
        else expect([401, 403, 404], label).not.to.include(res.status);
      }
    }
  });

  it('acts on many only on the tickets each role may act on: foreign tickets are refused one by one', async function () {
    this.timeout(300_000);
    for (const route of registeredRoutes().filter((r) => key(r) in bulkScoped)) {
      for (const role of roles) {
        if (role === 'administrator') continue;
        const own = role === 'anonymous' ? null : await ownTicket(role);
        const foreign = role === 'anonymous' ? null : await foreignTicket(role);
        const tickets = [own, foreign].filter((t): t is Ticket => t !== null).map((t) => ({ id: String(t._id), version: t.version }));
        let req = request(app)[route.method](route.fullPath);
        if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${await login(app, org.staff[role].email)}`);
        const res = await req.send({
          action: 'priority',
          priority: 'high',
          tickets: tickets.length ? tickets : [{ id: String(new Types.ObjectId()), version: 1 }],
        });
        const label = `${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        if (role === 'anonymous') {
          expect(res.status, label).to.equal(401);
          continue;
        }
        expect(res.status, label).to.equal(200);
        const results = (res.body as { results: { id: string; ok: boolean; status: number | string }[] }).results;
        expect(
          results.find((r) => r.id === String(own?._id)),
          label,
        ).to.include({ ok: true });
        const refused = results.find((r) => r.id === String(foreign?._id));
        expect(refused?.ok, label).to.equal(false);
        expect([403, 404], label).to.include(refused?.status);
      }
      // An administrator works no tier: every ticket is refused (404), none changed.
      const target = await ownTicket('advisorLiege');
      const agent = request(app);
      const res = await agent[route.method](route.fullPath)
        .set('Authorization', `Bearer ${await login(app, org.staff.administrator.email)}`)
        .send({ action: 'resolve', tickets: [{ id: String(target._id), version: target.version }] });
      expect(res.body.results[0]).to.include({ ok: false, status: 404 });
    }
  });

  it('lets only administrators call the administration routes', async function () {
    this.timeout(60_000);
    /** A message the outbox gave up on: the object the retry route acts on. */
    const failedMail = async (): Promise<string> => {
      const data = { ticketNumber: 'R-2026-000001', subject: 'Matrice', ticketUrl: 'https://relais.test/t/1' };
      const mail = await enqueueMail({ template: 'ticket-acknowledgement', locale: 'fr', to: 'matrix@example.be', data }, { config: testConfig() });
      await Outbox.updateOne({ _id: mail._id }, { $set: { status: 'failed' } });
      return String(mail._id);
    };
    /** A received message in quarantine (a newsletter): the object the inbound routes act on. */
    const inbound = createInboundPipeline({ config, logger: silentLogger });
    let serial = 0;
    const quarantined = async (): Promise<string> => {
      serial += 1;
      const raw = Buffer.from(
        `From: news@shop.example\r\nTo: support@relais.invalid\r\nSubject: Matrice ${serial}\r\nMessage-ID: <matrix-${serial}@shop.example>\r\nList-Id: <promo.shop.example>\r\n\r\nPromo\r\n`,
      );
      const { id } = await inbound.store({ raw, source: 'smtp' });
      await inbound.process(id);
      return id;
    };
    for (const route of registeredRoutes().filter((r) => key(r) in adminOnly)) {
      for (const role of roles) {
        const objectPath = await adminObject(route.fullPath, org);
        let req = request(app)[route.method](
          objectPath.includes(':id')
            ? objectPath.replace(':id', objectPath.startsWith('/api/v1/inbound/') ? await quarantined() : await failedMail())
            : objectPath,
        );
        if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${await login(app, org.staff[role].email)}`);
        const res = await req;
        const label = `${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        expect(res.status, label).to.be.lessThan(500);
        if (role === 'anonymous') expect(res.status, label).to.equal(401);
        else if (role === 'administrator') expect([401, 403, 404], label).not.to.include(res.status);
        else expect(res.status, label).to.equal(403);
      }
    }
  });

  it('lets only supervisors and administrators list and unblock blocked senders', async function () {
    this.timeout(60_000);
    expect(registeredRoutes().filter((r) => key(r) in supervisionOnly)).to.have.length(Object.keys(supervisionOnly).length);
    let serial = 0;
    for (const route of registeredRoutes().filter((r) => key(r) in supervisionOnly)) {
      for (const role of roles) {
        serial += 1;
        const address = await blockSender(`matrix.${serial}@junk.example`, 'Matrice', null);
        let req = request(app)[route.method](route.fullPath.replace(':address', encodeURIComponent(address)));
        if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${await login(app, org.staff[role].email)}`);
        const res = route.method === 'delete' ? await req.send({ reason: 'Matrice' }) : await req;
        const label = `${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (role === 'anonymous') expect(res.status, label).to.equal(401);
        else if (role === 'supervisorLiege' || role === 'administrator') expect(res.status, label).to.equal(200);
        else expect(res.status, label).to.equal(403);
        // Unblocked only by those allowed; for the others the block stays.
        const allowed = role === 'supervisorLiege' || role === 'administrator';
        if (route.method === 'delete') expect((await senderBlock(address)) === null, label).to.equal(allowed);
      }
    }
  });

  it('lets only administrators administer staff: list, invite, read, edit, deactivate, reactivate, invite again', async function () {
    this.timeout(120_000);
    let serial = 0;
    /** A person in the state the route acts on: active, deactivated (to reactivate) or invited (to invite again). */
    const target = async (route: string): Promise<string> => {
      serial += 1;
      const person = await buildStaff({ name: `Cible ${serial}`, roles: ['advisor'], team: org.teams.liege, tier: 1, office: org.offices.liege });
      if (route.endsWith('/reactivate')) await StaffModel.updateOne({ _id: person.id }, { $set: { active: false, deactivatedAt: new Date() } });
      if (route.endsWith('/invitation'))
        await StaffModel.updateOne({ _id: person.id }, { $set: { active: false, invitedAt: new Date(), passwordSetAt: null } });
      return String(person.id);
    };
    // Every route of the table exists (a table of routes that are gone would pass by checking nothing).
    expect(registeredRoutes().filter((r) => key(r) in staffAdmin)).to.have.length(Object.keys(staffAdmin).length);
    for (const route of registeredRoutes().filter((r) => key(r) in staffAdmin)) {
      for (const role of roles) {
        serial += 1;
        let req = request(app)[route.method](route.fullPath.includes(':id') ? route.fullPath.replace(':id', await target(route.fullPath)) : route.fullPath);
        if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${await login(app, org.staff[role].email)}`);
        const body =
          route.method === 'patch'
            ? { capacity: 20 }
            : key(route) === 'post /api/v1/admin/staff'
              ? { email: `matrix.invite.${serial}@example.be`, name: 'Invitée', roles: ['advisor'] }
              : undefined;
        const res = body ? await req.send(body) : await req;
        const label = `${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (role === 'anonymous') expect(res.status, label).to.equal(401);
        else if (role === 'administrator') expect(res.status, label).to.be.within(200, 299);
        else expect(res.status, label).to.equal(403);
      }
    }
    // Nothing an administrator did not do: every invitation above came from the administrator.
    expect(await StaffModel.countDocuments({ email: /^matrix\.invite\./ })).to.equal(1);
  });

  it('lets a person end only their own sessions: anyone else’s is not found, and stays open', async function () {
    this.timeout(60_000);
    expect(registeredRoutes().filter((r) => key(r) in ownSession)).to.have.length(Object.keys(ownSession).length);
    for (const route of registeredRoutes().filter((r) => key(r) in ownSession)) {
      for (const role of roles) {
        const ownerToken = await login(app, org.staff.advisorLiege.email);
        const sessions = await request(app).get('/api/v1/me/sessions').set('Authorization', `Bearer ${ownerToken}`).expect(200);
        const sid = (sessions.body.sessions as Array<{ id: string; current: boolean }>).find((x) => x.current)?.id ?? '';
        let req = request(app)[route.method](route.fullPath.replace(':id', sid));
        if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${await login(app, org.staff[role].email)}`);
        const res = await req;
        const label = `${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        const still = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${ownerToken}`);
        if (role === 'anonymous') expect(res.status, label).to.equal(401);
        else if (role === 'advisorLiege') expect([res.status, still.status], label).to.deep.equal([204, 401]);
        else expect([res.status, still.status], label).to.deep.equal([404, 200]);
      }
    }
  });

  it("lets only administrators and the office's supervisor switch its routing, and only that supervisor hand off its people", async function () {
    this.timeout(60_000);
    const objects: Record<string, { id: string; body: object }> = {
      'patch /api/v1/teams/:id': { id: String(org.teams.liege), body: { assignmentMode: 'manual' } },
      'patch /api/v1/offices/:id': { id: String(org.offices.liege), body: { routingModel: 'tiered' } },
      'post /api/v1/staff/:id/handoff': { id: String(org.staff.advisorLiege2.id), body: { reason: "Absente aujourd'hui" } },
    };
    for (const route of registeredRoutes().filter((r) => key(r) in officeScoped)) {
      const object = objects[key(route)];
      if (!object) throw new Error(`no object for ${key(route)}`);
      for (const role of roles) {
        let req = request(app)[route.method](route.fullPath.replace(':id', object.id));
        if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${await login(app, org.staff[role].email)}`);
        const res = await req.send(object.body);
        const label = `${key(route)} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (role === 'anonymous') expect(res.status, label).to.equal(401);
        else if (officeScoped[key(route)]?.[role] === A) expect(res.status, label).to.equal(200);
        else expect(res.status, label).to.equal(403);
      }
      // Another office's object: Liège's supervisor is refused too.
      const other =
        {
          'patch /api/v1/teams/:id': String(org.teams.charleroi),
          'patch /api/v1/offices/:id': String(org.offices.charleroi),
          'post /api/v1/staff/:id/handoff': String(org.staff.advisorCharleroi.id),
        }[key(route)] ?? '';
      const agent = request(app);
      const res = await agent[route.method](route.fullPath.replace(':id', other))
        .set('Authorization', `Bearer ${await login(app, org.staff.supervisorLiege.email)}`)
        .send(object.body);
      expect(res.status, `${key(route)} on Charleroi's object as Liège's supervisor`).to.equal(403);
    }
  });

  it("lets only a personal saved reply's owner, and a shared one's office supervisor and administrators, change it", async function () {
    this.timeout(120_000);
    const tokenOf = async (role: Role) => `Bearer ${await login(app, org.staff[role === 'anonymous' ? 'advisorLiege' : role].email)}`;
    const make = async (kind: 'shared' | 'personal'): Promise<string> => {
      const res = await request(app)
        .post('/api/v1/saved-replies')
        .set('Authorization', await tokenOf(kind === 'shared' ? 'supervisorLiege' : 'advisorLiege'))
        .send({ title: 'Matrice', body: { fr: 'Bonjour {member.name}' }, scope: kind });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return (res.body as { savedReply: { id: string } }).savedReply.id;
    };
    const ticket = await buildTicket(org, { office: org.offices.liege });
    for (const route of registeredRoutes().filter((r) => key(r) in savedReplyScoped)) {
      const expected = savedReplyScoped[key(route)];
      for (const kind of ['shared', 'personal'] as const) {
        for (const role of roles) {
          const id = await make(kind);
          const path = route.fullPath.includes(':replyId')
            ? route.fullPath.replace(':id', String(ticket._id)).replace(':replyId', id)
            : route.fullPath.replace(':id', id);
          let req = request(app)[route.method](path);
          if (role !== 'anonymous') req = req.set('Authorization', await tokenOf(role));
          const res = route.method === 'patch' ? await req.send({ title: 'Changée' }) : await req;
          const label = `${key(route)} on a ${kind} reply as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
          if (role === 'anonymous') expect(res.status, label).to.equal(401);
          else if (expected?.[kind][role] === A) expect(res.status, label).to.be.within(200, 299);
          else expect([403, 404], label).to.include(res.status);
        }
      }
    }
  });

  it('allows and denies ticket routes exactly as the matrix says, on own and foreign tickets', async function () {
    this.timeout(600_000);
    for (const route of registeredRoutes().filter((r) => key(r) in onOwn)) {
      const expected = onOwn[key(route)] ?? {};
      for (const role of roles) {
        // Own object.
        if (role !== 'administrator') {
          const res = await call(route, role, await ownTicket(role));
          const label = `${key(route)} as ${role} on own ticket: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
          expect(res.status, label).to.be.lessThan(500);
          if (role === 'anonymous') expect(res.status, label).to.equal(401);
          else if (expected[role] === A) expect([401, 403, 404], label).not.to.include(res.status);
          else expect([403, 404], label).to.include(res.status);
        }
        // Foreign object: never anything but a refusal.
        if (role !== 'anonymous') {
          const res = await call(route, role, await foreignTicket(role));
          const label = `${key(route)} as ${role} on foreign ticket: ${res.status}`;
          expect([403, 404], label).to.include(res.status);
        }
      }
    }
    // every staff role appears in the own-object table or is knowingly absent
    for (const role of staffRoles) if (role !== 'administrator') expect(onOwn['get /api/v1/tickets/:id']).to.have.property(role);
  });

  it('lets a follower (worked on it, or a member of their office) read a ticket and nothing else: every action is 403', async function () {
    this.timeout(300_000);
    const { advisorCharleroi, support } = org.staff;
    /** Escalated by Liège's advisor, now held by the support team: she worked on it. */
    const handedOn = async (): Promise<Ticket> => {
      const t = await heldBy(support, 2);
      return t;
    };
    /** A Liège member's request routed to Charleroi and held there: Liège's advisor follows it. */
    const ofMyMember = async (): Promise<Ticket> => {
      const member = await MemberModel.create({ name: 'Membre Liège', email: `m.${String(new Types.ObjectId())}@example.be`, office: org.offices.liege });
      const t = await buildTicket(org, { actor: advisorCharleroi, office: org.offices.charleroi, member: { name: member.name, email: member.email } });
      const held = await claimTicket({ actor: advisorCharleroi, ticketId: String(t._id), version: t.version });
      return { ...t, version: held.version };
    };
    for (const make of [handedOn, ofMyMember]) {
      for (const route of registeredRoutes().filter((r) => key(r) in onOwn)) {
        const res = await call(route, 'advisorLiege', await make());
        const label = `${key(route)} as a follower (${make.name}): ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (route.method === 'get') expect(res.status, label).to.equal(200);
        else expect(res.status, label).to.equal(403);
      }
    }
    // The same tickets stay foreign to an advisor who neither worked on them nor serves the member.
    const other = await buildStaff({ name: 'Autre Conseil', roles: ['advisor'], team: org.teams.charleroi, tier: 1, office: org.offices.charleroi });
    const escalated = await handedOn();
    const res = await request(app)
      .get(`/api/v1/tickets/${String(escalated._id)}`)
      .set('Authorization', `Bearer ${await login(app, other.email)}`);
    expect(res.status).to.equal(404);
  });

  it('answers only 403/404 to 1,000 random foreign ids on ticket endpoints', async function () {
    this.timeout(300_000);
    const token = await login(app, org.staff.supervisorLiege.email);
    const ticketRoutes = registeredRoutes().filter((r) => r.fullPath.includes(':id'));
    const ids = fc.sample(
      fc.oneof(
        fc.stringMatching(/^[0-9a-f]{24}$/),
        fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s)),
        fc.constantFrom('$ne', '%24where', '..', 'null', 'undefined', '[object Object]', '000000000000000000000000'),
      ),
      { numRuns: 1000, seed: 42 },
    );
    const statuses = new Map<number, number>();
    for (let i = 0; i < ids.length; i += 1) {
      const route = ticketRoutes[i % ticketRoutes.length];
      const id = ids[i];
      if (!route || id === undefined) continue;
      let req = request(app)[route.method](route.fullPath.replace(':id', id)).set('Authorization', `Bearer ${token}`);
      const body = bodyFor(key(route), 1, org);
      if (body) req = req.send(body);
      const res = await req;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect([403, 404], `${route.method} ${route.fullPath} with id ${id}: ${res.status}`).to.include(res.status);
    }
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).to.equal(1000);
  });
});
