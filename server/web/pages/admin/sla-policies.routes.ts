/**
 * `/staff/admin/sla-policies`: the SLA policies in the order they are tried, a form for a new one,
 * and one policy's page with its form, the preview "a ticket arriving now would be due …" (in the
 * calendar of an office the administrator picks) and, after a change, the offer to recompute the open
 * tickets' deadlines (the calendars' recompute, cause `policy`, its progress shown here). Plain forms
 * with the page's CSRF token; changes go through sla/policy-admin.ts, as the API does.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../../config.js';
import { labelIn } from '../../../lib/labels.js';
import { officesAndTeams } from '../../../routing/routing-admin.js';
import { createPolicy, policyPreview, policyView, policyViews, shadowingPolicies, updatePolicy, type PolicyView } from '../../../sla/policy-admin.js';
import { latestRecomputeJob, recomputeJob } from '../../../sla/recompute.js';
import { loadCatalog } from '../catalog.js';
import { createFormatter } from '../format.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, refusal, type FieldErrors } from './admin-page.js';
import { jobView, policiesPath } from './calendars.routes.js';
import {
  emptyPolicyForm,
  policyFormFromView,
  policyFormInput,
  policyFormView,
  policyFields,
  policyFromForm,
  targetHoursText,
  type PolicyFormInput,
} from './sla-policy-form.js';

const doneKeys = ['created', 'updated'];
const objectId = /^[0-9a-f]{24}$/i;

export function slaPolicyPages(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  async function choices(res: Response) {
    const [catalog, { offices }] = await Promise.all([loadCatalog(res.locals.locale), officesAndTeams()]);
    // Each office by its name in the page's language (its label), as the offices page names it.
    return { catalog, offices: offices.filter((o) => o.active).map((o) => ({ ...o, name: catalog.officeName(o.id) ?? o.name })) };
  }

  async function showList(req: Request, res: Response, props: { status?: number; error?: string; invalid?: FieldErrors; form?: PolicyFormInput } = {}) {
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const [policies, { catalog, offices }] = await Promise.all([policyViews(), choices(res)]);
    const officeName = new Map(offices.map((o) => [o.id, o.name]));
    const nextOrder = (policies.at(-1)?.order ?? 0) + 10;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-sla-policies',
      'admin',
      {
        title: t('slaPolicies.title'),
        notice: doneNotice(req, t, 'slaPolicies.done', doneKeys),
        error: props.error ?? null,
        policies: policies.map((p) => ({
          ...p,
          name: labelIn(p, res.locals.locale),
          href: `${policiesPath}/${p.id}`,
          matchText:
            [
              p.match.priorities.map((x) => t(`priority.${x}`)).join(', '),
              p.match.categories.map((c) => catalog.categoryLabel(c) ?? c).join(', '),
              p.match.tiers.map((x) => t('admin.calendars.tier', { tier: x })).join(', '),
              p.match.offices.map((o) => officeName.get(o) ?? o).join(', '),
            ]
              .filter(Boolean)
              .join(' · ') || t('admin.calendars.any'),
          firstResponse: targetHoursText(p.targets.firstResponseMinutes, t, fmt),
          nextResponse: targetHoursText(p.targets.nextResponseMinutes, t, fmt),
          resolution: targetHoursText(p.targets.resolutionMinutes, t, fmt),
        })),
        form: {
          action: policiesPath,
          editing: false,
          invalid: props.invalid ?? {},
          ...policyFormView(props.form ?? emptyPolicyForm(nextOrder), t, { categories: catalog.categories, offices }),
        },
      },
      props.status ?? 200,
    );
  }

  async function showPolicy(
    req: Request,
    res: Response,
    id: string,
    props: { status?: number; error?: string; invalid?: FieldErrors; form?: PolicyFormInput } = {},
  ) {
    const t = res.locals.t;
    let policy: PolicyView;
    try {
      policy = await policyView(id);
    } catch (error) {
      const { status, error: text } = refusal(error, t);
      await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('slaPolicies.title'), text }, status);
      return;
    }
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const { catalog, offices } = await choices(res);
    const officeParam = typeof req.query.office === 'string' && objectId.test(req.query.office) ? req.query.office : null;
    const now = new Date();
    const preview = await policyPreview(id, now, officeParam).catch(() => null);
    // Said at the top: a policy no request can get (its name quoted as the page's language quotes).
    const shadowing = await shadowingPolicies(id);
    const shadowedBy = shadowing ? shadowing.map((name) => t('slaPolicies.quoted', { name })).join(', ') : null;
    const jobParam = typeof req.query.job === 'string' ? req.query.job : null;
    const job = jobView(jobParam ? await recomputeJob(jobParam).catch(() => null) : await latestRecomputeJob(), t, fmt);
    const changed = doneNotice(req, t, 'slaPolicies.done', doneKeys);
    const when = (d: Date | null) => (d ? { text: fmt.dateTime(d), iso: d.toISOString() } : null);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-sla-policy',
      'admin',
      {
        title: t('slaPolicies.policy_title', { name: labelIn(policy, res.locals.locale) }),
        refreshSeconds: job?.running ? 2 : null,
        notice: changed,
        // After a change the open tickets still carry deadlines computed with the old targets; the offer
        // stays on the page (an administrator who went elsewhere first must still find it: QA), worded for after a change or not.
        offerRecompute: true,
        recomputeText: t(changed ? 'slaPolicies.recompute_text' : 'slaPolicies.recompute_standing'),
        error: props.error ?? null,
        shadowedBy,
        policy,
        preview: preview
          ? {
              nowText: fmt.dateTime(now),
              office: catalog.officeName(preview.office.id) ?? preview.office.name,
              calendar: preview.calendar,
              chosen: preview.chosen,
              otherChosen: preview.chosen !== policy.name,
              firstResponse: when(preview.firstResponseDue),
              nextResponse: when(preview.nextResponseDue),
              resolution: when(preview.resolutionDue),
              offices: offices.map((o) => ({ value: o.id, label: o.name, selected: o.id === preview.office.id })),
            }
          : null,
        form: {
          action: `${policiesPath}/${policy.id}`,
          editing: true,
          invalid: props.invalid ?? {},
          ...policyFormView(props.form ?? policyFormFromView(policy, fmt), t, { categories: catalog.categories, offices }),
        },
        recompute: { action: `${adminPath}/sla/recompute`, label: policy.name, back: `${policiesPath}/${policy.id}` },
        job,
      },
      props.status ?? 200,
    );
  }

  router.get(policiesPath, ...guard, async (req, res) => showList(req, res));

  router.post(policiesPath, ...guard, tools.csrf.protect, async (req, res) => {
    const form = policyFormInput(req.body);
    let created: PolicyView;
    try {
      created = await createPolicy(pageActor(req), policyFromForm(form), { ip: req.ip });
    } catch (error) {
      return showList(req, res, { ...refusal(error, res.locals.t, policyFields), form });
    }
    res.redirect(303, `${policiesPath}/${created.id}?done=created`);
  });

  router.get(`${policiesPath}/:id`, ...guard, async (req, res) => showPolicy(req, res, String(req.params.id)));

  router.post(`${policiesPath}/:id`, ...guard, tools.csrf.protect, async (req, res) => {
    const id = String(req.params.id);
    const form = policyFormInput(req.body);
    try {
      await updatePolicy(pageActor(req), id, policyFromForm(form), { ip: req.ip });
    } catch (error) {
      return showPolicy(req, res, id, { ...refusal(error, res.locals.t, policyFields), form });
    }
    res.redirect(303, `${policiesPath}/${id}?done=updated`);
  });

  return router;
}
