/**
 * The administrators' staff page, `/staff/admin/staff`: everyone with their status (active, invited,
 * deactivated), second factor and last sign-in; a form to invite a person by address; each person's
 * form (roles, team, office, languages, capacity) with deactivate, reactivate and "send the invitation
 * again". Plain forms with the page's CSRF token; every change goes through the staff administration
 * service (staff/staff-admin.ts), which checks the role and audits, as the API does.
 */
import { Router, type Request, type Response } from 'express';
import { hasRole } from '../../auth/actor.js';
import type { Config } from '../../config.js';
import { AppError, BadRequestError } from '../../lib/errors.js';
import { errorReasons } from '../../lib/error-reasons.js';
import { uiLocales } from '../../lib/ticket.vocabulary.js';
import { fieldProblems } from '../../lib/validate.js';
import type { Translate } from '../../lib/i18n.js';
import { inviteBody, staffLanguages, staffRoles, updateBody } from '../../staff/staff-admin.schemas.js';
import { deactivateStaff, getStaff, inviteStaff, listStaff, reactivateStaff, resendInvitation, updateStaff } from '../../staff/staff-admin.js';

import type { PresentedStaffAdmin } from '../../staff/staff.presenter.js';
import { staffAdminPath } from './account-paths.js';
import { loadCatalog, type PageCatalog } from './catalog.js';
import { fieldErrors, refusedFields, type FieldErrors, type FieldLabels, type Refusal } from './admin/admin-page.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderForbidden, renderStaffPage, type StaffPageTools } from './staff-page.js';

const doneNotices = ['invited', 'updated', 'deactivated', 'reactivated', 'invitation', 'address_corrected'] as const;
const fieldLabels: FieldLabels = Object.fromEntries(
  ['name', 'email', 'roles', 'team', 'office', 'languages', 'capacity'].map((f) => [f, `accounts.admin.field.${f}`]),
);

type Form = { name: string; email: string; roles: string[]; team: string; office: string; languages: string[]; capacity: string };

function list(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
function text(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
function formOf(body: unknown): Form {
  return {
    name: text(body, 'name'),
    email: text(body, 'email'),
    roles: list(body, 'roles'),
    team: text(body, 'team'),
    office: text(body, 'office'),
    languages: list(body, 'languages'),
    capacity: text(body, 'capacity'),
  };
}
const asInput = (form: Form) => ({
  name: form.name,
  roles: form.roles,
  team: form.team || null,
  office: form.office || null,
  languages: form.languages,
  capacity: /^\d+$/.test(form.capacity) ? Number(form.capacity) : -1,
});

function choices(t: Translate, catalog: PageCatalog, form: Form) {
  return {
    roles: staffRoles.map((r) => ({ value: r, label: t(`roles.${r}`), checked: form.roles.includes(r) })),
    languages: staffLanguages.map((l) => ({ value: l, label: t(`accounts.admin.language.${l}`), checked: form.languages.includes(l) })),
    // Each team with its tier and office, so a team of another office than the person's shows before saving.
    teams: [
      { value: '', label: t('accounts.admin.none') },
      ...catalog.teams.map((o) => ({
        ...o,
        label: [o.label, [t('admin.calendars.tier', { tier: o.tier }), catalog.officeName(o.office)].filter(Boolean).join(', ')].join(' — '),
        selected: o.value === form.team,
      })),
    ],
    offices: [{ value: '', label: t('accounts.admin.none') }, ...catalog.offices.map((o) => ({ ...o, selected: o.value === form.office }))],
  };
}

const formFrom = (s: PresentedStaffAdmin): Form => ({
  name: s.name,
  email: s.email,
  roles: s.roles,
  team: s.team ?? '',
  office: s.office ?? '',
  languages: s.languages,
  capacity: String(s.capacity),
});

export function staffAdminPages(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  async function forbidden(req: Request, res: Response): Promise<void> {
    await renderForbidden(req, res, tools, 'staff_admin', 'accounts.admin');
  }

  /** A refusal from the service or the schema, as a sentence next to the form. */
  function problem(error: unknown, t: Translate): Refusal {
    if (!(error instanceof AppError)) throw error;
    const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
    if (reason === 'email_taken') {
      const taken = t('accounts.admin.errors.email_taken');
      return { status: error.status, error: taken, invalid: { 'accounts.admin.field.email': taken } };
    }
    if (reason && ['own_admin_role', 'own_account', 'already_active', 'not_invited'].includes(reason)) {
      return { status: error.status, error: t(`accounts.admin.errors.${reason}`), invalid: {} };
    }
    if (reason === 'team_office_mismatch') {
      // Said beside both choices: either one may be the one to change.
      const clash = t('client.reason.team_office_mismatch');
      return { status: error.status, error: clash, invalid: { 'accounts.admin.field.team': clash, 'accounts.admin.field.office': clash } };
    }
    if (reason && (errorReasons as readonly string[]).includes(reason)) return { status: error.status, error: t(`client.reason.${reason}`), invalid: {} };
    if (error.status === 404) return { status: 404, error: t('accounts.admin.errors.not_found'), invalid: {} };
    const fields = error.fields ?? [];
    return {
      status: error.status,
      error: t('accounts.admin.errors.invalid', { fields: refusedFields(fields, t, fieldLabels) ?? '' }),
      invalid: fieldErrors(fields, t, fieldLabels),
    };
  }

  async function showList(
    req: Request,
    res: Response,
    view: { status?: number; form?: Form; error?: string | null; invalid?: FieldErrors } = {},
  ): Promise<void> {
    const actor = pageActor(req);
    const t = res.locals.t;
    const catalog = await loadCatalog(res.locals.locale);
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const people = await listStaff(actor);
    const form = view.form ?? { name: '', email: '', roles: ['advisor'], team: '', office: '', languages: ['fr'], capacity: '15' };
    const done = doneNotices.find((n) => req.query.done === n);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-staff',
      'staff_admin',
      {
        title: t('accounts.admin.title'),
        notice: done ? t(`accounts.admin.done.${done}`) : null,
        error: view.error ?? null,
        invalid: view.invalid ?? {},
        people: people.map((p) => ({
          ...p,
          rolesText: p.roles.map((r) => t(`roles.${r}`)).join(', '),
          placeText: [catalog.teamName(p.team), catalog.officeName(p.office)].filter(Boolean).join(' · ') || '—',
          statusText: t(`accounts.admin.status.${p.status}`),
          totpText: p.totpEnabled ? t('accounts.admin.totp_on') : t('accounts.admin.totp_off'),
          lastLoginText: p.lastLoginAt ? fmt.dateTime(p.lastLoginAt) : '—',
        })),
        form,
        ...choices(t, catalog, form),
        // The invitation's language: the page's, unless the form chose another.
        inviteLocales: uiLocales.map((l) => ({
          value: l,
          label: t(`accounts.admin.language.${l}`),
          selected: l === (text(req.body, 'locale') || res.locals.locale),
        })),
        staffAdminPath,
      },
      view.status ?? 200,
    );
  }

  async function showOne(
    req: Request,
    res: Response,
    person: PresentedStaffAdmin,
    view: { status?: number; form?: Form; error?: string | null; invalid?: FieldErrors } = {},
  ): Promise<void> {
    const t = res.locals.t;
    const catalog = await loadCatalog(res.locals.locale);
    const form = view.form ?? formFrom(person);
    const done = doneNotices.find((n) => req.query.done === n);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-person',
      'staff_admin',
      {
        title: t('accounts.admin.person_title', { name: person.name }),
        person: { ...person, statusText: t(`accounts.admin.status.${person.status}`) },
        isSelf: person.id === String(pageActor(req).id),
        canDeactivate: person.status !== 'deactivated',
        canReactivate: person.status === 'deactivated',
        canResend: person.status === 'invited',
        notice: done ? t(`accounts.admin.done.${done}`) : null,
        error: view.error ?? null,
        invalid: view.invalid ?? {},
        form,
        ...choices(t, catalog, form),
        staffAdminPath,
      },
      view.status ?? 200,
    );
  }

  router.use(staffAdminPath, requirePageActor, async (req, res, next) => {
    if (!hasRole(pageActor(req), 'administrator')) return forbidden(req, res);
    next();
  });

  router.get(staffAdminPath, async (req, res) => showList(req, res));

  router.post(staffAdminPath, tools.csrf.protect, async (req, res) => {
    const form = formOf(req.body);
    const locale = text(req.body, 'locale');
    const parsed = inviteBody.safeParse({ ...asInput(form), email: form.email, ...(locale ? { locale } : {}) });
    try {
      if (!parsed.success) throw new BadRequestError('invalid', fieldProblems(parsed.error));
      await inviteStaff({ actor: pageActor(req), ip: req.ip }, parsed.data);
    } catch (error) {
      return showList(req, res, { form, ...problem(error, res.locals.t) });
    }
    res.redirect(303, `${staffAdminPath}?done=invited`);
  });

  router.get(`${staffAdminPath}/:id`, async (req, res) => {
    try {
      await showOne(req, res, await getStaff(pageActor(req), String(req.params.id)));
    } catch (error) {
      await showList(req, res, problem(error, res.locals.t));
    }
  });

  router.post(`${staffAdminPath}/:id`, tools.csrf.protect, async (req, res) => {
    const id = String(req.params.id);
    const form = formOf(req.body);
    try {
      // The address field is on the form only while the person is invited (a typo to correct).
      const parsed = updateBody.safeParse({ ...asInput(form), ...(form.email ? { email: form.email } : {}) });
      if (!parsed.success) throw new BadRequestError('invalid', fieldProblems(parsed.error));
      const before = await getStaff(pageActor(req), id);
      const after = await updateStaff({ actor: pageActor(req), ip: req.ip }, id, parsed.data);
      if (after.email !== before.email) return res.redirect(303, `${staffAdminPath}/${id}?done=address_corrected`);
    } catch (error) {
      const person = await getStaff(pageActor(req), id).catch(() => null);
      if (!person) return showList(req, res, problem(error, res.locals.t));
      return showOne(req, res, person, { form: { ...form, email: form.email || person.email }, ...problem(error, res.locals.t) });
    }
    res.redirect(303, `${staffAdminPath}/${id}?done=updated`);
  });

  const actions = {
    deactivate: [deactivateStaff, 'deactivated'],
    reactivate: [reactivateStaff, 'reactivated'],
    invitation: [resendInvitation, 'invitation'],
  } as const;
  for (const [name, [run, done]] of Object.entries(actions)) {
    router.post(`${staffAdminPath}/:id/${name}`, tools.csrf.protect, async (req, res) => {
      const id = String(req.params.id);
      try {
        await run({ actor: pageActor(req), ip: req.ip }, id);
      } catch (error) {
        const person = await getStaff(pageActor(req), id).catch(() => null);
        if (!person) return showList(req, res, problem(error, res.locals.t));
        return showOne(req, res, person, problem(error, res.locals.t));
      }
      res.redirect(303, `${staffAdminPath}/${id}?done=${done}`);
    });
  }

  return router;
}
