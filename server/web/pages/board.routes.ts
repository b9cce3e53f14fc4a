/**
 * The supervisor board, `/staff/board`: every open escalation live, grouped by tier
 * and office, each person's load, and reassignment (to a person, team or tier, with
 * a reason) from the board. `/staff/board/snapshot` gives the script fresh rows.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { boardForecast } from '../../reports/forecast.board.js';
import { boardData } from './board.query.js';
import { loadCatalog } from './catalog.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { labels } from './presenters.js';
import { reassignOptions } from './reassign-options.js';
import { isSupervisor, renderPartial, renderStaffPage, type StaffPageTools } from './staff-page.js';

async function load(req: Request, res: Response, config: Config) {
  const t = res.locals.t;
  const catalog = await loadCatalog(res.locals.locale);
  const fmt = createFormatter(res.locals.locale, t, config.timeZone);
  const data = await boardData(pageActor(req), { t, fmt, labels: labels(t), catalog });
  return { data, catalog };
}

export function boardRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  router.get('/staff/board', requirePageActor, async (req, res) => {
    const t = res.locals.t;
    if (!isSupervisor(pageActor(req))) {
      await renderStaffPage(req, res, tools, 'staff-error', 'board', { title: t('board.forbidden_title'), text: t('board.forbidden_text') }, 403);
      return;
    }
    const { data, catalog } = await load(req, res, config);
    await renderStaffPage(req, res, tools, 'staff-board', 'board', {
      ...data,
      title: t('board.title'),
      script: 'board',
      reassign: await reassignOptions(t, catalog),
      forecast: await boardForecast(pageActor(req), { t, locale: res.locals.locale, timeZone: config.timeZone }),
      pageData: { snapshot: '/staff/board/snapshot', me: String(pageActor(req).id) },
    });
  });

  router.get('/staff/board/snapshot', requirePageActor, async (req, res) => {
    if (!isSupervisor(pageActor(req))) {
      res.status(403).json({ error: { code: 'forbidden', message: 'Only supervisors see the board.' } });
      return;
    }
    const { data } = await load(req, res, config);
    res.set('Cache-Control', 'no-store');
    res.json({
      rowsHtml: renderPartial(req, res, 'board-rows', data),
      loadHtml: renderPartial(req, res, 'board-load', data),
      totalsHtml: renderPartial(req, res, 'board-totals', data),
    });
  });

  return router;
}
