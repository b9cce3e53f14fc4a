/**
 * The transition matrix, generated from the lifecycle table (server/tickets/ticket.lifecycle.ts):
 * every staff action × every status × tier × office model × held or not, for the people who work
 * the tier and the office's supervisor, over HTTP. For each combination the ticket page and the
 * API must agree: an action the page offers is accepted by the API (200), one it does not offer is
 * refused (403/404/409, never 400), and an escalation or return lands on the tier the dialog named.
 * Plus one test for each bug the table fixed.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import request from 'supertest';
import { refreshOfficeModels, resetOfficeModels } from '../../server/routing/office-models.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { translator } from '../../server/lib/i18n.js';
import { EscalationModel } from '../../server/tickets/escalation.model.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { lifecycle, type TicketAction } from '../../server/tickets/ticket.lifecycle.js';
import { ticketStatuses, tiers, type OfficeRoutingModel, type Tier, type TicketStatus } from '../../server/lib/ticket.vocabulary.js';
import type { StaffActor } from '../../server/auth/actor.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { signedIn, type TestAgent } from '../helpers/pages.js';

const fr = translator('fr');
const tierLabel = (tier: number) => fr(`tier.long_${tier}`);

/** The staff actions the page can offer (read is the page itself; close and rate are the member's). */
const pageActions = [
  'claim',
  'release',
  'reply',
  'note',
  'escalate',
  'return',
  'reassign',
  'resolve',
  'reopen',
  'update',
] as const satisfies readonly TicketAction[];
type PageAction = (typeof pageActions)[number];

const apiPath: Record<PageAction, string> = {
  claim: 'claim',
  release: 'release',
  reply: 'replies',
  note: 'notes',
  escalate: 'escalate',
  return: 'return',
  reassign: 'reassign',
  resolve: 'resolve',
  reopen: 'reopen',
  update: 'update',
};

type Who = 'advisorLiege' | 'advisorLiege2' | 'support' | 'administrative' | 'supervisorLiege';
/** Who works each tier (and holds the "held" tickets), and who else looks at it. */
const workerOf: Record<Tier, Who> = { 1: 'advisorLiege', 2: 'support', 3: 'administrative' };
const viewersOf: Record<Tier, Who[]> = {
  1: ['advisorLiege', 'support', 'supervisorLiege'],
  // advisorLiege2 worked on every ticket (ticketIn): on tiers 2 and 3 she only follows it, read only.
  2: ['support', 'supervisorLiege', 'advisorLiege2'],
  3: ['administrative', 'supervisorLiege', 'advisorLiege2'],
};
const follower: Who = 'advisorLiege2';

/** What the page offers, read from its markup (the same HTML a person clicks). */
function offered(html: string): Set<PageAction> {
  const out = new Set<PageAction>();
  for (const a of ['claim', 'release', 'resolve', 'reopen'] as const) if (html.includes(`data-action="${a}"`)) out.add(a);
  for (const a of ['escalate', 'return', 'reassign'] as const) if (html.includes(`data-open-dialog="${a}-dialog"`)) out.add(a);
  if (/name="mode" value="reply" checked/.test(html)) out.add('reply');
  if (/<section class="composer" id="composer"[^>]*>/.test(html) && !/<section class="composer" id="composer"[^>]*\shidden>/.test(html)) out.add('note');
  if (html.includes('id="edit-form"')) out.add('update');
  return out;
}

/** The tier a dialog names ("Vers : <strong>Niveau 3 · …</strong>"). */
function dialogTarget(html: string, dialog: 'escalate' | 'return'): number | null {
  const section = new RegExp(`id="${dialog}-dialog"[\\s\\S]*?<strong>([^<]*)</strong>`).exec(html)?.[1] ?? '';
  const found = tiers.find((tier) => section.includes(tierLabel(tier)));
  return found ?? null;
}

describe('lifecycle matrix: the ticket page and the API agree on every action × status × tier × office model', function () {
  this.timeout(600_000);
  useTestDatabase();
  let app: Express;
  let org: Org;
  const tokens = {} as Record<Who, string>;
  const agents = {} as Record<Who, TestAgent>;

  before(async () => {
    app = testApp();
    org = await buildOrg();
    for (const who of ['advisorLiege', 'advisorLiege2', 'support', 'administrative', 'supervisorLiege'] as const) {
      tokens[who] = await login(app, org.staff[who].email);
      agents[who] = await signedIn(app, org.staff[who].email);
    }
  });

  after(() => resetOfficeModels());

  const actor = (who: Who): StaffActor => org.staff[who];

  async function setModel(model: OfficeRoutingModel): Promise<void> {
    await OfficeModel.updateOne({ _id: org.offices.liege }, { $set: { routingModel: model } });
    await refreshOfficeModels();
  }

  const teamOf = (tier: Tier): Types.ObjectId => (tier === 1 ? org.teams.liege : tier === 2 ? org.teams.support : org.teams.admin);

  /** A Liège ticket in the given state, with the escalation that brought it to its tier. */
  async function ticketIn(model: OfficeRoutingModel, tier: Tier, status: TicketStatus, held: boolean): Promise<Ticket> {
    const ticket = await buildTicket(org);
    const done = status === 'resolved' || status === 'closed';
    await TicketModel.collection.updateOne(
      { _id: ticket._id },
      {
        $set: {
          tier,
          team: teamOf(tier),
          status,
          assignee: held ? actor(workerOf[tier]).id : null,
          resolvedAt: done ? new Date() : null,
          closedAt: status === 'closed' ? new Date() : null,
          workers: [actor(follower).id],
        },
      },
    );
    if (tier > 1) {
      // A polyvalent office's tier 1 escalates straight to tier 3.
      const fromTier = model === 'polyvalent' && tier === 3 ? 1 : ((tier - 1) as Tier);
      await EscalationModel.create({
        ticket: ticket._id,
        fromTier,
        fromTeam: teamOf(fromTier),
        toTier: tier,
        toTeam: teamOf(tier),
        reason: 'needs_contract_change',
        handoff: 'Vérifié : contrat signé.',
        by: actor('advisorLiege').id,
        at: new Date(),
        outcome: 'accepted',
      });
    }
    // Written under the journal (the state is set, not reached by commands): the working set, which
    // commands read a ticket from at the version they saw, re-reads it as another instance's news would.
    await workingSet.refresh(ticket._id);
    const fresh = await TicketModel.findById(ticket._id).lean<Ticket>();
    if (!fresh) throw new Error('ticket vanished');
    return fresh;
  }

  function body(action: PageAction, ticket: Ticket): Record<string, unknown> {
    const base = { version: ticket.version };
    switch (action) {
      case 'reply':
      case 'note':
        return { ...base, text: 'Bonjour, voici la réponse.' };
      case 'escalate':
        return { ...base, reason: 'needs_contract_change', handoff: 'Contrat à modifier : avenant demandé.' };
      case 'return':
        return { ...base, note: 'Il manque le numéro de contrat.' };
      case 'reassign':
        return { ...base, reason: 'Charge de travail', tier: ticket.tier === 1 ? 2 : 1 };
      case 'update':
        return { ...base, priority: 'urgent' };
      default:
        return base;
    }
  }

  const statuses = ticketStatuses;
  let combinations = 0;
  for (const model of ['tiered', 'polyvalent'] as const) {
    it(`${model} office: every action the page offers is accepted, every other is refused, and moves go where the dialog said`, async () => {
      await setModel(model);
      const disagreements: string[] = [];
      for (const tier of tiers) {
        for (const status of statuses) {
          for (const held of [false, true]) {
            for (const who of viewersOf[tier]) {
              let ticket = await ticketIn(model, tier, status, held);
              const page = await agents[who].get(`/staff/tickets/${String(ticket._id)}`);
              const readable = page.status === 200;
              if (!readable) expect(page.status, `${who} page`).to.equal(404);
              const offers = readable ? offered(page.text) : new Set<PageAction>();
              const where = { escalate: readable ? dialogTarget(page.text, 'escalate') : null, return: readable ? dialogTarget(page.text, 'return') : null };
              for (const action of pageActions) {
                combinations += 1;
                const label = `${model} tier ${tier} ${status} ${held ? 'held' : 'unheld'} · ${who} · ${action}`;
                const res = await request(app)
                  .post(`/api/v1/tickets/${String(ticket._id)}/${apiPath[action]}`)
                  .set('authorization', `Bearer ${tokens[who]}`)
                  .send(body(action, ticket));
                // A follower reads the page and may do nothing at all: every action is 403, in every state.
                if (who === follower && tier > 1 && (!readable || offers.size > 0 || res.status !== 403))
                  disagreements.push(`${label}: a follower must read the page (${page.status}), be offered nothing and be refused with 403 (${res.status})`);
                if (offers.has(action)) {
                  if (res.status !== 200) disagreements.push(`${label}: offered by the page, API answered ${res.status} ${JSON.stringify(res.body)}`);
                  else {
                    const moved = (res.body as { ticket: { tier: number } }).ticket.tier;
                    if ((action === 'escalate' || action === 'return') && moved !== where[action])
                      disagreements.push(`${label}: the dialog said tier ${where[action]}, the ticket went to tier ${moved}`);
                  }
                } else {
                  if (![403, 404, 409].includes(res.status))
                    disagreements.push(`${label}: not offered by the page, API answered ${res.status} ${JSON.stringify(res.body)}`);
                  if (!readable && res.status !== 404) disagreements.push(`${label}: the page is 404, the API answered ${res.status}`);
                }
                // It changed: the next action starts again from the same state.
                if (res.status === 200) ticket = await ticketIn(model, tier, status, held);
              }
            }
          }
        }
      }
      expect(disagreements, disagreements.join('\n')).to.deep.equal([]);
    });
  }

  it('covered every combination, and the table has a staff rule for each page action', () => {
    for (const action of pageActions) expect(lifecycle[action].staff, action).to.not.equal(undefined);
    expect(combinations).to.be.greaterThan(1000);
  });

  describe('the bugs the table fixed', () => {
    afterEach(() => setModel('tiered'));

    it('polyvalent office: the escalate dialog names tier 3, where the escalation goes', async () => {
      await setModel('polyvalent');
      const ticket = await ticketIn('polyvalent', 1, 'open', true);
      const page = await agents.advisorLiege.get(`/staff/tickets/${String(ticket._id)}`).expect(200);
      expect(dialogTarget(page.text, 'escalate')).to.equal(3);
      expect(page.text).to.not.contain(tierLabel(2));
      const res = await request(app)
        .post(`/api/v1/tickets/${String(ticket._id)}/escalate`)
        .set('authorization', `Bearer ${tokens.advisorLiege}`)
        .send(body('escalate', ticket));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.ticket.tier).to.equal(3);
    });

    it('resolved ticket: the API refuses a reply, a priority change and a release (409 with a reason code), as the page offers none', async () => {
      const ticket = await ticketIn('tiered', 1, 'resolved', true);
      const page = await agents.advisorLiege.get(`/staff/tickets/${String(ticket._id)}`).expect(200);
      expect([...offered(page.text)].sort()).to.deep.equal(['note', 'reopen']);
      for (const action of ['reply', 'update', 'release'] as const) {
        const res = await request(app)
          .post(`/api/v1/tickets/${String(ticket._id)}/${apiPath[action]}`)
          .set('authorization', `Bearer ${tokens.advisorLiege}`)
          .send(body(action, ticket));
        expect(res.status, `${action}: ${JSON.stringify(res.body)}`).to.equal(409);
        expect(res.body.error.reason).to.equal('ticket_resolved');
      }
      const after = await TicketModel.findById(ticket._id).lean<Ticket>();
      expect(after).to.include({ status: 'resolved', version: ticket.version, messageCount: ticket.messageCount });
    });

    it('resolved ticket: nobody can claim it, even once nobody holds it', async () => {
      const ticket = await ticketIn('tiered', 1, 'resolved', false);
      const res = await request(app)
        .post(`/api/v1/tickets/${String(ticket._id)}/claim`)
        .set('authorization', `Bearer ${tokens.advisorLiege}`)
        .send({ version: ticket.version });
      expect(res.status, JSON.stringify(res.body)).to.equal(409);
      expect(res.body.error.reason).to.equal('ticket_resolved');
    });
  });
});
