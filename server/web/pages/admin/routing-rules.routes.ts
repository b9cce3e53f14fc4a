/**
 * Editing the arrival routing rules from `/staff/admin/routing` (whose page lists them with the
 * tester, and creates them: routing.routes.ts): one rule's form at `/staff/admin/routing/rules/:id`, and arrows
 * moving a rule up or down. Plain forms with the page's CSRF token, checked by the API's schema;
 * changes go through routing/routing-rules-admin.ts, as the API does.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../../config.js';
import { knownMailboxes } from '../../../mail/inbound/smtp-receiver.js';
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import { officesAndTeams } from '../../../routing/routing-admin.js';
import { routingRulesWithReach, type RuleView } from '../../../routing/routing-rules.view.js';
import type { DeadRule } from '../../../routing/rule-reach.js';
import { routingRuleBody } from '../../../routing/routing-admin.routes.js';
import { knownMailbox, moveRule, updateRule } from '../../../routing/routing-rules-admin.js';
import { channels, ticketLanguages } from '../../../lib/ticket.vocabulary.js';
import { loadCatalog, selectOptions, type Option } from '../catalog.js';
import { labels } from '../presenters.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, formField, refusal, type FieldLabels, type FieldErrors } from './admin-page.js';

export const routingRulesPath = `${adminPath}/routing/rules`;
const routingPath = `${adminPath}/routing`;
const fieldNames = ['name', 'order', 'active', 'category', 'channel', 'mailbox', 'language', 'office', 'team'] as const;
export type RuleForm = Record<(typeof fieldNames)[number], string>;
/** The rule form's fields by their labels, by the API schema's paths. */
export const ruleFields: FieldLabels = {
  name: 'routingRules.field.name',
  order: 'routingRules.field.order',
  'match.category': 'admin.routing.field.category',
  'match.channel': 'admin.routing.field.channel',
  'match.mailbox': 'admin.routing.field.mailbox',
  'match.language': 'admin.routing.field.language',
  'match.office': 'admin.routing.field.member_office',
  team: 'routingRules.field.team',
};

export function ruleFormInput(body: unknown): RuleForm {
  return Object.fromEntries(fieldNames.map((k) => [k, formField(body, k).trim()])) as RuleForm;
}

export function ruleFormFromView(rule: RuleView): RuleForm {
  return {
    name: rule.name,
    order: String(rule.order),
    active: rule.active ? '1' : '',
    category: rule.match.category ?? '',
    channel: rule.match.channel ?? '',
    mailbox: rule.match.mailbox ?? '',
    language: rule.match.language ?? '',
    office: rule.match.office ?? '',
    team: rule.team,
  };
}

/** The API body from the form, through the API's schema (a 400 naming the fields otherwise); a mailbox none of `mailboxes`, a 400 too. */
export function ruleFromForm(form: RuleForm, mailboxes: readonly string[]) {
  const parsed = routingRuleBody.safeParse({
    name: form.name,
    order: /^-?\d+$/.test(form.order) ? Number(form.order) : Number.NaN,
    active: form.active === '1',
    match: {
      category: form.category || null,
      channel: form.channel || null,
      mailbox: form.mailbox || null,
      language: form.language || null,
      office: form.office || null,
    },
    team: form.team,
  });
  if (!parsed.success) throw new BadRequestError('invalid', fieldProblems(parsed.error));
  return { ...parsed.data, match: { ...parsed.data.match, mailbox: knownMailbox(parsed.data.match.mailbox, mailboxes) } };
}

/** Why a rule never applies, in the reader's language (rule-reach.ts), or null when it can. */
export function neverAppliesText(dead: DeadRule | null, t: Translate): string | null {
  if (!dead) return null;
  if (dead.kind === 'impossible') return t('routingRules.never_matches');
  if (dead.kind === 'inactive_category') return t('routingRules.never_category');
  return t('routingRules.never_applies', { names: dead.by.map((name) => t('slaPolicies.quoted', { name })).join(', ') });
}

/** The rule form's values and choices (teams: tier 1 with an office, the only ones a rule may name). */
export async function ruleFormView(
  form: RuleForm,
  t: Translate,
  locale: Parameters<typeof loadCatalog>[0],
  props: { action: string; editing: boolean; mailboxes: readonly string[] },
) {
  const [catalog, { offices, teams }] = await Promise.all([loadCatalog(locale), officesAndTeams()]);
  // Offices and teams by their name in the page's language, channels by their label (as the tester above says them).
  const officeName = new Map(offices.map((o) => [o.id, catalog.officeName(o.id) ?? o.name]));
  const l = labels(t);
  const anyLabel = t('admin.routing.any');
  const options = (values: readonly Option[], current: string) => selectOptions(values, current, anyLabel);
  return {
    ...props,
    name: form.name,
    order: form.order,
    active: form.active === '1',
    mailbox: form.mailbox,
    // A rule naming a deactivated category keeps it on its form (marked): saved unchanged, it must not become "any".
    categories: options(
      form.category && !catalog.categories.some((c) => c.value === form.category)
        ? [...catalog.categories, { value: form.category, label: `${catalog.categoryLabel(form.category) ?? form.category} (${t('admin.offices.inactive')})` }]
        : catalog.categories,
      form.category,
    ),
    channels: options(
      channels.map((c) => ({ value: c, label: l.channel(c) })),
      form.channel,
    ),
    languages: options(
      ticketLanguages.map((lang) => ({ value: lang, label: lang.toUpperCase() })),
      form.language,
    ),
    offices: options(
      // Closed offices too (their members keep them: a rule may still route them), marked.
      offices.map((o) => ({ value: o.id, label: `${officeName.get(o.id) ?? o.name}${o.active ? '' : ` (${t('admin.offices.closed')})`}` })),
      form.office,
    ),
    teams: teams
      .filter((x) => x.tier === 1 && x.office && (x.active || x.id === form.team))
      .map((x) => ({ value: x.id, label: `${catalog.teamName(x.id) ?? x.name} (${officeName.get(x.office ?? '') ?? ''})`, selected: x.id === form.team })),
  };
}

export function routingRulePages(config: Config, tools: StaffPageTools): Router {
  const mailboxes = knownMailboxes(config);
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  async function showRule(req: Request, res: Response, id: string, props: { status?: number; error?: string; invalid?: FieldErrors; form?: RuleForm } = {}) {
    const t = res.locals.t;
    const rule = (await routingRulesWithReach()).find((r) => r.id === id);
    if (!rule) {
      await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('admin.routing.title'), text: t('admin.errors.not_found') }, 404);
      return;
    }
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-routing-rule',
      'admin',
      {
        title: t('routingRules.rule_title', { name: rule.name }),
        error: props.error ?? null,
        never: neverAppliesText(rule.neverApplies, t),
        form: {
          ...(await ruleFormView(props.form ?? ruleFormFromView(rule), t, res.locals.locale, {
            action: `${routingRulesPath}/${rule.id}`,
            editing: true,
            mailboxes,
          })),
          invalid: props.invalid ?? {},
        },
      },
      props.status ?? 200,
    );
  }

  router.get(`${routingRulesPath}/:id`, ...guard, async (req, res) => showRule(req, res, String(req.params.id)));

  router.post(`${routingRulesPath}/:id`, ...guard, tools.csrf.protect, async (req, res) => {
    const id = String(req.params.id);
    const form = ruleFormInput(req.body);
    try {
      await updateRule(pageActor(req), id, ruleFromForm(form, mailboxes), { ip: req.ip });
    } catch (error) {
      return showRule(req, res, id, { ...refusal(error, res.locals.t, ruleFields), form });
    }
    res.redirect(303, `${routingPath}?done=rule_updated`);
  });

  router.post(`${routingRulesPath}/:id/move`, ...guard, tools.csrf.protect, async (req, res) => {
    const direction = formField(req.body, 'direction');
    if (direction === 'up' || direction === 'down') await moveRule(pageActor(req), String(req.params.id), direction, { ip: req.ip });
    res.redirect(303, `${routingPath}?done=rule_moved#rules-title`);
  });

  return router;
}
