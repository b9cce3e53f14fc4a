/**
 * The supervisor board, `/staff/board`: every open escalation live, grouped by tier
 * and office, each person's load, and reassignment (to a person, team or tier, with
 * a reason) from the board. `/staff/board/snapshot` gives the script fresh rows.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { ForbiddenError } from '../../lib/errors.js';
import type { officeModels as routingModels } from '../../lib/ticket.vocabulary.js';
import { handOff } from '../../assignment/handoff.routes.js';
import { setOfficeModel, setTeamMode } from '../../routing/routing-config.routes.js';
import type { assignmentModes } from '../../lib/ticket.vocabulary.js';
import { boardData, boardRowsPerTier, type BoardFilter } from './board.query.js';
import { forecastPanel, recentForecast } from './board-forecast.js';
import { awayPanel, routingPanel } from './board-routing.js';
import { loadCatalog, type PageCatalog } from './catalog.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { labels } from './presenters.js';
import { reassignOptions } from './reassign-options.js';
import { bulkBar } from './bulk-bar.js';
import { knownRows, liveRows } from './live-rows.js';
import { isSupervisor, renderPartial, renderStaffPage, type StaffPageTools } from './staff-page.js';

/** `?rows=more` shows up to boardRowsPerTier.more rows per tier instead of the standard page. */
function rowsPerTier(req: Request): number {
  return req.query.rows === 'more' ? boardRowsPerTier.more : boardRowsPerTier.standard;
}

/** The board's filters from the address (`office`: one of the offices offered; `waiting=1`): anything else is no filter. */
function boardFilter(req: Request, catalog: PageCatalog): BoardFilter {
  const office = typeof req.query.office === 'string' && catalog.offices.some((o) => o.value === req.query.office) ? req.query.office : null;
  return { office, waiting: req.query.waiting === '1' };
}

/** The same board again (the live snapshot, "show more"): its filters and its number of rows. */
function boardQuery(filter: BoardFilter, more: boolean): string {
  const q = new URLSearchParams();
  if (more) q.set('rows', 'more');
  if (filter.office) q.set('office', filter.office);
  if (filter.waiting) q.set('waiting', '1');
  const text = q.toString();
  return text ? `?${text}` : '';
}

async function load(req: Request, res: Response, config: Config, tools: StaffPageTools) {
  const t = res.locals.t;
  const catalog = await loadCatalog(res.locals.locale);
  const fmt = createFormatter(res.locals.locale, t, config.timeZone);
  const only = boardFilter(req, catalog);
  const data = await boardData(pageActor(req), { t, fmt, labels: labels(t), catalog, online: tools.online, rowsPerTier: rowsPerTier(req), only });
  const filters = {
    offices: [
      { value: '', label: t('queue.filters.any_office'), selected: !only.office },
      ...catalog.offices.map((o) => ({ ...o, selected: o.value === only.office })),
    ],
    waiting: only.waiting,
    active: Boolean(only.office || only.waiting),
    moreHref: `/staff/board${boardQuery(only, true)}`,
  };
  return { data: { ...data, filters }, catalog, snapshot: `/staff/board/snapshot${boardQuery(only, req.query.rows === 'more')}` };
}

export function boardRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  router.get('/staff/board', requirePageActor, async (req, res) => {
    const t = res.locals.t;
    if (!isSupervisor(pageActor(req))) {
      await renderStaffPage(req, res, tools, 'staff-error', 'board', { title: t('board.forbidden_title'), text: t('board.forbidden_text') }, 403);
      return;
    }
    const { data, catalog, snapshot } = await load(req, res, config, tools);
    await renderStaffPage(req, res, tools, 'staff-board', 'board', {
      ...data,
      title: t('board.title'),
      script: 'board',
      reassign: await reassignOptions(t, catalog),
      bulk: await bulkBar(pageActor(req), t, catalog),
      forecast: await forecastPanel(pageActor(req), { t, locale: res.locals.locale, timeZone: config.timeZone, online: tools.online }),
      routing: await routingPanel(pageActor(req), t, tools.online, res.locals.locale),
      routingNotice:
        typeof req.query.routing === 'string' && ['saved'].includes(req.query.routing)
          ? t('board.routing.saved')
          : typeof req.query.handedoff === 'string' && /^\d{1,4}$/.test(req.query.handedoff)
            ? t('board.routing.handed_off', { count: Number(req.query.handedoff) })
            : null,
      pageData: { snapshot, me: String(pageActor(req).id) },
    });
  });

  router.get('/staff/board/snapshot', requirePageActor, async (req, res) => {
    if (!isSupervisor(pageActor(req))) {
      res.status(403).json({ error: { code: 'forbidden', message: 'Only supervisors see the board.' } });
      return;
    }
    const { data } = await load(req, res, config, tools);
    const routing = await awayPanel(pageActor(req), tools.online);
    // Only the rows the page does not show yet (live-rows.ts), and the order of all.
    const { render, order } = liveRows(data.rows, knownRows(req));
    res.set('Cache-Control', 'no-store');
    res.json({
      rowsHtml: render.length > 0 || !order ? renderPartial(req, res, 'board-rows', { ...data, rows: render }) : '',
      ...(order ? { order } : {}),
      loadHtml: renderPartial(req, res, 'board-load', data),
      totalsHtml: renderPartial(req, res, 'board-totals', data),
      moreHtml: renderPartial(req, res, 'board-more', data),
      // Who is away and still holds tickets changes as people come and go, as the load does.
      awayHtml: routing ? renderPartial(req, res, 'board-away', { routing, csrfToken: tools.csrf.tokenFor(req, res) }) : null,
      // The forecast follows the moves too, computed at most every 20 s per office (board-forecast.ts).
      forecastHtml: renderPartial(req, res, 'board-forecast', {
        forecast: await recentForecast(pageActor(req), { t: res.locals.t, locale: res.locals.locale, timeZone: config.timeZone, online: tools.online }),
      }),
    });
  });

  // What each person holds against their capacity, as the pickers label them: read again when a picker
  // opens (client/lib/people-labels.ts), since the page's labels date from its load.
  router.get('/staff/board/people', requirePageActor, async (req, res) => {
    if (!isSupervisor(pageActor(req))) {
      res.status(403).json({ error: { code: 'forbidden', message: 'Only supervisors give tickets to people.' } });
      return;
    }
    const { people } = await reassignOptions(res.locals.t, await loadCatalog(res.locals.locale));
    res.set('Cache-Control', 'no-store');
    res.json({ labels: Object.fromEntries(people.flatMap((group) => group.options.map((o) => [o.value, o.label]))) });
  });

  // The routing panel's forms: the same functions as the API, which check the actor's right again.
  router.post('/staff/board/routing', requirePageActor, tools.csrf.protect, async (req, res) => {
    const actor = pageActor(req);
    const body = req.body as Record<string, unknown>;
    const panel = await routingPanel(actor, res.locals.t, tools.online, res.locals.locale);
    if (!panel) throw new ForbiddenError('Only a supervisor of an office can change its routing.');
    const model = typeof body.officeModel === 'string' ? body.officeModel : '';
    const chosen = panel.office.models.find((m) => m.value === model);
    if (chosen && !chosen.selected) await setOfficeModel(actor, panel.office.id, chosen.value as (typeof routingModels)[number]);
    for (const team of panel.teams) {
      const value = typeof body[team.field] === 'string' ? (body[team.field] as string) : '';
      const mode = team.modes.find((m) => m.value === value);
      if (mode && !mode.selected) await setTeamMode(actor, team.id, mode.value as (typeof assignmentModes)[number]);
    }
    res.redirect(303, '/staff/board?routing=saved#routing');
  });

  router.post('/staff/board/handoff/:id', requirePageActor, tools.csrf.protect, async (req, res) => {
    const reason = (req.body as Record<string, unknown>).reason;
    const result = await handOff(pageActor(req), String(req.params.id), typeof reason === 'string' ? reason : undefined);
    res.redirect(303, `/staff/board?handedoff=${result.handedOff.length}#routing`);
  });

  return router;
}
