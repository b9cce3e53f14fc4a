/**
 * `/staff/search?q=`: the results of the search box every staff page carries, best first, only
 * tickets the person may read (search/search.service.ts), with status, tier, holder and due date.
 * "More" widens the page (up to 100); past the engine's candidates, the person is asked to refine.
 */
import { Router } from 'express';
import type { Config } from '../../config.js';
import { searchText } from '../../search/search.routes.js';
import { fullTicketNumber } from '../../lib/ticket.vocabulary.js';
import { searchTickets, SearchOffError, type SearchAnswer } from '../../search/search.service.js';
import { loadCatalog } from './catalog.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { labels, presentRow } from './presenters.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';
import { plainColumnsView } from './queue.columns.js';

export const searchPath = '/staff/search';
const pageSize = 20;
const maxShown = 100;

function href(q: string, limit: number): string {
  const params = new URLSearchParams({ q });
  if (limit > pageSize) params.set('limit', String(limit));
  return `${searchPath}?${params.toString()}`;
}

export function searchRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  router.get(searchPath, requirePageActor, async (req, res) => {
    const t = res.locals.t;
    const actor = pageActor(req);
    const raw = typeof req.query.q === 'string' ? req.query.q : '';
    const parsed = searchText.safeParse(raw);
    const wanted = Number.parseInt(typeof req.query.limit === 'string' ? req.query.limit : '', 10);
    const limit = Number.isFinite(wanted) ? Math.min(Math.max(wanted, pageSize), maxShown) : pageSize;
    let answer: SearchAnswer | null = null;
    let problem: string | null = raw.trim() === '' ? null : parsed.success ? null : t('search.invalid');
    // A ticket number, however typed ("r-2026-201"), is searched whole; found, its ticket opens at once.
    const number = parsed.success ? fullTicketNumber(parsed.data) : null;
    if (parsed.success) {
      try {
        answer = await searchTickets(actor, number ?? parsed.data, limit);
      } catch (error) {
        if (!(error instanceof SearchOffError)) throw error;
        problem = t('search.unavailable');
      }
    }
    const exact = number ? answer?.results.find((r) => r.ticket.number === number) : undefined;
    if (exact) return res.redirect(303, `/staff/tickets/${exact.ticket.id}`);
    const catalog = await loadCatalog(res.locals.locale);
    const ctx = {
      t,
      fmt: createFormatter(res.locals.locale, t, config.timeZone),
      labels: labels(t),
      catalog,
      me: String(actor.id),
      memberNames: new Map((answer?.results ?? []).map((r) => [r.ticket.member, r.member?.name ?? t('common.unknown_member')])),
    };
    // A ticket found because it is followed (worked on, or the office's member's): it can be read, not acted on.
    const rows = (answer?.results ?? []).map((r) => ({
      ...presentRow(r.ticket, ctx),
      readOnlyLabel: r.ticket.readOnly ? t('workflow.read_only.title') : null,
    }));
    const q = parsed.success ? parsed.data : raw.slice(0, 200);
    await renderStaffPage(req, res, tools, 'staff-search', 'search', {
      title: q ? t('search.title_for', { q }) : t('search.title'),
      searchQuery: q,
      rows,
      columns: plainColumnsView(['number', 'subject', 'member', 'category', 'priority', 'tier', 'holder', 'age', 'due'], t),
      problem,
      asked: Boolean(answer),
      approximate: Boolean(answer?.approximate && rows.length > 0),
      // With more to show, the number is the page's, not the matches': said as "the first N" (QA: 20, then 40, 60…).
      summary: answer ? (answer.more ? t('search.count_first', { count: rows.length }) : t('search.count', { count: rows.length })) : null,
      moreHref: answer?.more && limit < maxShown ? href(q, limit + pageSize) : null,
      refine: Boolean(answer?.refine || (answer?.more && limit >= maxShown)),
    });
  });
  return router;
}
