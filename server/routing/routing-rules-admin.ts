/**
 * Administrators edit the arrival routing rules: create, change, reorder, deactivate (never delete:
 * a ticket's stored routing names its rule). A rule sends a matching new ticket to a tier-1 team that
 * serves an office — the arrival routing skips any other team (routing.service.ts), so a rule naming
 * one would silently never apply; it is refused here instead, as is an unknown category or office.
 * Every change is audited and the routing caches are cleared, so the tester (routing-admin.ts
 * `tryRouting`) and ticket creation use the new rules at once on this instance (5 s elsewhere).
 */
import { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { CategoryModel } from '../catalog/category.model.js';
import { BadRequestError, NotFoundError, type FieldProblem } from '../lib/errors.js';
import { OfficeModel } from '../offices/office.model.js';
import { TeamModel } from '../teams/team.model.js';
import type { Channel, TicketLanguage } from '../lib/ticket.vocabulary.js';
import { routingRules, type RuleView } from './routing-rules.view.js';
import { RoutingRuleModel } from './routing-rule.model.js';
import { clearRoutingCache } from './routing.service.js';

interface Meta {
  ip?: string;
}

export interface RuleInput {
  name: string;
  order: number;
  active: boolean;
  match: { category: string | null; channel: Channel | null; mailbox: string | null; language: TicketLanguage | null; office: string | null };
  team: string;
}

const objectId = /^[0-9a-f]{24}$/i;

/**
 * A rule's mailbox as it is spelled where mail arrives (`mailboxes`: the receiver's addresses and the
 * IMAP mailboxes' names, which the composition knows from the configuration), or null for any. One
 * mail never arrives by would never match: refused (400), naming the field and the mailboxes there are.
 */
export function knownMailbox(typed: string | null, mailboxes: readonly string[]): string | null {
  if (!typed) return null;
  const mailbox = mailboxes.find((m) => m.toLowerCase() === typed.toLowerCase());
  if (mailbox) return mailbox;
  const known = mailboxes.length > 0 ? mailboxes.join(', ') : 'none is configured';
  throw new BadRequestError(`"${typed}" is not a mailbox mail arrives by (${known}).`, [
    // The page names the addresses (QA: "choose from the list", of a list shown only while typing).
    {
      path: 'match.mailbox',
      message: 'not a mailbox mail arrives by',
      reason: mailboxes.length > 0 ? { code: 'one_of', options: mailboxes } : { code: 'choice' },
    },
  ]);
}

/** Refuses a rule that could never apply or names what does not exist, each field named. */
async function checkRule(input: RuleInput): Promise<void> {
  const fields: FieldProblem[] = [];
  const team = objectId.test(input.team) ? await TeamModel.findById(input.team, { tier: 1, office: 1, active: 1 }).lean() : null;
  if (!team) fields.push({ path: 'team', message: 'unknown team', reason: { code: 'choice' } });
  else if (team.tier !== 1 || !team.office)
    fields.push({ path: 'team', message: 'a rule sends tickets to a tier-1 team that serves an office', reason: { code: 'tier_one_team' } });
  else if (team.active === false) fields.push({ path: 'team', message: 'this team is inactive', reason: { code: 'inactive_team' } });
  if (input.match.category && !(await CategoryModel.exists({ code: input.match.category })))
    fields.push({ path: 'match.category', message: 'unknown category', reason: { code: 'choice' } });
  // Only mail arrives at a mailbox: a rule asking for both another channel and a mailbox matches nothing.
  if (input.match.mailbox && input.match.channel && input.match.channel !== 'email')
    fields.push({ path: 'match.channel', message: 'only mail arrives at a mailbox: channel email, or any', reason: { code: 'mailbox_needs_email' } });
  if (input.match.office && !(objectId.test(input.match.office) && (await OfficeModel.exists({ _id: input.match.office }))))
    fields.push({ path: 'match.office', message: 'unknown office', reason: { code: 'choice' } });
  if (fields.length > 0) throw new BadRequestError('This rule cannot apply as written.', fields);
}

function stored(input: RuleInput) {
  return {
    name: input.name,
    order: input.order,
    active: input.active,
    match: { ...input.match, office: input.match.office ? new Types.ObjectId(input.match.office) : null },
    team: new Types.ObjectId(input.team),
  };
}

async function ruleView(id: string): Promise<RuleView> {
  const view = (await routingRules()).find((r) => r.id === id);
  if (!view) throw new NotFoundError('No such routing rule.');
  return view;
}

function audited(view: RuleView): Record<string, unknown> {
  const { id: _id, ...fields } = view;
  return fields;
}

/** Creates a rule (audited); new tickets follow it at once. */
export async function createRule(actor: StaffActor, input: RuleInput, meta: Meta = {}): Promise<RuleView> {
  assertAdministrator(actor);
  await checkRule(input);
  const doc = await RoutingRuleModel.create(stored(input));
  clearRoutingCache();
  const view = await ruleView(String(doc._id));
  await recordAudit(actor, {
    action: 'routing_rule.create',
    target: { kind: 'routing_rule', id: view.id, label: view.name },
    after: audited(view),
    ip: meta.ip,
  });
  return view;
}

/** Changes a rule (the whole editable record; deactivating is `active: false`), audited. */
export async function updateRule(actor: StaffActor, id: string, input: RuleInput, meta: Meta = {}): Promise<RuleView> {
  assertAdministrator(actor);
  if (!objectId.test(id)) throw new NotFoundError('No such routing rule.');
  const before = await ruleView(id);
  await checkRule(input);
  const model = await RoutingRuleModel.findById(id);
  if (!model) throw new NotFoundError('This routing rule was just removed.');
  model.set(stored(input));
  await model.save();
  clearRoutingCache();
  const after = await ruleView(id);
  await recordAudit(actor, {
    action: before.active && !after.active ? 'routing_rule.deactivate' : 'routing_rule.update',
    target: { kind: 'routing_rule', id, label: after.name },
    before: audited(before),
    after: audited(after),
    ip: meta.ip,
  });
  return after;
}

/**
 * Puts the rules in the order given (every rule's id once): orders become 10, 20, 30 … so a rule
 * created later can slip between two. One audit entry lists the names before and after.
 */
export async function reorderRules(actor: StaffActor, ids: readonly string[], meta: Meta = {}): Promise<RuleView[]> {
  assertAdministrator(actor);
  const rules = await routingRules();
  const known = new Set(rules.map((r) => r.id));
  if (ids.length !== rules.length || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id)))
    throw new BadRequestError('Give every rule once, in the new order.', [{ path: 'ids', message: 'every rule id exactly once' }]);
  // Written one by one by `_id` (no transaction): an interruption leaves a mixed order, which the
  // next reorder repairs; the unchanged ones are not written.
  for (const [i, id] of ids.entries()) {
    const order = (i + 1) * 10;
    if (rules.find((r) => r.id === id)?.order !== order) await RoutingRuleModel.updateOne({ _id: id }, { $set: { order } });
  }
  clearRoutingCache();
  const after = await routingRules();
  await recordAudit(actor, {
    action: 'routing_rule.reorder',
    target: { kind: 'routing_rules', id: 'order', label: '' },
    before: { order: rules.map((r) => r.name) },
    after: { order: after.map((r) => r.name) },
    ip: meta.ip,
  });
  return after;
}

/** Moves one rule a place up or down (the page's arrows): a reorder of the whole list. */
export async function moveRule(actor: StaffActor, id: string, direction: 'up' | 'down', meta: Meta = {}): Promise<RuleView[]> {
  const ids = (await routingRules()).map((r) => r.id);
  const at = ids.indexOf(id);
  if (at < 0) throw new NotFoundError('No such routing rule.');
  const to = direction === 'up' ? at - 1 : at + 1;
  if (to < 0 || to >= ids.length) return routingRules();
  [ids[at], ids[to]] = [ids[to] as string, ids[at] as string];
  return reorderRules(actor, ids, meta);
}
