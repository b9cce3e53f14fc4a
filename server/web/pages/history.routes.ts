/**
 * `/staff/history`: the tickets done in the person's work scope, of any age, most recently done
 * first (tickets/ticket-history.queries.ts), with the queue's filters but no counts (counting a year
 * of history at each view would read it all). "Older tickets" goes on from a cursor; a filter that
 * keeps few tickets may answer a short page after reading its share, and the page says how far back
 * it has looked.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { BadRequestError } from '../../lib/errors.js';
import { doneStatuses, ticketLanguages } from '../../lib/ticket.vocabulary.js';
import { historyReadBackTo } from '../../tickets/ticket-history.queries.js';
import { listTickets, type ListFilters } from '../../tickets/ticket-list.queries.js';
import { loadCatalog, selectOptions } from './catalog.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { labels, memberNames, presentRow } from './presenters.js';
import { mayFilterOffice, noCategory, queueQuerySchema } from './queue.query.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

export const historyPath = '/staff/history';
const pageSize = 50;

/**
 * "Handled by me": held when it was done, which its key says. No "handed on by me" here: who worked on
 * a ticket can still grow while it is done (a note), so a key cannot say it and that list would read
 * every done ticket (a second a page at a year of data); the queue's view lists those of the last two weeks.
 */
const historyViews = ['all', 'mine'] as const;

/** Lenient like the queue's: a value that makes no sense is dropped. */
const historyQuerySchema = z.object({
  view: z.enum(historyViews).catch('all').default('all'),
  status: z.enum(doneStatuses).optional().catch(undefined),
  language: queueQuerySchema.shape.language,
  category: queueQuerySchema.shape.category,
  office: queueQuerySchema.shape.office,
  cursor: queueQuerySchema.shape.cursor,
});
type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** The address of the history with these filters (a changed filter starts at the most recent). */
export function historyHref(q: Partial<HistoryQuery>, change: Partial<Record<keyof HistoryQuery, string | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...q, ...change })) {
    if (typeof value === 'string' && value !== '' && !(key === 'view' && value === 'all')) params.set(key, value);
  }
  const query = params.toString();
  return query ? `${historyPath}?${query}` : historyPath;
}

function toListFilters(q: HistoryQuery): ListFilters {
  return {
    history: true,
    status: q.status ? [q.status] : undefined,
    language: q.language,
    category: q.category === noCategory ? null : q.category,
    office: q.office,
    assignee: q.view === 'mine' ? 'me' : undefined,
    cursor: q.cursor,
    limit: pageSize,
  };
}

export function historyRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  router.get(historyPath, requirePageActor, async (req, res) => {
    const t = res.locals.t;
    const actor = pageActor(req);
    const query = historyQuerySchema.parse(req.query);
    if (!mayFilterOffice(actor)) delete query.office;
    let page: Awaited<ReturnType<typeof listTickets>>;
    try {
      page = await listTickets(actor, toListFilters(query));
    } catch (error) {
      // A stale or hand-edited cursor: the most recent page rather than an error.
      if (!(error instanceof BadRequestError) || !query.cursor) throw error;
      delete query.cursor;
      page = await listTickets(actor, toListFilters(query));
    }
    const catalog = await loadCatalog(res.locals.locale);
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const ctx = { t, fmt, labels: labels(t), catalog, me: String(actor.id), memberNames: await memberNames(page.tickets) };
    // The date the list is ordered by (`doneAt`): when the ticket left the work, resolved or closed
    // while open. A resolved ticket closed later finished at its resolution; a later note or rating
    // (`updatedAt`) is not its end.
    const rows = page.tickets.map((v) => {
      const done = v.doneAt ?? v.updatedAt;
      return { ...presentRow(v, ctx), doneIso: done, doneText: fmt.dateTime(done), doneDay: fmt.date(done) };
    });
    // Read back to a day and found less than a page: say so, so an empty page is not taken for "none".
    const searchedTo = page.nextCursor && rows.length < pageSize ? historyReadBackTo(page.nextCursor) : null;
    const filtered = [query.status, query.language, query.category, query.office].some(Boolean) || query.view !== 'all';
    await renderStaffPage(req, res, tools, 'staff-history', 'history', {
      title: t('history.title'),
      script: 'history',
      rows,
      views: historyViews.map((v) => ({
        label: t(`history.views.${v}`),
        href: historyHref({ ...query, cursor: undefined }, { view: v }),
        current: query.view === v,
      })),
      form: {
        view: query.view === 'all' ? null : query.view,
        statuses: selectOptions(
          doneStatuses.map((v) => ({ value: v, label: t(`status.${v}`) })),
          query.status,
          t('history.any_status'),
        ),
        languages: selectOptions(
          ticketLanguages.map((v) => ({ value: v, label: t(`language.${v}`) })),
          query.language,
          t('queue.filters.any_language'),
        ),
        categories: selectOptions(
          [...catalog.categories, { value: noCategory, label: t('columns.no_category') }],
          query.category,
          t('queue.filters.any_category'),
        ),
        offices: mayFilterOffice(actor) ? selectOptions(catalog.offices, query.office, t('queue.filters.any_office')) : null,
      },
      clearHref: filtered ? historyPath : null,
      nextHref: page.nextCursor ? historyHref(query, { cursor: page.nextCursor }) : null,
      firstHref: query.cursor ? historyHref({ ...query, cursor: undefined }) : null,
      searchedTo: searchedTo
        ? t(rows.length === 0 ? 'history.searched_none' : 'history.searched_to', { date: fmt.date(`${searchedTo}T12:00:00Z`), count: rows.length })
        : null,
      emptyText: t(filtered ? 'history.empty_filtered' : 'history.empty'),
    });
  });

  return router;
}
