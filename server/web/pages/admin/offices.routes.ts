/**
 * `/staff/admin/offices`: every office and team, each a small form (name, labels, organisation; a
 * team's tier, office, assignment mode and whether it is active), and the two forms that open an
 * office and form a team. Plain forms with the page's CSRF token; changes go through
 * routing/routing-admin.ts, as the API does. A refused form shows again as it was typed, its fields
 * marked, and the sentence above the page names whose form it is.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { loadCatalog } from '../catalog.js';
import { openTicketsOfOffice, openTicketsOfTeam } from '../../../tickets/working-set.js';
import { createOffice, createTeam, officesAndTeams, updateOffice, updateTeam } from '../../../routing/routing-admin.js';
import { assignmentModes, officeModels, tiers } from '../../../lib/ticket.vocabulary.js';
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError } from '../../../lib/errors.js';
import { labelsFormFields, labelsFromForm } from '../../../lib/labels.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, formField, nameFields, refusal, type FieldErrors, type FieldLabels, type Refusal } from './admin-page.js';

export const officesPath = `${adminPath}/offices`;
const teamsPath = `${adminPath}/teams`;

const tier = z.coerce.number().pipe(z.union([z.literal(1), z.literal(2), z.literal(3)]));
const officeForm = z.strictObject({
  _csrf: z.string().optional(),
  name: z.string().trim().min(1).max(80),
  ...labelsFormFields,
  routingModel: z.enum(officeModels),
  // The card's box (not on the default office's card, which cannot close); unticked means close.
  activeShown: z.literal('1').optional(),
  active: z.literal('1').optional(),
});
const teamForm = z.strictObject({
  _csrf: z.string().optional(),
  name: z.string().trim().min(1).max(120),
  ...labelsFormFields,
  tier,
  office: z.string().max(30),
  assignmentMode: z.enum(assignmentModes),
  // The card's box: present only on the card (the API's `active`); unticked means deactivate.
  activeShown: z.literal('1').optional(),
  active: z.literal('1').optional(),
});
const newOfficeForm = officeForm.omit({ activeShown: true, active: true }).extend({
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{2,40}$/),
});
const newTeamForm = teamForm.omit({ activeShown: true, active: true }).extend({
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{2,60}$/),
});

const officeFields: FieldLabels = {
  code: 'admin.offices.field.code',
  name: 'admin.offices.field.name',
  routingModel: 'admin.offices.field.model',
  ...nameFields,
};
const teamFields: FieldLabels = {
  code: 'admin.offices.field.code',
  name: 'admin.offices.field.name',
  tier: 'admin.offices.field.tier',
  office: 'admin.offices.field.office',
  assignmentMode: 'admin.offices.field.mode',
  ...nameFields,
};

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new BadRequestError('invalid', fieldProblems(result.error));
  return result.data;
}

/** Which form was refused: an office's or a team's card (by id), or a new one (`new`). */
type Refused = Refusal & { kind: 'office' | 'team'; id: string };

export function officeAdminPages(tools: StaffPageTools): Router {
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  async function showOffices(req: Request, res: Response, refused?: Refused) {
    const t = res.locals.t;
    const [{ offices, teams }, catalog] = await Promise.all([officesAndTeams(), loadCatalog(res.locals.locale)]);
    const officeName = new Map(offices.map((o) => [o.id, catalog.officeName(o.id) ?? o.name]));
    const isRefused = (kind: Refused['kind'], id: string): boolean => refused?.kind === kind && refused.id === id;
    /** A field as the refused form sent it (for that form only), else null. */
    const typedChoice = (kind: Refused['kind'], id: string, field: string): string | null => (isRefused(kind, id) ? formField(req.body, field) : null);
    const typed = (kind: Refused['kind'], id: string): { invalid: FieldErrors; name?: string; code?: string; labels?: Record<string, string> } => {
      if (!refused || !isRefused(kind, id)) return { invalid: {} };
      const labels = { fr: formField(req.body, 'labels_fr'), nl: formField(req.body, 'labels_nl'), en: formField(req.body, 'labels_en') };
      // A card's code is its own (not on its form); only a new office or team has one typed.
      return { invalid: refused.invalid, name: formField(req.body, 'name'), ...(id === 'new' ? { code: formField(req.body, 'code') } : {}), labels };
    };
    const models = (kind: Refused['kind'], id: string, current: string) =>
      officeModels.map((m) => ({ value: m, label: t(`admin.offices.model.${m}`), selected: m === (typedChoice(kind, id, 'routingModel') ?? current) }));
    const teamChoices = (id: string, current: { tier: number; office: string | null; assignmentMode: string }) => {
      const office = typedChoice('team', id, 'office') ?? current.office ?? '';
      return {
        tiers: tiers.map((x) => ({
          value: x,
          label: t('admin.calendars.tier', { tier: x }),
          selected: String(x) === (typedChoice('team', id, 'tier') ?? String(current.tier)),
        })),
        officeChoices: [
          { value: '', label: t('admin.offices.every_office'), selected: office === '' },
          ...offices.filter((o) => o.active || o.id === office).map((o) => ({ value: o.id, label: officeName.get(o.id) ?? o.name, selected: o.id === office })),
        ],
        modes: assignmentModes.map((m) => ({
          value: m,
          label: t(`admin.offices.mode.${m}`),
          selected: m === (typedChoice('team', id, 'assignmentMode') ?? current.assignmentMode),
        })),
      };
    };
    const refusedName =
      !refused || refused.id === 'new'
        ? null
        : refused.kind === 'office'
          ? officeName.get(refused.id)
          : (catalog.teamName(refused.id) ?? teams.find((x) => x.id === refused.id)?.name);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-offices',
      'admin',
      {
        title: t('admin.offices.title'),
        notice: doneNotice(req, t, 'admin.offices.done', ['office', 'team', 'office_created', 'team_created']),
        error: refused ? (refusedName ? t('admin.errors.whose', { name: refusedName, error: refused.error }) : refused.error) : null,
        offices: offices
          .map((o) => ({
            ...o,
            ...typed('office', o.id),
            // How the page's language names it (its label, else its name): for the form's accessible name.
            shownName: officeName.get(o.id) ?? o.name,
            active: isRefused('office', o.id) ? formField(req.body, 'active') === '1' : o.active,
            stored: o.active,
            action: `${officesPath}/${o.id}`,
            models: models('office', o.id, o.routingModel),
          }))
          // Open offices first, each group in the order of the names the page shows (not of the base names behind them).
          .sort((a, b) => Number(b.stored) - Number(a.stored) || a.shownName.localeCompare(b.shownName, res.locals.locale)),
        newOffice: { ...typed('office', 'new'), action: officesPath, models: models('office', 'new', 'tiered') },
        teams: teams
          .map((team) => ({
            ...team,
            ...typed('team', team.id),
            active: isRefused('team', team.id) ? formField(req.body, 'active') === '1' : team.active,
            shownName: catalog.teamName(team.id) ?? team.name,
            action: `${teamsPath}/${team.id}`,
            ...teamChoices(team.id, team),
          }))
          // Active teams first, then by tier and name.
          .sort((a, b) => Number(b.active) - Number(a.active) || a.tier - b.tier || a.shownName.localeCompare(b.shownName, res.locals.locale)),
        newTeam: { ...typed('team', 'new'), action: teamsPath, ...teamChoices('new', { tier: 1, office: null, assignmentMode: 'manual' }) },
      },
      refused?.status ?? 200,
    );
  }

  router.get(officesPath, ...guard, async (req, res) => showOffices(req, res));
  // A refused form's page is at the address it was sent to: opened again (reload, history), it is the page.
  router.get([`${officesPath}/:id`, teamsPath, `${teamsPath}/:id`], ...guard, (_req, res) => res.redirect(303, officesPath));

  router.post(officesPath, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      const body = parsed(newOfficeForm, req.body);
      await createOffice(pageActor(req), { code: body.code, name: body.name, labels: labelsFromForm(body), routingModel: body.routingModel }, { ip: req.ip });
    } catch (error) {
      return showOffices(req, res, { ...refusal(error, res.locals.t, officeFields), kind: 'office', id: 'new' });
    }
    res.redirect(303, `${officesPath}?done=office_created#teams-title`);
  });

  router.post(teamsPath, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      const body = parsed(newTeamForm, req.body);
      const props = {
        code: body.code,
        name: body.name,
        labels: labelsFromForm(body),
        tier: body.tier,
        office: body.office || null,
        assignmentMode: body.assignmentMode,
      };
      await createTeam(pageActor(req), props, { ip: req.ip });
    } catch (error) {
      return showOffices(req, res, { ...refusal(error, res.locals.t, teamFields), kind: 'team', id: 'new' });
    }
    res.redirect(303, `${officesPath}?done=team_created#teams-title`);
  });

  router.post(`${officesPath}/:id`, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      const body = parsed(officeForm, req.body);
      await updateOffice(
        pageActor(req),
        String(req.params.id),
        { name: body.name, labels: labelsFromForm(body), routingModel: body.routingModel, ...(body.activeShown ? { active: body.active === '1' } : {}) },
        { ip: req.ip },
        { ofOffice: openTicketsOfOffice, ofTeam: openTicketsOfTeam },
      );
    } catch (error) {
      return showOffices(req, res, { ...refusal(error, res.locals.t, officeFields), kind: 'office', id: String(req.params.id) });
    }
    res.redirect(303, `${officesPath}?done=office`);
  });

  router.post(`${teamsPath}/:id`, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      const body = parsed(teamForm, req.body);
      const change = {
        name: body.name,
        labels: labelsFromForm(body),
        tier: body.tier,
        office: body.office || null,
        assignmentMode: body.assignmentMode,
        ...(body.activeShown ? { active: body.active === '1' } : {}),
      };
      await updateTeam(pageActor(req), String(req.params.id), change, { ip: req.ip }, openTicketsOfTeam);
    } catch (error) {
      return showOffices(req, res, { ...refusal(error, res.locals.t, teamFields), kind: 'team', id: String(req.params.id) });
    }
    res.redirect(303, `${officesPath}?done=team`);
  });

  return router;
}
