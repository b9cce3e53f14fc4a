/**
 * The administrators' housekeeping page, `/staff/admin/housekeeping`: every housekeeping job with
 * what the last pass did (when, which instance, how long, what it removed, its error), then the
 * recent passes. Read-only: the jobs run on their own every ten minutes. Administrators only.
 */
import { Router } from 'express';
import { hasRole } from '../../auth/actor.js';
import type { Config } from '../../config.js';
import { jobs, recentHousekeepingRuns, type HousekeepingJobRun } from '../../housekeeping/housekeeping.js';
import type { Translate } from '../../lib/i18n.js';
import { createFormatter, type Formatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

export const housekeepingAdminPath = '/staff/admin/housekeeping';

const jobLabel = (t: Translate, name: string): string => t(`housekeeping.job.${name.replace(/[ -]/g, '_')}`);
/** "250 ms", "2,8 s" (decimals as the page's language writes them). */
const msText = (ms: number | null | undefined, fmt: Formatter): string =>
  typeof ms === 'number' ? (ms < 1000 ? `${ms} ms` : `${fmt.decimal(ms / 1000)} s`) : '—';

export function housekeepingAdminRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  router.get(housekeepingAdminPath, requirePageActor, async (req, res) => {
    const t = res.locals.t;
    if (!hasRole(pageActor(req), 'administrator')) {
      await renderStaffPage(
        req,
        res,
        tools,
        'staff-error',
        'housekeeping',
        { title: t('housekeeping.forbidden_title'), text: t('housekeeping.forbidden_text') },
        403,
      );
      return;
    }
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const runs = await recentHousekeepingRuns(20);
    const last = runs.find((r) => r.finishedAt) ?? null;
    // Each job's latest pass that ran it (hourly jobs are skipped by the passes in between).
    const byName = new Map<string, HousekeepingJobRun & { at: Date }>();
    for (const run of runs) {
      for (const job of run.jobs ?? []) if (!job.skipped && !byName.has(job.name)) byName.set(job.name, { ...job, at: run.at });
    }
    await renderStaffPage(req, res, tools, 'staff-housekeeping', 'housekeeping', {
      title: t('housekeeping.title'),
      lastText: last?.finishedAt
        ? t('housekeeping.last_run', {
            when: fmt.dateTime(last.at),
            instance: last.instance ?? '?',
            duration: msText(last.finishedAt.getTime() - last.at.getTime(), fmt),
          })
        : t('housekeeping.never'),
      jobs: jobs.map((job) => {
        const run = byName.get(job.name);
        return {
          label: jobLabel(t, job.name),
          whenText: run ? fmt.dateTime(run.at) : '—',
          removed: run ? String(run.removed) : '—',
          duration: msText(run?.ms, fmt),
          error: run?.error ?? null,
        };
      }),
      runs: runs.map((run) => {
        const errors = (run.jobs ?? []).filter((j) => j.error);
        return {
          whenText: fmt.dateTime(run.at),
          whenIso: run.at.toISOString(),
          instance: run.instance ?? '?',
          duration: run.finishedAt ? msText(run.finishedAt.getTime() - run.at.getTime(), fmt) : t('housekeeping.running'),
          total: String(Object.values(run.removed ?? {}).reduce((a, b) => a + b, 0)),
          errors: errors.map((j) => `${jobLabel(t, j.name)}: ${j.error ?? ''}`).join(' · ') || null,
        };
      }),
    });
  });
  return router;
}
