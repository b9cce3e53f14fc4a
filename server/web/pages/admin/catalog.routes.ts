/**
 * `/staff/admin/categories`: categories and reason codes with their three labels. Plain forms with
 * the page's CSRF token; every change goes through catalog/catalog-admin.ts, as the API does.
 *
 *   GET  /staff/admin/categories               both lists and the two "new" forms
 *   GET  /staff/admin/categories/:code         one category's form; POST there changes it
 *   GET  /staff/admin/reason-codes/:code       one reason code's form; POST there changes it
 *   POST /staff/admin/categories               create a category; POST /staff/admin/reason-codes a reason code
 *
 * An unticked "active" box deactivates: nothing here deletes (a code stays named by its tickets).
 */
import { Router, type Request, type Response } from 'express';
import type { ZodType } from 'zod';
import {
  createCategory,
  createReasonCode,
  listCategoriesForAdmin,
  listReasonCodesForAdmin,
  updateCategory,
  updateReasonCode,
  type CatalogItemView,
} from '../../../catalog/catalog-admin.js';
import { createCategoryBody, createReasonCodeBody, reasonMoves, updateCategoryBody, updateReasonCodeBody } from '../../../catalog/catalog-admin.schemas.js';
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { routingRulesWithReach } from '../../../routing/routing-rules.view.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, formField, refusal, type FieldErrors, type FieldLabels } from './admin-page.js';

export const categoriesPath = `${adminPath}/categories`;
const reasonsPath = `${adminPath}/reason-codes`;
const doneKeys = ['category_created', 'category_updated', 'reason_created', 'reason_updated'];
type Kind = 'category' | 'reason';

/** The form's fields as the schemas want them (`active` only on the edit form, where unticked means off). */
function formBody(body: unknown, kind: Kind, editing: boolean): Record<string, unknown> {
  const moves = (body as Record<string, unknown> | undefined)?.appliesTo;
  const order = formField(body, 'order').trim();
  return {
    ...(editing ? {} : { code: formField(body, 'code').trim() }),
    label: { fr: formField(body, 'label_fr'), nl: formField(body, 'label_nl'), en: formField(body, 'label_en') },
    ...(order ? { order } : {}),
    ...(editing ? { active: formField(body, 'active') === '1' } : {}),
    ...(kind === 'reason' ? { appliesTo: (Array.isArray(moves) ? moves : typeof moves === 'string' ? [moves] : []).filter((m) => typeof m === 'string') } : {}),
  };
}

/** The category and reason forms' fields by their labels, by the API schema's paths. */
const catalogFields: FieldLabels = {
  code: 'admin.catalog.field.code',
  'label.fr': 'admin.catalog.field.label_fr',
  'label.nl': 'admin.catalog.field.label_nl',
  'label.en': 'admin.catalog.field.label_en',
  order: 'admin.catalog.field.order',
  appliesTo: 'admin.catalog.field.moves',
};

function parse<T>(schema: ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestError('invalid', fieldProblems(parsed.error));
  return parsed.data;
}

function row(item: CatalogItemView, t: Translate, kind: Kind) {
  return {
    ...item,
    editHref: `${kind === 'category' ? categoriesPath : reasonsPath}/${encodeURIComponent(item.code)}`,
    moves: item.appliesTo?.map((m) => t(`admin.catalog.move.${m}`)).join(', ') || '—',
  };
}

function formView(t: Translate, kind: Kind, values: Partial<CatalogItemView>, action: string, editing: boolean, invalid: FieldErrors = {}) {
  return {
    kind,
    invalid,
    action,
    editing,
    code: values.code ?? '',
    fr: values.label?.fr ?? '',
    nl: values.label?.nl ?? '',
    en: values.label?.en ?? '',
    order: values.order ?? '',
    active: values.active !== false,
    moves:
      kind === 'reason'
        ? reasonMoves.map((m) => ({ value: m, label: t(`admin.catalog.move.${m}`), checked: (values.appliesTo ?? (editing ? [] : ['escalate'])).includes(m) }))
        : null,
  };
}

/** What a refused form typed, to show it again. */
function typed(body: unknown, kind: Kind): Partial<CatalogItemView> {
  const b = formBody(body, kind, false) as { code: string; label: CatalogItemView['label']; order?: string; appliesTo?: string[] };
  return { code: b.code, label: b.label, order: b.order ? Number(b.order) : undefined, appliesTo: b.appliesTo, active: formField(body, 'active') === '1' };
}

export function catalogAdminPages(tools: StaffPageTools): Router {
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  async function showList(
    req: Request,
    res: Response,
    props: { status?: number; error?: string; invalid?: FieldErrors; form?: { kind: Kind; values: Partial<CatalogItemView> } } = {},
  ) {
    const t = res.locals.t;
    const [categories, reasons, rules] = await Promise.all([listCategoriesForAdmin(), listReasonCodesForAdmin(), routingRulesWithReach()]);
    // A deactivated category the active arrival rules still name: those rules no longer apply, as the routing page says (routing/rule-reach.ts).
    const rulesNaming = (code: string) =>
      rules.filter((r) => r.neverApplies?.kind === 'inactive_category' && r.match.category === code).map((r) => t('slaPolicies.quoted', { name: r.name }));
    const form = props.form;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-catalog',
      'admin',
      {
        title: t('admin.catalog.title'),
        notice: doneNotice(req, t, 'admin.catalog.done', doneKeys),
        error: props.error ?? null,
        categories: categories.map((c) => {
          const names = c.active ? [] : rulesNaming(c.code);
          return { ...row(c, t, 'category'), inRules: names.length > 0 ? t('admin.catalog.in_rules', { names: names.join(', ') }) : null };
        }),
        reasons: reasons.map((r) => row(r, t, 'reason')),
        newCategory: formView(
          t,
          'category',
          form?.kind === 'category' ? form.values : {},
          categoriesPath,
          false,
          form?.kind === 'category' ? props.invalid : {},
        ),
        newReason: formView(t, 'reason', form?.kind === 'reason' ? form.values : {}, reasonsPath, false, form?.kind === 'reason' ? props.invalid : {}),
      },
      props.status ?? 200,
    );
  }

  async function showEdit(
    req: Request,
    res: Response,
    kind: Kind,
    code: string,
    props: { status?: number; error?: string; invalid?: FieldErrors; values?: Partial<CatalogItemView> } = {},
  ) {
    const t = res.locals.t;
    const list = kind === 'category' ? await listCategoriesForAdmin() : await listReasonCodesForAdmin();
    const item = list.find((i) => i.code === code);
    if (!item) {
      await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('admin.catalog.title'), text: t('admin.errors.not_found') }, 404);
      return;
    }
    const base = kind === 'category' ? categoriesPath : reasonsPath;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-catalog-edit',
      'admin',
      {
        title: t(kind === 'category' ? 'admin.catalog.edit_category' : 'admin.catalog.edit_reason', { code }),
        heading: t(kind === 'category' ? 'admin.catalog.edit_category' : 'admin.catalog.edit_reason', { code }),
        error: props.error ?? null,
        form: formView(t, kind, { ...item, ...props.values, code }, `${base}/${encodeURIComponent(code)}`, true, props.invalid),
      },
      props.status ?? 200,
    );
  }

  router.get(categoriesPath, ...guard, async (req, res) => showList(req, res));
  router.get(`${categoriesPath}/:code`, ...guard, async (req, res) => showEdit(req, res, 'category', String(req.params.code)));
  router.get(`${reasonsPath}/:code`, ...guard, async (req, res) => showEdit(req, res, 'reason', String(req.params.code)));

  router.post(categoriesPath, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      await createCategory(pageActor(req), parse(createCategoryBody, formBody(req.body, 'category', false)), { ip: req.ip });
    } catch (error) {
      return showList(req, res, { ...refusal(error, res.locals.t, catalogFields), form: { kind: 'category', values: typed(req.body, 'category') } });
    }
    res.redirect(303, `${categoriesPath}?done=category_created`);
  });

  router.post(reasonsPath, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      await createReasonCode(pageActor(req), parse(createReasonCodeBody, formBody(req.body, 'reason', false)), { ip: req.ip });
    } catch (error) {
      return showList(req, res, { ...refusal(error, res.locals.t, catalogFields), form: { kind: 'reason', values: typed(req.body, 'reason') } });
    }
    res.redirect(303, `${categoriesPath}?done=reason_created`);
  });

  router.post(`${categoriesPath}/:code`, ...guard, tools.csrf.protect, async (req, res) => {
    const code = String(req.params.code);
    try {
      await updateCategory(pageActor(req), code, parse(updateCategoryBody, formBody(req.body, 'category', true)), { ip: req.ip });
    } catch (error) {
      return showEdit(req, res, 'category', code, { ...refusal(error, res.locals.t, catalogFields), values: typed(req.body, 'category') });
    }
    res.redirect(303, `${categoriesPath}?done=category_updated`);
  });

  router.post(`${reasonsPath}/:code`, ...guard, tools.csrf.protect, async (req, res) => {
    const code = String(req.params.code);
    try {
      await updateReasonCode(pageActor(req), code, parse(updateReasonCodeBody, formBody(req.body, 'reason', true)), { ip: req.ip });
    } catch (error) {
      return showEdit(req, res, 'reason', code, { ...refusal(error, res.locals.t, catalogFields), values: typed(req.body, 'reason') });
    }
    res.redirect(303, `${categoriesPath}?done=reason_updated`);
  });

  return router;
}
