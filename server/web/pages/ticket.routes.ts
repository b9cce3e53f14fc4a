/**
 * The ticket page, `/staff/tickets/:id`, and its parts as JSON
 * (`/staff/tickets/:id/parts`) for the page's script: after an action, on a live
 * update or on a version conflict it fetches the current parts, shows what changed
 * and swaps them in without touching what the advisor is typing.
 */
import { Router, type Request, type Response } from 'express';
import { formatSize } from '../../attachments/limits.js';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../lib/errors.js';
import { loadCatalog } from './catalog.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderPartial, renderStaffPage, type StaffPageTools } from './staff-page.js';
import { ticketPageView, type TicketPageView } from './ticket.view.js';

const idPattern = /^[0-9a-f]{24}$/i;

async function view(req: Request, res: Response, config: Config): Promise<TicketPageView> {
  const id = String(req.params.id);
  if (!idPattern.test(id)) throw new NotFoundError('No such ticket.');
  const t = res.locals.t;
  const catalog = await loadCatalog(res.locals.locale);
  const v = await ticketPageView(pageActor(req), id, t, createFormatter(res.locals.locale, t, config.timeZone), catalog);
  // Staff replies take files within the members' limits (the server checks them again).
  const { maxFiles, maxBytes } = config.attachments;
  return { ...v, composer: { ...v.composer, maxFiles, maxBytes, maxSize: formatSize(maxBytes, res.locals.locale) } };
}

/** The regions the script swaps; the composer and the dialogs stay outside them. */
function parts(req: Request, res: Response, v: TicketPageView): Record<string, string> {
  return {
    header: renderPartial(req, res, 'ticket-header', v),
    actions: renderPartial(req, res, 'ticket-actions', v),
    thread: renderPartial(req, res, 'ticket-thread', v),
    side: renderPartial(req, res, 'ticket-side', v),
    edit: renderPartial(req, res, 'ticket-edit', v),
    dialogs: renderPartial(req, res, 'ticket-dialogs', v),
  };
}

export function ticketRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  router.get('/staff/tickets/:id', requirePageActor, async (req, res) => {
    let v: TicketPageView;
    try {
      v = await view(req, res, config);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const t = res.locals.t;
      // The same answer for "does not exist" and "not yours": existence is not revealed.
      await renderStaffPage(req, res, tools, 'staff-error', 'ticket', { title: t('ticket.not_found_title'), text: t('ticket.not_found_text') }, 404);
      return;
    }
    const actor = pageActor(req);
    await renderStaffPage(req, res, tools, 'staff-ticket', 'ticket', {
      ...v,
      title: `${v.ticket.number} · ${v.header.subject}`,
      // Back to where the ticket was opened from: the supervision board links with `?from=board`.
      back:
        req.query.from === 'board'
          ? { href: '/staff/board', label: res.locals.t('ticket.back_board') }
          : { href: '/staff/queue', label: res.locals.t('ticket.back') },
      script: 'ticket',
      pageData: {
        ticketId: v.ticket.id,
        number: v.ticket.number,
        version: v.ticket.version,
        summary: v.summary,
        messageIds: v.messageIds,
        me: { id: String(actor.id), name: actor.name },
      },
    });
  });

  router.get('/staff/tickets/:id/parts', requirePageActor, async (req, res) => {
    const v = await view(req, res, config);
    res.set('Cache-Control', 'no-store');
    res.json({
      version: v.ticket.version,
      number: v.ticket.number,
      summary: v.summary,
      messageIds: v.messageIds,
      composer: v.composer,
      parts: parts(req, res, v),
    });
  });

  return router;
}
