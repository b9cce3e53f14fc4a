/**
 * `/staff/admin/calendars`: the business calendars (the default and each office's), the SLA policies
 * they serve, and one calendar's page with its preview ("a ticket arriving now would be due …"), its
 * opening hours, the public holidays it closes on (generated) and its closure days (added by hand).
 * After a change the page offers to recompute the open tickets' deadlines; the recompute runs in the
 * background and the page shows its progress (reloading itself every two seconds while it runs, no
 * script). Every change goes through sla/calendar-admin.ts and sla/recompute.ts, as the API does.
 */
import { loadCatalog, type PageCatalog } from '../catalog.js';
import { Router, type Request, type Response } from 'express';
import { labelIn, labelsFormFields, labelsFromForm } from '../../../lib/labels.js';
import { z } from 'zod';
import type { Config } from '../../../config.js';
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError } from '../../../lib/errors.js';
import { intlTags, type Translate } from '../../../lib/i18n.js';
import { belgianRegions, weekdays, type BusinessCalendar, type BusinessInterval, type Weekday } from '../../../sla/calendar.js';
import {
  addClosure,
  calendarPreview,
  calendarTarget,
  calendarView,
  calendarsOverview,
  listPolicies,
  removeClosure,
  updateCalendar,
  type CalendarView,
} from '../../../sla/calendar-admin.js';
import { latestRecomputeJob, recomputeJob, startRecompute, type RecomputeJobView } from '../../../sla/recompute.js';
import { createFormatter } from '../format.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, formField, nameFields, refusal, type FieldLabels, type FieldErrors } from './admin-page.js';
import { targetHoursText } from './sla-policy-form.js';

export const calendarsPath = `${adminPath}/calendars`;
/** The SLA policies' pages (sla-policies.routes.ts): their recompute comes back there. */
export const policiesPath = `${adminPath}/sla-policies`;
const recomputePath = `${adminPath}/sla/recompute`;
const doneKeys = ['updated', 'closure_added', 'closure_exists', 'closure_removed'];
const dateTags = intlTags;
const INTERVAL = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/;
const labelsForm = z.object(labelsFormFields);
/** The calendar form's fields by their labels: each day, the region, the names in each language, the closure date. */
const calendarFields: FieldLabels = {
  ...Object.fromEntries(weekdays.map((d) => [`hours.${d}`, `admin.calendars.day.${d}`])),
  region: 'admin.calendars.region_label',
  ...nameFields,
  date: 'admin.calendars.closure_date',
};
function parseLabels(body: unknown): z.infer<typeof labelsForm> {
  const parsed = labelsForm.safeParse(body);
  if (!parsed.success) throw new BadRequestError('invalid', fieldProblems(parsed.error));
  return parsed.data;
}

const recomputeForm = z.strictObject({
  _csrf: z.string().max(500).optional(),
  cause: z.enum(['calendar', 'policy']),
  label: z.string().trim().min(1).max(200),
  back: z.string().max(300),
});

/** "09:00-12:00, 13:00-17:00" → intervals; empty → closed. Throws a 400 naming the day. */
export function parseDayHours(text: string, day: Weekday): BusinessInterval[] {
  if (!text.trim()) return [];
  return text.split(/[,;]/).map((part) => {
    const m = INTERVAL.exec(part);
    if (!m?.[1] || !m[2])
      throw new BadRequestError('invalid hours', [
        { path: `hours.${day}`, message: 'expected HH:mm-HH:mm, comma separated', reason: { code: 'hours_format' } },
      ]);
    const pad = (t: string) => t.padStart(5, '0');
    return { start: pad(m[1]), end: pad(m[2]) };
  });
}

function hoursText(intervals: readonly BusinessInterval[]): string {
  return intervals.map((i) => `${i.start}-${i.end}`).join(', ');
}

/** A recompute's progress as the calendar and policy pages show it. */
export function jobView(job: RecomputeJobView | null, t: Translate, fmt: ReturnType<typeof createFormatter>) {
  if (!job) return null;
  return {
    ...job,
    running: job.state === 'running',
    stateText: t(`admin.calendars.job.${job.state}`, { done: job.done, total: job.total, changed: job.changed, failed: job.failed }),
    startedText: t('admin.calendars.job.started', { when: fmt.dateTime(job.startedAt), by: job.by, label: job.label }),
  };
}

function calendarTitle(view: CalendarView, t: Translate, catalog: PageCatalog): string {
  return view.target === 'default' ? t('admin.calendars.default') : (catalog.officeName(view.target) ?? view.title);
}

export function calendarAdminPages(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  router.get(calendarsPath, ...guard, async (req, res) => {
    const t = res.locals.t;
    const [views, policies, catalog] = await Promise.all([calendarsOverview(), listPolicies(), loadCatalog(res.locals.locale)]);
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const hours = (cal: BusinessCalendar) =>
      weekdays
        .filter((d) => cal.hours[d].length > 0)
        .map((d) => `${t(`admin.calendars.day_short.${d}`)} ${hoursText(cal.hours[d])}`)
        .join(' · ');
    await renderStaffPage(req, res, tools, 'staff-admin-calendars', 'admin', {
      title: t('admin.calendars.title'),
      calendars: views.map((v) => ({
        href: `${calendarsPath}/${v.target}`,
        title: calendarTitle(v, t, catalog),
        ownText: v.target === 'default' ? t('admin.calendars.for_others') : v.own ? t('admin.calendars.own') : t('admin.calendars.uses_default'),
        hours: hours(v.calendar),
        closures: String(v.calendar.closures.length),
      })),
      policies: policies.map((p) => ({
        ...p,
        name: labelIn(p, res.locals.locale),
        matchText:
          [
            p.match.priorities.length ? p.match.priorities.map((x) => t(`priority.${x}`)).join(', ') : null,
            p.match.categories.length ? p.match.categories.map((c) => catalog.categoryLabel(c) ?? c).join(', ') : null,
            p.match.tiers.length ? p.match.tiers.map((x) => t('admin.calendars.tier', { tier: x })).join(', ') : null,
          ]
            .filter(Boolean)
            .join(' · ') || t('admin.calendars.any'),
        firstResponse: targetHoursText(p.firstResponseMinutes, t, fmt),
        resolution: targetHoursText(p.resolutionMinutes, t, fmt),
      })),
    });
  });

  async function showCalendar(
    req: Request,
    res: Response,
    id: string,
    props: {
      status?: number;
      error?: string;
      invalid?: FieldErrors;
      hoursInput?: Record<string, string>;
      closureInvalid?: FieldErrors;
      closureDate?: string;
    } = {},
  ) {
    const t = res.locals.t;
    const locale = res.locals.locale;
    let target;
    try {
      target = await calendarTarget(id);
    } catch (error) {
      const { status, error: text } = refusal(error, t);
      await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('admin.calendars.title'), text }, status);
      return;
    }
    const fmt = createFormatter(locale, t, config.timeZone);
    const now = new Date();
    const [view, preview, catalog] = await Promise.all([calendarView(target), calendarPreview(target, now, locale), loadCatalog(locale)]);
    const jobParam = typeof req.query.job === 'string' ? req.query.job : null;
    const job = jobParam ? await recomputeJob(jobParam).catch(() => null) : await latestRecomputeJob();
    const dateFmt = new Intl.DateTimeFormat(dateTags[locale], { dateStyle: 'full', timeZone: 'UTC' });
    const day = (date: string) => dateFmt.format(new Date(`${date}T12:00:00Z`));
    const title = calendarTitle(view, t, catalog);
    const region = props.hoursInput ? formField(req.body, 'region') : (view.calendar.holidays?.region ?? '');
    const changed = doneNotice(req, t, 'admin.calendars.done', doneKeys);
    const jobShown = jobView(job, t, fmt);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-calendar',
      'admin',
      {
        title: t('admin.calendars.calendar_title', { name: title }),
        heading: t('admin.calendars.calendar_title', { name: title }),
        // While a recompute runs the page reloads itself to show its progress.
        refreshSeconds: jobShown?.running ? 2 : null,
        notice: changed,
        // After a change the open tickets still carry deadlines computed with the old calendar; the offer stays
        // on the page (an administrator who went elsewhere first must still find it), worded for after a change or not.
        offerRecompute: true,
        recomputeText: t(changed ? 'admin.calendars.recompute_text' : 'admin.calendars.recompute_standing'),
        error: props.error ?? null,
        // A refused form shows again as it was typed, its fields marked.
        invalid: props.invalid ?? {},
        closureInvalid: props.closureInvalid ?? {},
        closureDate: props.closureDate ?? '',
        formAction: `${calendarsPath}/${view.target}`,
        labels: props.hoursInput
          ? { fr: formField(req.body, 'labels_fr'), nl: formField(req.body, 'labels_nl'), en: formField(req.body, 'labels_en') }
          : view.labels,
        usesDefault: view.target !== 'default' && !view.own,
        preview: {
          nowText: fmt.dateTime(now),
          policy: preview.policy,
          openText: preview.openNow ? t('admin.calendars.open_now') : t('admin.calendars.closed_now', { when: fmt.dateTime(preview.nextOpening) }),
          firstResponse: preview.firstResponseDue ? fmt.dateTime(preview.firstResponseDue) : null,
          firstResponseIso: preview.firstResponseDue?.toISOString() ?? null,
          resolution: preview.resolutionDue ? fmt.dateTime(preview.resolutionDue) : null,
          resolutionIso: preview.resolutionDue?.toISOString() ?? null,
        },
        days: weekdays.map((d) => ({
          day: d,
          label: t(`admin.calendars.day.${d}`),
          value: props.hoursInput?.[String(d)] ?? hoursText(view.calendar.hours[d]),
        })),
        regions: [
          { value: '', label: t('admin.calendars.region_none'), selected: !region },
          ...belgianRegions.map((r) => ({ value: r, label: t(`admin.calendars.region.${r}`), selected: region === r })),
        ],
        holidays: preview.holidays.map((h) => ({ date: h.date, text: day(h.date), name: h.name })),
        closures: preview.closures.map((c) => ({ date: c, text: day(c), removeAction: `${calendarsPath}/${view.target}/closures/${c}/delete` })),
        pastClosures: view.calendar.closures.length - preview.closures.length,
        recompute: { action: recomputePath, label: title, back: `${calendarsPath}/${view.target}` },
        job: jobShown,
      },
      props.status ?? 200,
    );
  }

  router.get(`${calendarsPath}/:office`, ...guard, async (req, res) => showCalendar(req, res, String(req.params.office)));

  router.post(`${calendarsPath}/:office`, ...guard, tools.csrf.protect, async (req, res) => {
    const id = String(req.params.office);
    const input = Object.fromEntries(weekdays.map((d) => [String(d), formField(req.body, `hours_${d}`)]));
    try {
      const target = await calendarTarget(id);
      const hours = Object.fromEntries(weekdays.map((d) => [d, parseDayHours(input[String(d)] ?? '', d)])) as BusinessCalendar['hours'];
      const region = formField(req.body, 'region');
      if (region && !(belgianRegions as readonly string[]).includes(region))
        throw new BadRequestError('invalid region', [{ path: 'region', message: 'unknown', reason: { code: 'choice' } }]);
      const labels = labelsFromForm(parseLabels(req.body));
      await updateCalendar(pageActor(req), target, { hours, region: (region || null) as (typeof belgianRegions)[number] | null, labels }, { ip: req.ip });
    } catch (error) {
      return showCalendar(req, res, id, { ...refusal(error, res.locals.t, calendarFields), hoursInput: input });
    }
    res.redirect(303, `${calendarsPath}/${id}?done=updated`);
  });

  router.post(`${calendarsPath}/:office/closures`, ...guard, tools.csrf.protect, async (req, res) => {
    const id = String(req.params.office);
    const date = formField(req.body, 'date').slice(0, 10);
    let already: boolean;
    try {
      const target = await calendarTarget(id);
      // A day already closed stays once; the page says so rather than "added" (QA: a closure typed twice).
      already = (await calendarView(target)).calendar.closures.includes(date);
      await addClosure(pageActor(req), target, date, { ip: req.ip });
    } catch (error) {
      const refused = refusal(error, res.locals.t, calendarFields);
      return showCalendar(req, res, id, { ...refused, invalid: {}, closureInvalid: refused.invalid, closureDate: date });
    }
    res.redirect(303, `${calendarsPath}/${id}?done=${already ? 'closure_exists' : 'closure_added'}`);
  });

  router.post(`${calendarsPath}/:office/closures/:date/delete`, ...guard, tools.csrf.protect, async (req, res) => {
    const id = String(req.params.office);
    try {
      await removeClosure(pageActor(req), await calendarTarget(id), String(req.params.date), { ip: req.ip });
    } catch (error) {
      return showCalendar(req, res, id, refusal(error, res.locals.t));
    }
    res.redirect(303, `${calendarsPath}/${id}?done=closure_removed`);
  });

  router.post(recomputePath, ...guard, tools.csrf.protect, async (req, res) => {
    const parsed = recomputeForm.safeParse(req.body);
    // The way back stays on a calendar's or a policy's page (never another site).
    const back =
      parsed.success && [`${calendarsPath}/`, `${policiesPath}/`].some((p) => parsed.data.back.startsWith(p)) && !/[/\\]{2}|\\/.test(parsed.data.back)
        ? parsed.data.back
        : calendarsPath;
    if (!parsed.success) {
      res.redirect(303, back);
      return;
    }
    const { job } = await startRecompute(pageActor(req), { cause: parsed.data.cause, label: parsed.data.label }, { ip: req.ip });
    res.redirect(303, `${back}?job=${job.id}`);
  });

  return router;
}
