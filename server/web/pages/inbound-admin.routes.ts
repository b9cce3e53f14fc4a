/**
 * The administrators' incoming-mail pages, `/staff/inbound`: the quarantine (default tab), every
 * recent message, and the discarded ones, 50 a page, newest first, each with its reason or outcome
 * (a copy linked to the message it is the same as, a reused Message-ID flagged with a link);
 * one message at `/staff/inbound/:id`, read again from its raw bytes (headers, text in a `<pre>`,
 * the sanitized HTML in a sandboxed frame served by `/staff/inbound/:id/html` under the mail page's
 * locked-down CSP, attachments by name), its outcome and full history, and three plain forms
 * (CSRF-checked, recorded with the administrator's name): reprocess, create a ticket anyway, discard
 * with a note. `/staff/inbound/:id/raw` downloads the bytes as they came. Administrators only.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { formatSize } from '../../attachments/limits.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import type { Translate } from '../../lib/i18n.js';
import {
  actOnInboundMail,
  allowedInboundActions,
  INBOUND_ID_MAX,
  countQuarantined,
  DISCARD_NOTE_MAX,
  inboundFilters,
  inboundMailOr404,
  listInboundPage,
  mayAdministerInbound,
  type InboundAction,
  type InboundFilter,
} from '../../mail/inbound/inbound-admin.js';
import { readInboundMessage, type InboundMessageReading } from '../../mail/inbound/inbound-reading.js';
import type { InboundHistoryEntry, InboundMail } from '../../mail/inbound/inbound-admin.js';
import type { InboundPipeline } from '../../mail/inbound/pipeline.js';
import { verdictLine } from '../../mail/inbound/authentication.js';
import { actOnManyInbound } from '../../mail/inbound/inbound-bulk.js';
import { z } from 'zod';
import { createFormatter } from './format.js';
import { historyNote, readingNote, reasonExplanation, reasonLabel } from './inbound-wording.js';
import { blockedSendersPath } from './blocked-senders.routes.js';
import { caughtHtmlCsp } from './mail-admin.routes.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

export const inboundAdminPath = '/staff/inbound';

function query(req: Request, name: string, max = 200): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value.length <= max ? value : undefined;
}

function filterOf(req: Request): InboundFilter {
  const show = query(req, 'show', 20);
  return (inboundFilters as readonly string[]).includes(show ?? '') ? (show as InboundFilter) : 'quarantined';
}

function listHref(params: { show: InboundFilter; before?: string }): string {
  const search = new URLSearchParams();
  if (params.show !== 'quarantined') search.set('show', params.show);
  if (params.before) search.set('before', params.before);
  const text = search.toString();
  return text ? `${inboundAdminPath}?${text}` : inboundAdminPath;
}

/** What became of a message, in a few words ("Quarantined: forged follow-up", "New ticket R-2026-000123"). */
function outcomeText(t: Translate, mail: InboundMail): string {
  const outcome = mail.outcome;
  if (mail.status === 'pending' || !outcome) return t('inboundAdmin.kind.pending');
  if (outcome.kind === 'quarantine') return reasonLabel(t, outcome.reason);
  return t(`inboundAdmin.kind.${outcome.kind}`, { number: outcome.ticketNumber ?? '—' });
}

/** The notice after a decision: what the message is now. */
function resultText(t: Translate, mail: InboundMail): string {
  const outcome = mail.outcome;
  if (mail.status === 'pending' || !outcome) return t('inboundAdmin.result.pending');
  switch (outcome.kind) {
    case 'quarantine':
      return t('inboundAdmin.result.quarantine', { reason: reasonLabel(t, outcome.reason) });
    case 'new_ticket':
    case 'follow_up':
      return t(`inboundAdmin.result.${outcome.kind}`, { number: outcome.ticketNumber ?? '—' });
    case 'discarded':
      return t('inboundAdmin.result.discarded');
    default:
      return t('inboundAdmin.result.other', { outcome: outcomeText(t, mail) });
  }
}

/** The authentication verdict in a line: `spf=… dkim=… dmarc=… (domain) — sender proven`. */
function authText(t: Translate, mail: InboundMail): string | null {
  const auth = mail.authentication;
  if (!auth) return null;
  if (auth.by.length === 0 && !auth.aligned) return `${verdictLine(auth)} — ${t('inboundAdmin.auth.none')}`;
  return `${verdictLine(auth)} — ${t(auth.aligned ? 'inboundAdmin.auth.aligned' : 'inboundAdmin.auth.not_aligned')}`;
}

/** Whether the message is held for a person to confirm (force then appends it, with their name). */
function isHeld(mail: InboundMail): boolean {
  return mail.outcome?.kind === 'quarantine' && (mail.outcome.reason === 'unverified_follow_up' || mail.outcome.reason === 'unverified_staff');
}

function sourceText(t: Translate, mail: InboundMail): string {
  const source = t(`inboundAdmin.source.${mail.source}`);
  return mail.mailbox ? `${source} · ${mail.mailbox}` : source;
}

function historyLabel(t: Translate, entry: InboundHistoryEntry): string {
  // The pipeline records a reprocessing that ends in quarantine again as "quarantined", with who asked.
  if (entry.action === 'quarantined' && entry.by) return t('inboundAdmin.history.action.requarantined');
  return t(`inboundAdmin.history.action.${entry.action}`);
}

/** Answers with the staff app's "administrators only" page, unless the person is one. */
async function refuseNonAdministrator(req: Request, res: Response, tools: StaffPageTools): Promise<boolean> {
  if (mayAdministerInbound(pageActor(req))) return false;
  const t = res.locals.t;
  await renderStaffPage(req, res, tools, 'staff-error', 'inbound', { title: t('inboundAdmin.forbidden_title'), text: t('inboundAdmin.forbidden_text') }, 403);
  return true;
}

function bodyNote(req: Request): string {
  const body: unknown = req.body;
  const note = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).note : undefined;
  return typeof note === 'string' ? note : '';
}

/** What the page shows of a message whose bytes the retention period removed: nothing read from them. */
const removedReading: InboundMessageReading = {
  parseFailure: null,
  headers: [],
  rawHeaderBlock: null,
  text: null,
  textTruncated: false,
  html: null,
  attachments: [],
  warnings: [],
};

const bulkForm = z.object({
  action: z.enum(['discard', 'reprocess']),
  ids: z
    .union([z.string().max(INBOUND_ID_MAX), z.array(z.string().max(INBOUND_ID_MAX)).max(10_000)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  note: z.string().max(1000).optional(),
  show: z.enum(inboundFilters).catch('quarantined'),
});

function bulkResultOf(req: Request, t: Translate): { text: string; refused: boolean } | null {
  if (req.query.bulk !== 'done') return null;
  const count = (v: unknown) => (typeof v === 'string' && /^\d{1,4}$/.test(v) ? Number(v) : 0);
  const refused = count(req.query.r);
  return { text: t('bulk.client.inbound_summary', { done: count(req.query.n), refused }), refused: refused > 0 };
}

export function inboundAdminRoutes(config: Config, pipeline: InboundPipeline, tools: StaffPageTools): Router {
  const router = Router();

  router.get(inboundAdminPath, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const show = filterOf(req);
    const before = query(req, 'before', 100);
    const page = await listInboundPage({ filter: show, before });
    const quarantined = await countQuarantined();
    await renderStaffPage(req, res, tools, 'staff-inbound', 'inbound', {
      title: t('inboundAdmin.title'),
      tabs: inboundFilters.map((key) => ({
        key,
        href: listHref({ show: key }),
        label: t(`inboundAdmin.tab.${key}`),
        count: key === 'quarantined' ? quarantined : null,
        current: key === show,
      })),
      showStatus: show === 'all',
      listTitle: t(`inboundAdmin.tab.${show}`),
      hint: t(`inboundAdmin.hint.${show}`),
      show,
      bulkResult: bulkResultOf(req, t),
      bulkError: req.query.bulk === 'note' ? t('inboundAdmin.actions.note_required') : req.query.bulk === 'none' ? t('bulk.client.choose_action') : null,
      messages: page.messages.map((m) => ({
        id: m._id,
        canAct: allowedInboundActions(m.status).length > 0,
        href: `${inboundAdminPath}/${m._id}`,
        subject: m.subject || t('inboundAdmin.no_subject'),
        // No From header: the envelope's sender says who delivered it (QA: "(no sender)" with the envelope's address known).
        from: m.from || (m.envelope?.from ? t('inboundAdmin.envelope_only', { address: m.envelope.from }) : t('inboundAdmin.no_from')),
        receivedText: fmt.short(m.receivedAt),
        receivedIso: m.receivedAt.toISOString(),
        status: m.status,
        statusLabel: t(`inboundAdmin.status.${m.status}`),
        outcome: outcomeText(t, m),
        reasonCode: m.outcome?.kind === 'quarantine' ? m.outcome.reason : null,
        sameAsHref: m.sameAs ? `${inboundAdminPath}/${m.sameAs}` : null,
        reusedHref: m.reusesMessageIdOf ? `${inboundAdminPath}/${m.reusesMessageIdOf}` : null,
        auth: authText(t, m),
        authAligned: m.authentication?.aligned ? 'true' : 'false',
        size: formatSize(m.size, res.locals.locale),
        source: sourceText(t, m),
      })),
      emptyText: t(`inboundAdmin.empty.${show}`),
      olderHref: page.nextCursor ? listHref({ show, before: page.nextCursor }) : null,
      newestHref: before ? listHref({ show }) : null,
    });
  });

  router.get(`${inboundAdminPath}/:id`, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const mail = await inboundMailOr404(String(req.params.id));
    // Bytes removed by the retention period: the record, outcome and history are still shown.
    const removed = mail.rawRemovedAt ? fmt.dateTime(mail.rawRemovedAt) : null;
    const reading = removed ? removedReading : await readInboundMessage(await pipeline.raw(mail._id));
    const base = `${inboundAdminPath}/${mail._id}`;
    const allowed = allowedInboundActions(mail.status, mail.outcome);
    const actionHref = (action: InboundAction) => (allowed.includes(action) ? `${base}/${action}` : null);
    const outcome = mail.outcome;
    const fact = (key: string, value: string | null | undefined, href: string | null = null, lang: string | null = null) => ({
      label: t(`inboundAdmin.fact.${key}`),
      value: value || null,
      href,
      lang,
    });
    const linkTo = (id: string | null | undefined) => (id ? `${inboundAdminPath}/${id}` : null);
    const error = query(req, 'error', 20);
    await renderStaffPage(req, res, tools, 'staff-inbound-message', 'inbound', {
      title: mail.subject || t('inboundAdmin.no_subject'),
      subject: mail.subject || t('inboundAdmin.no_subject'),
      receivedText: fmt.dateTime(mail.receivedAt),
      status: mail.status,
      statusLabel: t(`inboundAdmin.status.${mail.status}`),
      notice: query(req, 'done', 10) === '1' ? resultText(t, mail) : null,
      noticeKind: mail.status === 'done' ? 'success' : 'info',
      outcomeFacts: [
        fact('outcome', outcomeText(t, mail)),
        // A blocked sender is unblocked on its own page: the explanation leads there.
        fact(
          'explanation',
          outcome?.kind === 'quarantine' ? reasonExplanation(t, outcome.reason) : null,
          outcome?.reason === 'blocked_sender' ? blockedSendersPath : null,
        ),
        // The code and the technical detail are the pipeline's own words (English), as logged: labelled so.
        fact('reason_code', outcome?.reason ?? null, null, 'en'),
        fact('detail', outcome?.detail ?? null, null, 'en'),
        fact('ticket', outcome?.ticketNumber ?? null),
        fact('related_ticket', outcome?.relatedTicket ?? null),
        fact('decided', outcome?.at ? fmt.dateTime(outcome.at) : null),
        fact('same_as', mail.sameAs, linkTo(mail.sameAs)),
        fact('reused_message_id', mail.reusesMessageIdOf, linkTo(mail.reusesMessageIdOf)),
      ].filter((f) => f.value !== null),
      deliveryFacts: [
        fact('source', sourceText(t, mail)),
        fact('envelope_from', mail.envelope?.from ?? null),
        fact('envelope_to', (mail.envelope?.to ?? []).join(', ')),
        fact('authentication', mail.authentication ? authText(t, mail) : null),
        // The evaluator's own summary is English: kept, labelled as technical.
        fact('authentication_detail', mail.authentication?.summary ?? null, null, 'en'),
        fact('size', `${formatSize(mail.size, res.locals.locale)}${mail.truncated ? ` — ${t('inboundAdmin.fact.truncated')}` : ''}`),
        fact('attempts', String(mail.attempts ?? 0)),
        fact('fingerprint', mail._id),
      ],
      headers: reading.headers.map((h) => ({ label: t(`inboundAdmin.header.${h.key}`), value: h.value })),
      parseFailure: reading.parseFailure
        ? {
            text: t('inboundAdmin.message.unparsed', { reason: reasonLabel(t, reading.parseFailure.reason) }),
            explanation: reasonExplanation(t, reading.parseFailure.reason),
            technical: reading.parseFailure.detail || null,
          }
        : null,
      rawHeaderBlock: reading.rawHeaderBlock,
      warnings: reading.warnings.map((w) => readingNote(t, w)),
      text: reading.text,
      textTruncated: reading.textTruncated,
      htmlSrc: reading.html ? `${base}/html` : null,
      parsed: reading.parseFailure === null,
      attachments: reading.attachments.map((a) => ({ name: a.filename, type: a.contentType, size: formatSize(a.size, res.locals.locale), inline: a.inline })),
      history: [...(mail.history ?? [])].reverse().map((h) => ({
        atText: fmt.dateTime(h.at),
        atIso: new Date(h.at).toISOString(),
        action: historyLabel(t, h),
        by: h.by ?? t('inboundAdmin.history.by_relais'),
        note: historyNote(t, h.note),
      })),
      actions: { reprocess: actionHref('reprocess'), attach: actionHref('attach'), force: actionHref('force'), discard: actionHref('discard') },
      attachLabel: t('inboundAdmin.actions.attach', { number: outcome?.relatedTicket ?? '' }),
      forceLabel: t(isHeld(mail) ? 'inboundAdmin.actions.confirm' : 'inboundAdmin.actions.force'),
      forceHint: t(isHeld(mail) ? 'inboundAdmin.actions.confirm_hint' : 'inboundAdmin.actions.force_hint'),
      anyAction: allowed.length > 0,
      noteMax: DISCARD_NOTE_MAX,
      noteError: error === 'note' ? t('inboundAdmin.actions.note_required') : null,
      conflict: error === 'conflict' ? t('inboundAdmin.actions.conflict', { status: t(`inboundAdmin.status.${mail.status}`) }) : null,
      rawHref: removed ? null : `${base}/raw`,
      rawRemovedText: removed ? t('inboundAdmin.message.raw_removed', { when: removed }) : null,
    });
  });

  router.get(`${inboundAdminPath}/:id/html`, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const mail = await inboundMailOr404(String(req.params.id));
    const reading = await readInboundMessage(await pipeline.raw(mail._id));
    if (reading.html === null) throw new NotFoundError('This message has no HTML part.');
    // Replaces the app's CSP for this response: sanitized, but still a stranger's content.
    res.set({
      'Content-Security-Policy': caughtHtmlCsp,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'SAMEORIGIN',
      'Referrer-Policy': 'no-referrer',
    });
    res.type('html').send(reading.html);
  });

  router.get(`${inboundAdminPath}/:id/raw`, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const mail = await inboundMailOr404(String(req.params.id));
    const raw = await pipeline.raw(mail._id);
    req.log.info({ inbound: mail._id, by: String(pageActor(req).id) }, 'received message downloaded');
    res.set({
      'Content-Type': 'message/rfc822',
      'Content-Disposition': `attachment; filename="message-${mail._id.slice(0, 12)}.eml"`,
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(raw);
  });

  // Many at once, one note (plain form: works without script). A result per message, summed up on the list.
  router.post(`${inboundAdminPath}/bulk`, requirePageActor, tools.csrf.protect, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const parsed = bulkForm.safeParse(req.body);
    const show = parsed.success ? parsed.data.show : 'quarantined';
    const back = (q: string) => `${listHref({ show })}${listHref({ show }).includes('?') ? '&' : '?'}${q}`;
    if (!parsed.success || parsed.data.ids.length === 0) {
      res.redirect(303, back('bulk=none'));
      return;
    }
    try {
      const ids = parsed.data.ids;
      const outcome = await actOnManyInbound(pipeline, { ids, action: parsed.data.action, actor: pageActor(req), note: parsed.data.note });
      req.log.info({ action: parsed.data.action, done: outcome.done, refused: outcome.refused }, 'decision on received messages');
      res.redirect(303, back(`bulk=done&n=${outcome.done}&r=${outcome.refused}`));
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 413)) throw error;
      res.redirect(303, back('bulk=note'));
    }
  });

  for (const action of ['reprocess', 'attach', 'force', 'discard'] as const) {
    router.post(`${inboundAdminPath}/:id/${action}`, requirePageActor, tools.csrf.protect, async (req, res) => {
      if (await refuseNonAdministrator(req, res, tools)) return;
      const actor = pageActor(req);
      const id = String(req.params.id);
      const back = `${inboundAdminPath}/${encodeURIComponent(id)}`;
      try {
        const { mail } = await actOnInboundMail(pipeline, { id, action, actor, note: bodyNote(req) });
        req.log.info({ inbound: mail._id, action, by: String(actor.id), status: mail.status, outcome: mail.outcome?.kind }, 'decision on a received message');
        res.redirect(303, `${back}?done=1`);
      } catch (error) {
        // A missing note, or someone decided first (another tab, another administrator): say so on the page.
        if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
        res.redirect(303, error.status === 400 ? `${back}?error=note#discard` : `${back}?error=conflict`);
      }
    });
  }

  return router;
}
