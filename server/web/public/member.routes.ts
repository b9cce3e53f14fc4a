/**
 * The member's pages under `/suivi`, reached by a signed link from an email (no password):
 *
 *   GET  /suivi                              their tickets (with a session) and "send me a link"
 *   POST /suivi/lien                         asks for a fresh link for all tickets of an address (worked after the answer)
 *   POST /suivi/lien/nouveau                 the same for the member a spent or expired link names (member-access.ts)
 *   GET  /suivi/acces/:token                 a link: a button that uses it (POST /suivi/acces: sets the
 *                                            session once, goes to the ticket); opens at once in a browser
 *                                            already signed in as that member; as another member: asks first
 *   GET  /suivi/demandes/:number             one ticket: public messages, files, status, actions
 *   POST /suivi/demandes/:number/reponses    answer (with files)
 *   POST /suivi/demandes/:number/fermer      close; …/rouvrir reopen; …/evaluation rate (once)
 *   GET  /suivi/pieces/:id                   a file of a public message of their ticket
 *   POST /suivi/deconnexion                  forget this browser's session
 *   POST /suivi/deconnexion-partout          end every session of the member, on every device
 *
 * A ticket is shown only when the session covers it and the ticket policy lets the member read it;
 * otherwise the answer is the same 404 whether or not the number exists. Messages are read with
 * `visibility: 'public'` in the query itself: internal notes never leave the database here.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import type { MemberActor } from '../../auth/actor.js';
import type { Attachment } from '../../attachments/attachments.service.js';
import { attachmentStorage, saveAttachments, sendAttachment, uploadProblems } from '../../attachments/attachments.service.js';
import { formatSize } from '../../attachments/limits.js';
import { pickerAccept } from '../../attachments/file-types.js';
import { parseMultipart } from '../../attachments/uploads.js';
import { AppError, ConflictError } from '../../lib/errors.js';
import type { Locale, Translate } from '../../lib/i18n.js';
import { domainEvents } from '../../lib/domain-events.js';
import { queueLinkRequest } from '../../members/link-requests.js';
import { memberById } from '../../members/member-lookup.js';
import { endAllMemberSessions, memberLinkUsed, memberSessionVersion, useMemberLink } from '../../members/link-uses.js';
import { mergeSessions, verifyMemberLink, type MemberSession } from '../../members/member-links.js';
import { memberClose, memberReopen, memberReply, rateTicket } from '../../tickets/member.commands.js';
import { canRead } from '../../tickets/ticket.policy.js';
import { attachmentWithContext, memberTickets, ticketByNumber, ticketThread } from '../../tickets/ticket.queries.js';
import type { Ticket } from '../../tickets/ticket.queries.js';
import { loadTicket } from '../../tickets/ticket.journal.js';
import { renderPage } from '../render.js';
import { createFormCsrf } from '../pages/login-csrf.js';
import { emailField, fieldErrors, ratingFormSchema, replyFormSchema, textField, uploadErrorText, type FieldErrors } from './form-fields.js';
import { pageLimiter, type PublicFormLimits } from './help-form.routes.js';
import { formatDate, memberFiles, statusLabel } from './member-pages.view.js';
import { accessPage, linkResendRoute } from './member-access.js';
import { clearMemberSession, memberActorFor, readMemberSession, writeMemberSession } from './member-session.js';
import { linkTarget, rateFromLink } from './member-link-target.js';

const numberPattern = /^R-\d{4}-\d{6}$/;
const doneNotices = ['replied', 'thanked', 'closed', 'reopened', 'rated'];

interface MemberContext {
  session: MemberSession;
  actor: MemberActor;
}

export function memberRoutes(config: Config, limits: PublicFormLimits): Router {
  const router = Router();
  const csrf = createFormCsrf(config, { purpose: 'public-forms', preCookie: 'relais_pub', tokenCookie: 'relais_pub_csrf' });
  const uploadLimits = { maxFiles: config.attachments.maxFiles, maxBytes: config.attachments.maxBytes, maxFieldBytes: 256 * 1024, fileField: 'attachments' };

  router.use('/suivi', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  async function context(req: Request): Promise<MemberContext | null> {
    const session = readMemberSession(req, config);
    if (!session) return null;
    const actor = await memberActorFor(session);
    return actor ? { session, actor } : null;
  }

  const showAccess = accessPage(config, csrf);
  linkResendRoute(router, config, limits, csrf, showAccess);

  async function ticketsOf(ctx: MemberContext, t: Translate, locale: Locale): Promise<unknown[]> {
    const covered = new Set(ctx.session.tickets);
    const tickets = (await memberTickets(ctx.actor.id, 100)).filter((tk) => ctx.session.all || covered.has(String(tk._id)));
    return tickets.map((tk) => ({ number: tk.number, subject: tk.subject, status: tk.status, statusLabel: statusLabel(t, tk.status), updated: formatDate(tk.updatedAt, locale, config.timeZone) }));
  }

  router.get('/suivi', async (req, res) => {
    const ctx = await context(req);
    const tickets = ctx ? await ticketsOf(ctx, res.locals.t, res.locals.locale) : [];
    const state = req.query.sent === '1' ? 'sent' : req.query.sent === 'link' ? 'resent' : req.query.signed_out === '1' ? 'signed_out' : req.query.signed_out_all === '1' ? 'signed_out_all' : 'start';
    await showAccess(req, res, { state, tickets, email: ctx?.actor.email ?? '', signedIn: ctx !== null, seesAll: ctx?.session.all === true });
  });

  const linkPerIp = pageLimiter(limits.linkPerIp, 'member-link-ip', (req, res) => showAccess(req, res, { status: 429, errors: { email: res.locals.t('portal.errors.rate_limited') } }));
  const linkPerEmail = pageLimiter(
    limits.linkPerEmail,
    'member-link-email',
    // Past the limit for an address, the answer is the same as usual: nothing tells whether it is known.
    (_req, res) => res.redirect(303, '/suivi?sent=1'),
    (req) => `email:${textField(req.body as Record<string, unknown>, 'email').trim().toLowerCase()}`,
  );

  router.post('/suivi/lien', linkPerIp, async (req, res, next) => {
    const t = res.locals.t;
    const email = textField(req.body as Record<string, unknown>, 'email');
    if (!csrf.validate(req)) return showAccess(req, res, { status: 403, email, errors: { email: t('portal.errors.csrf') } });
    const parsed = emailField.safeParse(email);
    if (!parsed.success) return showAccess(req, res, { status: 400, email, errors: { email: t(email.trim() === '' ? 'portal.errors.required' : 'portal.errors.email_invalid') } });
    linkPerEmail(req, res, () => {
      // The answer comes before anyone looks the address up: the request is stored as it is for any
      // address, and the worker (mail/member-link-mail.ts) decides afterwards whether a mail goes out.
      queueLinkRequest(parsed.data, res.locals.locale)
        .then(() => {
          res.redirect(303, '/suivi?sent=1');
          domainEvents.publish('member.link_requested', {});
        })
        .catch(next);
    });
  });

  /**
   * Opens a session from a verified link, once: the link's use is recorded under its key, and a
   * link that already opened a session opens no other (410, with the form for a fresh link).
   */
  async function openFromLink(req: Request, res: Response, token: string, note: unknown, comment?: string): Promise<void> {
    const check = verifyMemberLink(config, token);
    if (!check.ok) return showAccess(req, res, check.reason === 'expired' ? { status: 410, state: 'expired', resend: token } : { status: 400, state: 'invalid' });
    const version = await memberSessionVersion(check.claims.memberId);
    if (version === null) return showAccess(req, res, { status: 400, state: 'invalid' });
    if (!(await useMemberLink(check.useKey, check.claims.memberId))) return showAccess(req, res, { status: 410, state: 'used', resend: token });
    const ttl = Math.floor((check.expiresAt.getTime() - Date.now()) / 1000);
    const session = mergeSessions(readMemberSession(req, config), check.claims, version);
    writeMemberSession(res, config, session, ttl);
    // A score chosen in the mail is sent by this button (a person's POST, never a link's GET): one step.
    const rating = comment !== undefined ? await rateFromLink(session, check.claims.ticketId, note, comment) : null;
    if (rating?.kind === 'rated') return res.redirect(303, `/suivi/demandes/${rating.number}?done=rated#notice`);
    // Reopened since the mail (the member answered it), or rated already: said, and the comment kept for a message.
    if (rating?.kind === 'refused') {
      const rated = Boolean(rating.ticket.rating);
      return showTicket(req, res, rating.ticket, { status: 409, notice: res.locals.t(rated ? 'portal.rating.already' : 'portal.rating.reopened'), reply: rated ? '' : (comment ?? '') });
    }
    res.redirect(303, await linkTarget(check.claims, note));
  }

  router.get('/suivi/acces/:token', async (req, res) => {
    const token = req.params.token;
    const check = verifyMemberLink(config, token);
    if (!check.ok) return showAccess(req, res, check.reason === 'expired' ? { status: 410, state: 'expired', resend: token } : { status: 400, state: 'invalid' });
    const note = typeof req.query.note === 'string' ? req.query.note.slice(0, 2) : '';
    const current = await context(req);
    // A browser already signed in as this member is the member's own: the link opens at once. Anyone
    // else (a fresh browser, or a mail filter that opens every link to check it) gets a button first,
    // so the single-use link is used by a person's POST, never by a GET alone.
    // A link used already says so at once, to a browser it could not open (QA: "open your request…",
    // then "already used" after the tap). The browser of the same member is handled below.
    if ((!current || current.session.memberId !== check.claims.memberId) && (await memberLinkUsed(check.useKey)))
      return showAccess(req, res, { status: 410, state: 'used', resend: token });
    if (!current) {
      const score = /^[1-5]$/.test(note) ? note : null;
      const t = res.locals.t;
      renderPage(req, res, 'member-open', {
        title: t(score ? 'portal.open.rate_title' : 'portal.open.title'),
        token,
        note,
        scoreLabel: score ? t(`portal.rating.score_${score}`) : null,
        // The score tapped in the mail, ticked and still open to change (QA: a wrong tap could not be put right).
        scores: score ? [1, 2, 3, 4, 5].map((s) => ({ score: s, label: t(`portal.rating.score_${s}`), checked: String(s) === score })) : [],
        csrfToken: csrf.tokenFor(req, res),
      });
      return;
    }
    // Signed in as someone else in this browser: ask before replacing that session (nothing used yet).
    if (current.session.memberId !== check.claims.memberId) {
      const other = await memberById<{ email: string }>(check.claims.memberId, { email: 1 });
      if (!other) return showAccess(req, res, { status: 400, state: 'invalid' });
      renderPage(req, res, 'member-switch', {
        title: res.locals.t('portal.switch.title'),
        current: current.actor.email,
        other: other.email,
        token,
        note,
        csrfToken: csrf.tokenFor(req, res),
      });
      return;
    }
    // The same member, whose session here already covers what the link grants (the member taps the
    // mail's button again): the ticket opens, and the link, spent or not, is not needed.
    const { ticketId } = check.claims;
    if (current.session.all || (ticketId !== null && current.session.tickets.includes(ticketId))) {
      res.redirect(303, await linkTarget(check.claims, req.query.note));
      return;
    }
    await openFromLink(req, res, token, req.query.note);
  });

  /** The answer of the link's page and of the "switch member" page (POST + CSRF); `rate`: with the score chosen in the mail. */
  router.post('/suivi/acces', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (!csrf.validate(req)) return showAccess(req, res, { status: 403, errors: { email: res.locals.t('portal.errors.csrf') } });
    await openFromLink(req, res, textField(body, 'token').slice(0, 2000), textField(body, 'note'), body.rate === '1' ? textField(body, 'comment') : undefined);
  });

  /** The ticket of `:number` if this browser's session may show it; otherwise the request was answered. */
  async function memberTicket(req: Request, res: Response): Promise<{ ctx: MemberContext; ticket: Ticket } | null> {
    const ctx = await context(req);
    if (!ctx) {
      await showAccess(req, res, { status: 401, state: 'no_session' });
      return null;
    }
    const number = String(req.params.number);
    const ticket = numberPattern.test(number) ? await ticketByNumber(number) : null;
    const covered = ticket && String(ticket.member) === ctx.session.memberId && (ctx.session.all || ctx.session.tickets.includes(String(ticket._id)));
    if (!ticket || !covered || !canRead(ctx.actor, ticket)) {
      renderPage(req, res, 'error', { title: res.locals.t('portal.ticket.not_found_title'), text: res.locals.t('portal.ticket.not_found') }, 404);
      return null;
    }
    return { ctx, ticket };
  }

  async function showTicket(req: Request, res: Response, ticket: Ticket, props: { status?: number; errors?: FieldErrors; reply?: string; comment?: string; notice?: string } = {}): Promise<void> {
    const t = res.locals.t;
    const locale = res.locals.locale;
    const { messages, files: byId } = await ticketThread(ticket, { publicOnly: true });
    const note = Number(req.query.note);
    // A score chosen by a link of the resolution mail (`?note=`): ticked, and said to be not sent yet.
    const selected = !props.errors && Number.isInteger(note) && note >= 1 && note <= 5 ? note : null;
    const done = ticket.status === 'resolved' || ticket.status === 'closed';
    renderPage(
      req,
      res,
      'member-ticket',
      {
        title: `${ticket.number} · ${ticket.subject}`,
        ticket: {
          number: ticket.number,
          subject: ticket.subject,
          status: ticket.status,
          statusLabel: statusLabel(t, ticket.status),
          statusHelp: t(`portal.status_help.${ticket.status}`),
          created: formatDate(ticket.createdAt, locale, config.timeZone),
        },
        messages: messages.map((m) => ({
          id: String(m._id),
          mine: m.author.kind === 'member',
          // Staff sign with their first name: members talk to a person, staff keep their privacy.
          author: m.author.kind === 'member' ? t('portal.ticket.you') : t('portal.ticket.staff_author', { name: m.author.name.trim().split(/\s+/)[0] ?? '' }),
          at: formatDate(m.createdAt, locale, config.timeZone),
          atIso: m.createdAt.toISOString(),
          text: m.text,
          // Only staff replies are shown formatted (their HTML is ours: reply markup, allow-listed).
          html: m.author.kind === 'staff' ? (m.html ?? null) : null,
          ...memberFiles((m.attachments ?? []).map((id) => byId.get(String(id))).filter((f): f is Attachment => Boolean(f)), res.locals.locale),
        })),
        canReply: ticket.status !== 'closed',
        // A resolved ticket is done already: the member may reopen it, closing it would say nothing more.
        canClose: !done,
        canReopen: done,
        canRate: done && !ticket.rating && (Boolean(ticket.resolvedAt) || messages.some((m) => m.author.kind === 'staff')), // needs an answer
        rating: ticket.rating ? { score: ticket.rating.score, comment: ticket.rating.comment } : null,
        // The same direction as the resolution mail's links (1 to 5).
        scores: [1, 2, 3, 4, 5].map((score) => ({
          score,
          label: t(`portal.rating.score_${score}`),
          checked: score === selected,
          // A form sent without a score comes back with the first choice focused, so the phone shows the error.
          focus: score === 1 && Boolean(props.errors?.score),
        })),
        preselected: selected !== null && !ticket.rating,
        errors: props.errors ?? {},
        reply: props.reply ?? '',
        comment: props.comment ?? '',
        notice:
          props.notice ??
          (typeof req.query.done === 'string' && doneNotices.includes(req.query.done)
            ? t(`portal.ticket.done_${req.query.done}`)
            : // A rating link followed after the member rated: say so, rather than only showing the score.
              ticket.rating && req.query.note !== undefined
              ? t('portal.rating.already')
              : null),
        csrfToken: csrf.tokenFor(req, res),
        maxFiles: config.attachments.maxFiles,
        maxSize: formatSize(config.attachments.maxBytes, res.locals.locale),
        maxBytes: config.attachments.maxBytes,
        // Checks the files chosen before they are sent (client/member-files.page.ts); the page works without it.
        pageScript: 'member-files',
        acceptFiles: pickerAccept,
      },
      props.status ?? 200,
    );
  }

  router.get('/suivi/demandes/:number', async (req, res) => {
    const found = await memberTicket(req, res);
    if (found) await showTicket(req, res, found.ticket);
  });

  router.post('/suivi/demandes/:number/reponses', async (req, res) => {
    const found = await memberTicket(req, res);
    if (!found) return;
    const t = res.locals.t;
    let uploads: Awaited<ReturnType<typeof parseMultipart>>;
    try {
      uploads = await parseMultipart(req, uploadLimits);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const message = error.status === 413 ? t('portal.errors.request_too_large', { count: uploadLimits.maxFiles, size: formatSize(uploadLimits.maxBytes, res.locals.locale) }) : t('portal.errors.unreadable');
      return showTicket(req, res, found.ticket, { status: error.status, errors: { message } });
    }
    req.body = uploads.fields;
    const reply = textField(uploads.fields, 'message');
    if (!csrf.validate(req)) return showTicket(req, res, found.ticket, { status: 403, reply, errors: { message: t('portal.errors.csrf') } });
    // Files alone are an answer (the photo the advisor asked for); every problem is said at once.
    const parsed = replyFormSchema.safeParse({ message: reply, files: uploads.files.length + uploads.rejected.length });
    const { checked, problems } = await uploadProblems(uploads.files, uploads.rejected, uploadLimits);
    if (!parsed.success || problems.length > 0) {
      const status = problems.some((p) => p.problem === 'too_large' || p.problem === 'too_many') ? 413 : problems.length > 0 ? 422 : 400;
      const said = problems.length > 0 ? `${uploadErrorText(problems, t, uploadLimits.maxFiles, uploadLimits.maxBytes, res.locals.locale)} ` : '';
      const files: FieldErrors = uploads.files.length + uploads.rejected.length > 0 ? { attachments: `${said}${t('portal.errors.files_again')}` } : {};
      return showTicket(req, res, found.ticket, { status, reply, errors: { ...(parsed.success ? {} : fieldErrors(parsed.error, t, { message: 20_000 })), ...files } });
    }
    const stored = checked.length > 0 ? await saveAttachments(checked, { storage: attachmentStorage(config), uploadedBy: { kind: 'member', staff: null, member: found.ctx.actor.id }, source: 'web' }) : [];
    let after: Awaited<ReturnType<typeof memberReply>>;
    try {
      after = await memberReply({ actor: found.ctx.actor, ticketId: String(found.ticket._id), text: parsed.data.message, channel: 'web', attachments: stored.map((a) => a._id) });
    } catch (error) {
      if (error instanceof ConflictError) return showTicket(req, res, found.ticket, { status: 409, reply, errors: { message: t('portal.errors.closed') } });
      throw error;
    }
    // A thank-you leaves a resolved request resolved (tickets/thanks.ts): the notice says so, and how to reopen it.
    const done = after.status === 'resolved' ? 'thanked' : 'replied';
    // To the notice (above the thread), so a phone shows the confirmation rather than the thread's top.
    res.redirect(303, `/suivi/demandes/${found.ticket.number}?done=${done}#notice`);
  });

  /** Close, reopen: a form with only the CSRF token. */
  const simple = (path: string, run: (actor: MemberActor, ticketId: string) => Promise<unknown>, done: string) =>
    router.post(`/suivi/demandes/:number/${path}`, async (req, res) => {
      const found = await memberTicket(req, res);
      if (!found) return;
      if (!csrf.validate(req)) return showTicket(req, res, found.ticket, { status: 403, notice: res.locals.t('portal.errors.csrf') });
      try {
        await run(found.ctx.actor, String(found.ticket._id));
      } catch (error) {
        if (error instanceof ConflictError) return showTicket(req, res, (await loadTicket(found.ticket._id)) ?? found.ticket, { status: 409, notice: res.locals.t('portal.errors.state_changed') });
        throw error;
      }
      res.redirect(303, `/suivi/demandes/${found.ticket.number}?done=${done}#notice`);
    });
  simple('fermer', (actor, ticketId) => memberClose({ actor, ticketId }), 'closed');
  simple('rouvrir', (actor, ticketId) => memberReopen({ actor, ticketId }), 'reopened');

  router.post('/suivi/demandes/:number/evaluation', async (req, res) => {
    const found = await memberTicket(req, res);
    if (!found) return;
    const t = res.locals.t;
    const body = req.body as Record<string, unknown>;
    const comment = textField(body, 'comment');
    if (!csrf.validate(req)) return showTicket(req, res, found.ticket, { status: 403, comment, errors: { score: t('portal.errors.csrf') } });
    const parsed = ratingFormSchema.safeParse({ score: textField(body, 'score') || '0', comment });
    if (!parsed.success) return showTicket(req, res, found.ticket, { status: 400, comment, errors: fieldErrors(parsed.error, t, { comment: 2000 }) });
    try {
      await rateTicket({ actor: found.ctx.actor, ticketId: String(found.ticket._id), score: parsed.data.score, comment: parsed.data.comment ?? null });
    } catch (error) {
      if (error instanceof ConflictError) return showTicket(req, res, (await loadTicket(found.ticket._id)) ?? found.ticket, { status: 409, notice: t('portal.rating.already') });
      throw error;
    }
    res.redirect(303, `/suivi/demandes/${found.ticket.number}?done=rated#notice`);
  });

  router.get('/suivi/pieces/:id', async (req, res) => {
    const ctx = await context(req);
    const id = req.params.id;
    const notFound = () => renderPage(req, res, 'error', { title: res.locals.t('portal.ticket.not_found_title'), text: res.locals.t('portal.ticket.file_not_found') }, 404);
    if (!ctx) return showAccess(req, res, { status: 401, state: 'no_session' });
    if (!/^[a-f0-9]{24}$/.test(id)) return notFound();
    const found = await attachmentWithContext(id);
    const file = found?.file;
    const ticket = found?.ticket ?? null;
    const message = found?.message ?? null;
    const covered = ticket && String(ticket.member) === ctx.session.memberId && (ctx.session.all || ctx.session.tickets.includes(String(ticket._id)));
    // Only files of public messages of a ticket this browser may show.
    if (!file || !ticket || !covered || !canRead(ctx.actor, ticket) || message?.visibility !== 'public' || String(message.ticket) !== String(ticket._id)) return notFound();
    await sendAttachment(res, file, attachmentStorage(config));
  });

  router.post('/suivi/deconnexion', (req, res) => {
    if (!csrf.validate(req)) return showAccess(req, res, { status: 403, errors: { email: res.locals.t('portal.errors.csrf') } });
    clearMemberSession(res, config);
    res.redirect(303, '/suivi?signed_out=1');
  });

  /** Ends every session of the signed-in member, on every device (a lost phone, a shared computer). */
  router.post('/suivi/deconnexion-partout', async (req, res) => {
    if (!csrf.validate(req)) return showAccess(req, res, { status: 403, errors: { email: res.locals.t('portal.errors.csrf') } });
    const ctx = await context(req);
    if (ctx) await endAllMemberSessions(String(ctx.actor.id));
    clearMemberSession(res, config);
    res.redirect(303, '/suivi?signed_out_all=1');
  });

  return router;
}
