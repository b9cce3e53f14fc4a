/**
 * `/staff/admin/routing`: the arrival rules in order, and the tester "which team would this ticket
 * go to?", which shows the decision and its explanation as ticket creation would store it. Plain
 * forms with the page's CSRF token; changes go through routing/routing-admin.ts, as the API does.
 * The offices and teams are offices.routes.ts.
 */
import type { Config } from '../../../config.js';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { loadCatalog } from '../catalog.js';
import { labels, routingNames } from '../presenters.js';
import { routingSentence } from '../../../routing/routing-facts.js';
import { routingTrialBody } from '../../../routing/routing-admin.routes.js';
import { officesAndTeams, tryRouting, type RoutingAnswer } from '../../../routing/routing-admin.js';
import { routingRulesWithReach } from '../../../routing/routing-rules.view.js';
import { channels, ticketLanguages } from '../../../lib/ticket.vocabulary.js';
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError } from '../../../lib/errors.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, formField, refusal, type FieldErrors, type FieldLabels } from './admin-page.js';
import { createRule } from '../../../routing/routing-rules-admin.js';
import { knownMailboxes } from '../../../mail/inbound/smtp-receiver.js';
import {
  neverAppliesText,
  routingRulePages,
  routingRulesPath,
  ruleFields,
  ruleFormInput,
  ruleFormView,
  ruleFromForm,
  type RuleForm,
} from './routing-rules.routes.js';

export const routingPath = `${adminPath}/routing`;

const trialFields: FieldLabels = Object.fromEntries(
  ['email', 'category', 'channel', 'language', 'mailbox', 'office'].map((f) => [f, `admin.routing.field.${f}`]),
);

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new BadRequestError('invalid', fieldProblems(result.error));
  return result.data;
}

export function routingAdminPages(config: Config, tools: StaffPageTools): Router {
  const mailboxes = knownMailboxes(config);
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  async function showRouting(
    req: Request,
    res: Response,
    props: {
      status?: number;
      error?: string;
      invalid?: FieldErrors;
      answer?: RoutingAnswer;
      form?: Record<string, string>;
      ruleError?: string;
      ruleInvalid?: FieldErrors;
      ruleForm?: RuleForm;
    } = {},
  ) {
    const t = res.locals.t;
    const [rules, { offices, teams }, catalog] = await Promise.all([routingRulesWithReach(), officesAndTeams(), loadCatalog(res.locals.locale)]);
    const nextOrder = (rules.at(-1)?.order ?? 0) + 10;
    const emptyRule: RuleForm = { name: '', order: String(nextOrder), active: '1', category: '', channel: '', mailbox: '', language: '', office: '', team: '' };
    // Names in the page's language (their labels), else their one name.
    const teamName = new Map(teams.map((x) => [x.id, catalog.teamName(x.id) ?? x.name]));
    const officeName = new Map(offices.map((x) => [x.id, catalog.officeName(x.id) ?? x.name]));
    const l = labels(t);
    const form = props.form ?? { channel: 'web', language: 'fr' };
    const anyLabel = t('admin.routing.any');
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-routing',
      'admin',
      {
        title: t('admin.routing.title'),
        error: props.error ?? null,
        notice: doneNotice(req, t, 'routingRules.done', ['rule_created', 'rule_updated', 'rule_moved']),
        ruleError: props.ruleError ?? null,
        ruleForm: {
          ...(await ruleFormView(props.ruleForm ?? emptyRule, t, res.locals.locale, { action: routingRulesPath, editing: false, mailboxes })),
          invalid: props.ruleInvalid ?? {},
        },
        rules: rules.map((r, i) => ({
          ...r,
          href: `${routingRulesPath}/${r.id}`,
          moveAction: `${routingRulesPath}/${r.id}/move`,
          first: i === 0,
          last: i === rules.length - 1,
          teamName: teamName.get(r.team) ?? r.team,
          never: neverAppliesText(r.neverApplies, t),
          conditions:
            [
              r.match.category ? `${t('admin.routing.field.category')} = ${catalog.categoryLabel(r.match.category) ?? r.match.category}` : null,
              r.match.channel ? `${t('admin.routing.field.channel')} = ${l.channel(r.match.channel)}` : null,
              r.match.mailbox ? `${t('admin.routing.field.mailbox')} = ${r.match.mailbox}` : null,
              r.match.language ? `${t('admin.routing.field.language')} = ${l.language(r.match.language)}` : null,
              r.match.office ? `${t('admin.routing.field.member_office')} = ${officeName.get(r.match.office) ?? r.match.office}` : null,
            ]
              .filter(Boolean)
              .join(' · ') || anyLabel,
        })),
        form: {
          invalid: props.invalid ?? {},
          email: form.email ?? '',
          mailbox: form.mailbox ?? '',
          channels: channels.map((c) => ({ value: c, label: l.channel(c), selected: c === form.channel })),
          languages: ticketLanguages.map((l) => ({ value: l, label: l.toUpperCase(), selected: l === form.language })),
          categories: [
            { value: '', label: anyLabel, selected: !form.category },
            ...catalog.categories.map((c) => ({ ...c, selected: c.value === form.category })),
          ],
          offices: [
            { value: '', label: t('admin.routing.no_office'), selected: !form.office },
            ...offices.map((o) => ({ value: o.id, label: officeName.get(o.id) ?? o.name, selected: o.id === form.office })),
          ],
        },
        answer: props.answer
          ? {
              ...props.answer,
              team: { ...props.answer.team, name: teamName.get(props.answer.team.id) ?? props.answer.team.name },
              office: { ...props.answer.office, name: officeName.get(props.answer.office.id) ?? props.answer.office.name },
              explanation: routingSentence(props.answer, t, routingNames(catalog, l)),
              memberText: form.email ? t(props.answer.memberFound ? 'admin.routing.member_found' : 'admin.routing.member_unknown') : null,
            }
          : null,
      },
      props.status ?? 200,
    );
  }

  router.get(routingPath, ...guard, async (req, res) => showRouting(req, res));

  router.post(routingRulesPath, ...guard, tools.csrf.protect, async (req, res) => {
    const ruleForm = ruleFormInput(req.body);
    try {
      await createRule(pageActor(req), ruleFromForm(ruleForm, mailboxes), { ip: req.ip });
    } catch (error) {
      const { status, error: ruleError, invalid: ruleInvalid } = refusal(error, res.locals.t, ruleFields);
      return showRouting(req, res, { status, ruleError, ruleInvalid, ruleForm });
    }
    res.redirect(303, `${routingPath}?done=rule_created`);
  });
  router.use(routingRulePages(config, tools));

  router.post(routingPath, ...guard, tools.csrf.protect, async (req, res) => {
    const form = Object.fromEntries(['channel', 'language', 'category', 'email', 'mailbox', 'office'].map((k) => [k, formField(req.body, k).trim()]));
    try {
      const trial = parsed(routingTrialBody, {
        channel: form.channel,
        language: form.language,
        category: form.category || null,
        email: form.email || null,
        mailbox: form.mailbox || null,
        office: form.office || null,
      });
      const answer = await tryRouting(pageActor(req), trial);
      await showRouting(req, res, { answer, form });
    } catch (error) {
      await showRouting(req, res, { ...refusal(error, res.locals.t, trialFields), form });
    }
  });

  return router;
}
