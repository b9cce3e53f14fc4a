/**
 * The administrators' mail page, `/staff/mail`: what the embedded mail catcher caught (when no
 * SMTP server is configured), newest first, 50 a page, searchable by recipient; one caught
 * message at `/staff/mail/:id` (headers, text, the HTML part in a sandboxed frame served by
 * `/staff/mail/:id/html` under its own locked-down CSP, and the Relais links in its text, so a
 * demo user can follow a magic link); and the outbox's undelivered mail with "Send again"
 * (a plain form: `POST /staff/mail/outbox/:id/retry`, CSRF-checked). Administrators only.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { caughtMailHeaders, findCaughtMail, linksIn, listCaughtMailPage } from '../../mail/caught-mail.js';
import type { CaughtMail } from '../../mail/caught-mail.js';
import { listFailedMail } from '../../mail/outbox.js';
import { countQueuedMail, mayAdministerMail, retryFailedMail } from '../../mail/outbox-admin.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

export const mailAdminPath = '/staff/mail';

/**
 * Where mail goes: the configured SMTP server, the local catcher (no SMTP_URL outside
 * production: the same rule `server/index.ts` starts the catcher by), or nowhere yet.
 */
export type MailMode = 'smtp' | 'catcher' | 'none';
export function mailMode(config: Pick<Config, 'smtpUrl' | 'env'>): MailMode {
  if (config.smtpUrl) return 'smtp';
  return config.env === 'production' ? 'none' : 'catcher';
}

/** The caught message's HTML, as a document of its own: no script, no fetch, no form, framed only by Relais. */
export const caughtHtmlCsp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";

const doneNotices = ['retried', 'already'] as const;

function query(req: Request, name: string, max = 200): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value.length <= max ? value : undefined;
}

function listHref(params: { before?: string; to?: string }): string {
  const search = new URLSearchParams();
  if (params.to) search.set('to', params.to);
  if (params.before) search.set('before', params.before);
  const text = search.toString();
  return text ? `${mailAdminPath}?${text}` : mailAdminPath;
}

/** Answers with the staff app's "administrators only" page, unless the person is one. */
async function refuseNonAdministrator(req: Request, res: Response, tools: StaffPageTools): Promise<boolean> {
  if (mayAdministerMail(pageActor(req))) return false;
  const t = res.locals.t;
  await renderStaffPage(req, res, tools, 'staff-error', 'mail', { title: t('mailAdmin.forbidden_title'), text: t('mailAdmin.forbidden_text') }, 403);
  return true;
}

async function caughtOr404(req: Request): Promise<CaughtMail> {
  const mail = await findCaughtMail(String(req.params.id));
  if (!mail) throw new NotFoundError('There is no caught message with this id.');
  return mail;
}

export function mailAdminRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  const mode = mailMode(config);

  router.get(mailAdminPath, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const search = query(req, 'to')?.trim() ?? '';
    const before = query(req, 'before', 60);
    const page = mode === 'catcher' ? await listCaughtMailPage({ before, recipient: search }) : { messages: [], nextCursor: null };
    const failed = await listFailedMail(100);
    const done = query(req, 'done');
    await renderStaffPage(req, res, tools, 'staff-mail', 'mail', {
      title: t('mailAdmin.title'),
      modeText: t(`mailAdmin.mode.${mode}`),
      catcherOn: mode === 'catcher',
      search,
      messages: page.messages.map((m) => ({
        href: `${mailAdminPath}/${String(m._id)}`,
        subject: m.subject || t('mailAdmin.caught.no_subject'),
        snippet: m.snippet,
        from: m.from,
        to: m.to,
        receivedText: fmt.dateTime(m.receivedAt),
        receivedIso: m.receivedAt.toISOString(),
      })),
      emptyText: t(search ? 'mailAdmin.caught.empty_search' : 'mailAdmin.caught.empty'),
      olderHref: page.nextCursor ? listHref({ before: page.nextCursor, to: search }) : null,
      newestHref: before ? listHref({ to: search }) : null,
      failed: failed.map((m) => ({
        action: `${mailAdminPath}/outbox/${String(m._id)}/retry`,
        to: m.to.join(', '),
        subject: m.subject,
        lastError: m.lastError ?? '—',
        attempts: m.attempts,
        failedText: fmt.dateTime(m.updatedAt),
        failedIso: m.updatedAt.toISOString(),
      })),
      queuedCount: await countQueuedMail(),
      flash: done && (doneNotices as readonly string[]).includes(done) ? t(`mailAdmin.outbox.done.${done}`) : null,
    });
  });

  router.get(`${mailAdminPath}/:id`, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const t = res.locals.t;
    const mail = await caughtOr404(req);
    const headers = await caughtMailHeaders(mail);
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const h = (key: string, value: string | null) => ({ label: t(`mailAdmin.message.h.${key}`), value: value || null });
    await renderStaffPage(req, res, tools, 'staff-mail-message', 'mail', {
      title: mail.subject || t('mailAdmin.caught.no_subject'),
      subject: mail.subject || t('mailAdmin.caught.no_subject'),
      headers: [
        h('from', headers.from),
        h('to', headers.to),
        h('reply_to', headers.replyTo),
        h('subject', headers.subject),
        h('date', headers.date ? fmt.dateTime(headers.date) : null),
        h('message_id', headers.messageId),
        h('in_reply_to', headers.inReplyTo),
        h('references', headers.references),
        h('auto_submitted', headers.autoSubmitted),
      ],
      text: mail.text,
      htmlSrc: mail.html ? `${mailAdminPath}/${String(mail._id)}/html` : null,
      rawHref: `${mailAdminPath}/${String(mail._id)}/raw`,
      links: linksIn(mail.text, config.publicUrl),
      origin: new URL(config.publicUrl).origin,
      receivedText: fmt.dateTime(mail.receivedAt),
    });
  });

  router.get(`${mailAdminPath}/:id/html`, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const mail = await caughtOr404(req);
    if (mail.html === null) throw new NotFoundError('This message has no HTML part.');
    // Replaces the app's CSP for this response: the message is untrusted content.
    res.set({
      'Content-Security-Policy': caughtHtmlCsp,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'SAMEORIGIN',
      'Referrer-Policy': 'no-referrer',
    });
    res.type('html').send(mail.html);
  });

  /** The message as it left Relais (.eml), every header included: for checking a thread in a mail app. */
  router.get(`${mailAdminPath}/:id/raw`, requirePageActor, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const mail = await caughtOr404(req);
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    res.attachment(`relais-${String(mail._id)}.eml`);
    res.type('message/rfc822').send(Buffer.from(mail.raw, 'utf8'));
  });

  router.post(`${mailAdminPath}/outbox/:id/retry`, requirePageActor, tools.csrf.protect, async (req, res) => {
    if (await refuseNonAdministrator(req, res, tools)) return;
    const actor = pageActor(req);
    try {
      const mail = await retryFailedMail(String(req.params.id), new Date());
      req.log.info({ outbox: String(mail._id), by: String(actor.id) }, 'failed mail queued again');
      res.redirect(303, `${mailAdminPath}?done=retried#outbox`);
    } catch (error) {
      // Someone else sent it again first, or it went out meanwhile: nothing to do, say so.
      if (!(error instanceof ConflictError)) throw error;
      res.redirect(303, `${mailAdminPath}?done=already#outbox`);
    }
  });

  return router;
}
