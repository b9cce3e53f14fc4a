/**
 * `GET /api/v1/search?q=`: staff search (every result passes the ticket policy), and the
 * administrators' `GET /api/v1/search/status` and `POST /api/v1/search/rebuild`.
 */
import { z } from 'zod';
import { requireActor } from '../auth/current.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { assertMayAdministerSearch, searchStatus, searchTickets, startRebuild, type SearchTimings } from './search.service.js';

const tag = 'Search';

/** What may be searched: plain text, trimmed; the engine never parses it as query syntax. */
export const searchText = z
  .string()
  .trim()
  .min(1, 'type something to search for')
  .max(200, 'at most 200 characters')
  // Control characters have no place in a search and would only reach the engine.
  .refine((s) => !/\p{Cc}/u.test(s), 'control characters are not allowed');

export const searchQuery = z.strictObject({
  q: searchText,
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export function searchRoutes(): RouteSpec[] {
  const search = { query: searchQuery };
  return [
    route({
      method: 'get',
      path: '/search',
      tag,
      summary:
        'Search tickets by number, member name, email or member number, subject and message text (accents and case ignored); only tickets you may read, best first',
      access: { kind: 'staff', policy: 'read' },
      ...search,
      handler: async (req, res) => {
        const { query } = valid(req, search);
        const actor = requireActor(req);
        const t: SearchTimings = { engine: 0, engineOwn: 0, read: 0, present: 0, candidates: 0, checked: 0 };
        const answer = await searchTickets(actor, query.q, query.limit, t);
        // Durations only (no counts of unreadable tickets: `checked` would hint at others' tickets).
        res.setHeader(
          'Server-Timing',
          `engine;dur=${t.engine.toFixed(1)}, bleve;dur=${t.engineOwn.toFixed(1)}, read;dur=${t.read.toFixed(1)}, present;dur=${t.present.toFixed(1)}`,
        );
        res.json(answer);
      },
    }),
    route({
      method: 'get',
      path: '/search/status',
      tag,
      summary: 'The search index: engine, documents, whether it is complete or being rebuilt (administrators only)',
      access: { kind: 'staff', policy: 'administer_search' },
      handler: async (req, res) => {
        const actor = requireActor(req);
        assertMayAdministerSearch(actor);
        res.json({ search: await searchStatus() });
      },
    }),
    route({
      method: 'post',
      path: '/search/rebuild',
      tag,
      summary: 'Rebuild the search index from the database, in the background; search keeps answering meanwhile (administrators only)',
      success: 202,
      access: { kind: 'staff', policy: 'administer_search' },
      handler: (req, res) => {
        const actor = requireActor(req);
        assertMayAdministerSearch(actor);
        startRebuild();
        req.log.info({ by: String(actor.id) }, 'search index rebuild started');
        res.status(202).json({ started: true });
      },
    }),
  ];
}
