/**
 * `/staff/admin/offices` (offices and teams, each a small form) and `/staff/admin/routing` (the
 * arrival rules in order, and the tester "which team would this ticket go to?", which shows the
 * decision and its explanation as ticket creation would store it). Plain forms with the page's CSRF
 * token; changes go through routing/routing-admin.ts, as the API does.
 */
import type { Config } from '../../../config.js';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { loadCatalog } from '../catalog.js';
import { labels, routingNames } from '../presenters.js';
import { routingSentence } from '../../../routing/routing-facts.js';
import { routingTrialBody } from '../../../routing/routing-admin.routes.js';
import { officesAndTeams, routingRules, tryRouting, updateOffice, updateTeam, type RoutingAnswer } from '../../../routing/routing-admin.js';
import { assignmentModes, channels, officeModels, ticketLanguages, tiers } from '../../../lib/ticket.vocabulary.js';
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError } from '../../../lib/errors.js';
import { labelsFormFields, labelsFromForm } from '../../../lib/labels.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, formField, nameFields, refusal, type FieldErrors, type FieldLabels, type Refusal } from './admin-page.js';
import { createRule } from '../../../routing/routing-rules-admin.js';
import { knownMailboxes } from '../../../mail/inbound/smtp-receiver.js';
import { routingRulePages, routingRulesPath, ruleFields, ruleFormInput, ruleFormView, ruleFromForm, type RuleForm } from './routing-rules.routes.js';

export const officesPath = `${adminPath}/offices`;
export const routingPath = `${adminPath}/routing`;
const teamsPath = `${adminPath}/teams`;

const officeForm = z.strictObject({
  _csrf: z.string().optional(),
  name: z.string().trim().min(1).max(80),
  ...labelsFormFields,
  routingModel: z.enum(officeModels),
});
const teamForm = z.strictObject({
  _csrf: z.string().optional(),
  name: z.string().trim().min(1).max(120),
  ...labelsFormFields,
  tier: z.coerce.number().pipe(z.union([z.literal(1), z.literal(2), z.literal(3)])),
  office: z.string().max(30),
  assignmentMode: z.enum(assignmentModes),
});

const officeFields: FieldLabels = { name: 'admin.offices.field.name', routingModel: 'admin.offices.field.model', ...nameFields };
const teamFields: FieldLabels = {
  name: 'admin.offices.field.name',
  tier: 'admin.offices.field.tier',
  office: 'admin.offices.field.office',
  assignmentMode: 'admin.offices.field.mode',
  ...nameFields,
};
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

  /**
   * The offices and teams, one form each. A refused form shows again as it was typed, its fields
   * marked, and the sentence above the page names whose form it is.
   */
  async function showOffices(req: Request, res: Response, refused?: Refusal & { kind: 'office' | 'team'; id: string }) {
    const t = res.locals.t;
    const [{ offices, teams }, catalog] = await Promise.all([officesAndTeams(), loadCatalog(res.locals.locale)]);
    const officeName = new Map(offices.map((o) => [o.id, catalog.officeName(o.id) ?? o.name]));
    const typed = (kind: 'office' | 'team', id: string): { invalid: FieldErrors; name?: string; labels?: Record<string, string> } => {
      if (refused?.kind !== kind || refused.id !== id) return { invalid: {} };
      const labels = { fr: formField(req.body, 'labels_fr'), nl: formField(req.body, 'labels_nl'), en: formField(req.body, 'labels_en') };
      return { invalid: refused.invalid, name: formField(req.body, 'name'), labels };
    };
    /** A choice as the refused form sent it (for that form only), else null. */
    const typedChoice = (kind: 'office' | 'team', id: string, field: string): string | null =>
      refused?.kind === kind && refused.id === id ? formField(req.body, field) : null;
    const refusedName = refused
      ? refused.kind === 'office'
        ? officeName.get(refused.id)
        : (catalog.teamName(refused.id) ?? teams.find((x) => x.id === refused.id)?.name)
      : null;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-offices',
      'admin',
      {
        title: t('admin.offices.title'),
        notice: doneNotice(req, t, 'admin.offices.done', ['office', 'team']),
        error: refused ? (refusedName ? t('admin.errors.whose', { name: refusedName, error: refused.error }) : refused.error) : null,
        offices: offices
          .map((o) => ({
            ...o,
            ...typed('office', o.id),
            // How the page's language names it (its label, else its name): for the form's accessible name.
            shownName: officeName.get(o.id) ?? o.name,
            action: `${officesPath}/${o.id}`,
            models: officeModels.map((m) => ({
              value: m,
              label: t(`admin.offices.model.${m}`),
              selected: m === (typedChoice('office', o.id, 'routingModel') ?? o.routingModel),
            })),
          }))
          // In the order of the names the page shows, not of the base names behind them.
          .sort((a, b) => a.shownName.localeCompare(b.shownName, res.locals.locale)),
        teams: teams
          .map((team) => ({
            ...team,
            ...typed('team', team.id),
            shownName: catalog.teamName(team.id) ?? team.name,
            action: `${teamsPath}/${team.id}`,
            officeName: team.office ? (officeName.get(team.office) ?? '') : t('admin.offices.every_office'),
            tiers: tiers.map((x) => ({
              value: x,
              label: t('admin.calendars.tier', { tier: x }),
              selected: String(x) === (typedChoice('team', team.id, 'tier') ?? String(team.tier)),
            })),
            officeChoices: [
              { value: '', label: t('admin.offices.every_office'), selected: (typedChoice('team', team.id, 'office') ?? team.office ?? '') === '' },
              ...offices.map((o) => ({
                value: o.id,
                label: officeName.get(o.id) ?? o.name,
                selected: o.id === (typedChoice('team', team.id, 'office') ?? team.office),
              })),
            ],
            modes: assignmentModes.map((m) => ({
              value: m,
              label: t(`admin.offices.mode.${m}`),
              selected: m === (typedChoice('team', team.id, 'assignmentMode') ?? team.assignmentMode),
            })),
          }))
          .sort((a, b) => a.tier - b.tier || a.shownName.localeCompare(b.shownName, res.locals.locale)),
      },
      refused?.status ?? 200,
    );
  }

  router.get(officesPath, ...guard, async (req, res) => showOffices(req, res));

  router.post(`${officesPath}/:id`, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      const body = parsed(officeForm, req.body);
      await updateOffice(
        pageActor(req),
        String(req.params.id),
        { name: body.name, labels: labelsFromForm(body), routingModel: body.routingModel },
        { ip: req.ip },
      );
    } catch (error) {
      return showOffices(req, res, { ...refusal(error, res.locals.t, officeFields), kind: 'office', id: String(req.params.id) });
    }
    res.redirect(303, `${officesPath}?done=office`);
  });

  router.post(`${teamsPath}/:id`, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      const body = parsed(teamForm, req.body);
      await updateTeam(
        pageActor(req),
        String(req.params.id),
        { name: body.name, labels: labelsFromForm(body), tier: body.tier, office: body.office || null, assignmentMode: body.assignmentMode },
        { ip: req.ip },
      );
    } catch (error) {
      return showOffices(req, res, { ...refusal(error, res.locals.t, teamFields), kind: 'team', id: String(req.params.id) });
    }
    res.redirect(303, `${officesPath}?done=team`);
  });

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
    const [rules, { offices, teams }, catalog] = await Promise.all([routingRules(), officesAndTeams(), loadCatalog(res.locals.locale)]);
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
