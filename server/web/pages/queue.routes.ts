/**
 * "My queue": `/staff` and `/staff/queue`, the tickets the signed-in person may act
 * on and the ones they hold, with faceted filters and counts, sorted by due date
 * then age unless a column header asked otherwise (`sort`), showing the columns the
 * person chose (queue.columns.ts). `/staff/queue/snapshot` answers the same list as HTML rows plus counts
 * (JSON) for the page's script, which refreshes the list when a live update arrives.
 */
import { Router, type Request, type Response } from 'express';
import type { StaffActor } from '../../auth/actor.js';
import type { Config } from '../../config.js';
import { BadRequestError } from '../../lib/errors.js';
import { listTickets } from '../../tickets/ticket-list.queries.js';
import { loadCatalog, type PageCatalog } from './catalog.js';
import { bulkBar } from './bulk-bar.js';
import { createFormatter } from './format.js';
import { homePathFor, pageActor, queuePath, requirePageActor } from './page-auth.js';
import { labels, memberNames, presentRow, type TicketRowView } from './presenters.js';
import { staffPreferences } from '../../staff/staff-preferences.js';
import { queueColumnsView, type QueueColumnsView } from './queue.columns.js';
import {
  filterStatuses,
  ignoredQueueParams,
  mayFilterOffice,
  noCategory,
  sortOf,
  parseQueueQuery,
  queueCounts,
  queueHref,
  queueViews,
  ticketLanguages,
  toListFilters,
  type QueueCounts,
  type QueueQuery,
} from './queue.query.js';
import { knownRows, liveRows } from './live-rows.js';
import { renderPartial, renderStaffPage, type StaffPageTools } from './staff-page.js';
import { historyHref } from './history.routes.js';

const pageSize = 50;
const flashActions = ['claimed', 'released', 'escalated', 'returned', 'reassigned', 'resolved', 'reopened', 'left'] as const;

interface FacetItem {
  key: string;
  label: string;
  href: string;
  count: number;
  current: boolean;
}

interface QueueData {
  query: QueueQuery;
  rows: TicketRowView[];
  nextHref: string | null;
  firstHref: string | null;
  counts: QueueCounts;
  catalog: PageCatalog;
  columns: QueueColumnsView;
  /** "Ignored: Status, Sort" when the address held values that make no sense here; null otherwise. */
  ignoredNotice: string | null;
}

async function loadQueue(req: Request, res: Response, config: Config, actor: StaffActor): Promise<QueueData> {
  const query = parseQueueQuery(req.query, actor);
  const ignored = ignoredQueueParams(req.query, query);
  const [catalog, preferences] = await Promise.all([loadCatalog(res.locals.locale), staffPreferences(actor.id)]);
  const order = { ...sortOf(query), categoryLabel: catalog.categoryLabel };
  let page: Awaited<ReturnType<typeof listTickets>>;
  try {
    page = await listTickets(actor, { ...toListFilters(query, pageSize), order });
  } catch (error) {
    // A stale or hand-edited cursor (or one of another sort): start again from the first page rather than fail.
    if (!(error instanceof BadRequestError) || !query.cursor) throw error;
    delete query.cursor;
    page = await listTickets(actor, { ...toListFilters(query, pageSize), order });
  }
  const t = res.locals.t;
  const ctx = {
    t,
    fmt: createFormatter(res.locals.locale, t, config.timeZone),
    labels: labels(t),
    catalog,
    me: String(actor.id),
    memberNames: await memberNames(page.tickets),
  };
  const counts = await queueCounts(actor, query, { categories: catalog.categories.map((c) => c.value), offices: catalog.offices.map((o) => o.value) });
  return {
    query,
    rows: page.tickets.map((v) => presentRow(v, ctx)),
    nextHref: page.nextCursor ? queueHref(query, { cursor: page.nextCursor }) : null,
    firstHref: query.cursor ? queueHref(query) : null,
    counts,
    catalog,
    columns: queueColumnsView(preferences.queueColumns, query, t),
    ignoredNotice: ignored.length > 0 ? t('columns.ignored', { names: ignored.map((p) => t(`columns.param.${p}`)).join(', ') }) : null,
  };
}

function facets(data: QueueData, actor: StaffActor, res: Response) {
  const t = res.locals.t;
  const { query: q, counts, catalog } = data;
  const item = (facet: keyof QueueQuery, value: string | undefined, label: string): FacetItem => {
    const key = `${facet}:${value ?? ''}`;
    const current = (q[facet] ?? '') === (value ?? '');
    return { key, label, href: queueHref(q, { [facet]: value }), count: counts.counts[key] ?? 0, current };
  };
  const languages = ticketLanguages
    .filter((code) => (counts.counts[`language:${code}`] ?? 0) > 0 || q.language === code)
    .map((code) => item('language', code, t(`language.${code}`)));
  return {
    views: queueViews.map((v) => item('view', v, t(`queue.views.${v}`))),
    groups: [
      {
        key: 'status',
        label: t('queue.filters.status'),
        // Tickets handed on are someone else's to do: "still open", not "to do".
        items: [
          item('status', undefined, t(q.view === 'handed' ? 'queue.filters.still_open' : 'queue.filters.open_work')),
          ...filterStatuses.map((s) => item('status', s, t(`status.${s}`))),
        ],
        // The queue's "resolved" is the last two weeks (the working set); older ones are in the history.
        more: { href: historyHref({ status: 'resolved' }), label: t('history.full') },
      },
      { key: 'language', label: t('queue.filters.language'), items: [item('language', undefined, t('queue.filters.any_language')), ...languages] },
      {
        key: 'category',
        label: t('queue.filters.category'),
        items: [
          item('category', undefined, t('queue.filters.any_category')),
          ...catalog.categories.map((c) => item('category', c.value, c.label)),
          item('category', noCategory, t('columns.no_category')),
        ],
      },
      ...(mayFilterOffice(actor)
        ? [
            {
              key: 'office',
              label: t('queue.filters.office'),
              items: [item('office', undefined, t('queue.filters.any_office')), ...catalog.offices.map((o) => item('office', o.value, o.label))],
            },
          ]
        : []),
    ],
  };
}

function flash(req: Request, res: Response): string | null {
  const done = req.query.done;
  const number = req.query.ticket;
  if (typeof done !== 'string' || !(flashActions as readonly string[]).includes(done)) return null;
  const valid = typeof number === 'string' && /^R-\d{4}-\d{6}$/.test(number) ? number : '';
  return res.locals.t(`queue.flash.${done}`, { number: valid });
}

export function queueRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  router.get(['/staff', '/staff/'], requirePageActor, (req, res) => {
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(303, `${homePathFor(pageActor(req))}${query}`);
  });

  router.get(queuePath, requirePageActor, async (req, res) => {
    const actor = pageActor(req);
    // Closed tickets are history, not work: the history page lists them (of any age).
    if (req.query.status === 'closed') {
      const q = parseQueueQuery(req.query, actor);
      res.redirect(
        303,
        historyHref({
          status: 'closed',
          language: q.language,
          category: q.category,
          office: q.office,
          view: q.view === 'mine' ? q.view : undefined,
        }),
      );
      return;
    }
    const data = await loadQueue(req, res, config, actor);
    const t = res.locals.t;
    const activeFilters = [data.query.status, data.query.language, data.query.category, data.query.office].filter(Boolean).length;
    await renderStaffPage(req, res, tools, 'staff-queue', 'queue', {
      title: t('queue.title'),
      script: 'queue',
      rows: data.rows,
      columns: data.columns,
      ignoredNotice: data.ignoredNotice,
      facets: facets(data, actor, res),
      total: data.counts.total,
      nextHref: data.nextHref,
      firstHref: data.firstHref,
      clearHref: activeFilters > 0 ? queueHref({ view: data.query.view }) : null,
      flash: flash(req, res),
      bulk: await bulkBar(actor, t, data.catalog),
      pageData: {
        snapshot: `/staff/queue/snapshot${req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : ''}`,
        me: String(actor.id),
      },
    });
  });

  router.get('/staff/queue/snapshot', requirePageActor, async (req, res) => {
    const actor = pageActor(req);
    const data = await loadQueue(req, res, config, actor);
    // Only the rows the page does not show yet (live-rows.ts), and the order of all.
    const { render, order } = liveRows(data.rows, knownRows(req));
    res.set('Cache-Control', 'no-store');
    res.json({
      rowsHtml: render.length > 0 || !order ? renderPartial(req, res, 'queue-rows', { rows: render, columns: data.columns }) : '',
      ...(order ? { order } : {}),
      counts: data.counts.counts,
      total: data.counts.total,
      totalText: res.locals.t('queue.total', { count: data.counts.total }),
    });
  });

  return router;
}
