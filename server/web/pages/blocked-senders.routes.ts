/**
 * `/staff/blocked-senders`: the senders blocked when a ticket was marked as spam, newest first, each
 * with who blocked it, when, and the ticket; an address can be looked up, and unblocked with a reason
 * (a plain form, CSRF-checked, audited). Supervisors and administrators only (blocked-senders.service.ts);
 * linked from the incoming-mail quarantine and the supervisor board.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError } from '../../lib/errors.js';
import { blockedAddress, unblockReason } from '../../tickets/blocked-senders.routes.js';
import {
  findBlockedSender,
  isBlockedCursor,
  listBlockedSenders,
  mayManageBlockedSenders,
  UNBLOCK_REASON_MAX,
  unblockSender,
  type BlockedSenderView,
} from '../../tickets/blocked-senders.service.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderForbidden, renderStaffPage, type StaffPageTools } from './staff-page.js';

export const blockedSendersPath = '/staff/blocked-senders';

const listQuery = z.object({
  before: z.string().max(400).refine(isBlockedCursor).optional().catch(undefined),
  address: z.string().trim().max(320).optional().catch(undefined),
  unblocked: z.literal('1').optional().catch(undefined),
});

const unblockForm = z.object({ address: blockedAddress, reason: unblockReason });

async function refuse(req: Request, res: Response, tools: StaffPageTools): Promise<boolean> {
  if (mayManageBlockedSenders(pageActor(req))) return false;
  await renderForbidden(req, res, tools, 'blocked_senders', 'blockedSenders');
  return true;
}

export function blockedSenderPages(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  const render = async (req: Request, res: Response, extra: { error?: string; address?: string; reason?: string } = {}, status = 200) => {
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const query = listQuery.parse(req.query);
    const lookup = query.address ? blockedAddress.safeParse(query.address) : null;
    let senders: BlockedSenderView[];
    let next: string | null = null;
    if (lookup) {
      const found = lookup.success ? await findBlockedSender(lookup.data) : null;
      senders = found ? [found] : [];
    } else {
      ({ senders, next } = await listBlockedSenders({ before: query.before }));
    }
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-blocked-senders',
      'blocked_senders',
      {
        title: t('blockedSenders.title'),
        notice: query.unblocked ? t('blockedSenders.unblocked') : null,
        error: extra.error ?? null,
        lookedUp: query.address ?? '',
        lookupEmpty: lookup ? t('blockedSenders.lookup_none', { address: query.address ?? '' }) : t('blockedSenders.empty'),
        senders: senders.map((s) => ({
          ...s,
          atText: fmt.dateTime(s.at),
          // The form that failed keeps what was typed.
          reason: extra.address === s.address ? (extra.reason ?? '') : '',
          invalid: extra.address === s.address && Boolean(extra.error),
        })),
        reasonMax: UNBLOCK_REASON_MAX,
        olderHref: next ? `${blockedSendersPath}?before=${encodeURIComponent(next)}` : null,
        newestHref: query.before || lookup ? blockedSendersPath : null,
      },
      status,
    );
  };

  router.get(blockedSendersPath, requirePageActor, async (req, res) => {
    if (await refuse(req, res, tools)) return;
    await render(req, res);
  });

  router.post(`${blockedSendersPath}/unblock`, requirePageActor, tools.csrf.protect, async (req, res) => {
    if (await refuse(req, res, tools)) return;
    const t = res.locals.t;
    const body: unknown = req.body;
    const typed = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const parsed = unblockForm.safeParse(typed);
    const address = typeof typed.address === 'string' ? typed.address.trim().toLowerCase() : '';
    const reason = typeof typed.reason === 'string' ? typed.reason.slice(0, UNBLOCK_REASON_MAX) : '';
    if (!parsed.success) {
      await render(req, res, { error: t('blockedSenders.reason_required'), address, reason }, 400);
      return;
    }
    try {
      await unblockSender(pageActor(req), parsed.data.address, parsed.data.reason, { ip: req.ip });
    } catch (error) {
      // Someone unblocked it first: the list says what is left.
      if (!(error instanceof AppError) || error.status !== 404) throw error;
    }
    req.log.info({ by: String(pageActor(req).id) }, 'sender unblocked');
    res.redirect(303, `${blockedSendersPath}?unblocked=1`);
  });

  return router;
}
