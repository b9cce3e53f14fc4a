/**
 * The public help form (`/` and `/aide`): no account, works without JavaScript, in the member's
 * language. A submission is checked in this order, and every refusal shows the form again with
 * what the person wrote and a sentence next to the field concerned:
 *
 *   per-IP limit → multipart parse (every text field kept even when a file is refused) → CSRF →
 *   honeypot → fields → per-address limit → files (count, size, type by content) → ticket.
 *
 * The form carries a random `formToken`; the ticket id is fixed for that token before the ticket is
 * created, so a double submit (a double tap, a resent form after a timeout) finds the same ticket.
 *
 * A submission never opens a member session: typing an address proves nothing about owning it.
 * The ticket's acknowledgement carries the link that does (see docs/ARCHITECTURE.md, who is trusted).
 *
 * Nor does its timing say whether the address is a member's: a new address makes a member record, a
 * known one does not (measured with bench/address-timing.ts: about 1–1.5 ms slower at the median, the
 * same sign on every run), so a submission is answered no sooner than `answerFloorMs` after it
 * arrived, far above what the work takes (p90 about 35 ms on the embedded database).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Types } from 'mongoose';
import type { Config } from '../../config.js';
import { attachmentStorage, saveAttachments, uploadProblems } from '../../attachments/attachments.service.js';
import { parseMultipart } from '../../attachments/uploads.js';
import { activeCategories, isActiveCategory } from '../../catalog/catalog.queries.js';
import { AppError } from '../../lib/errors.js';
import { formatSize } from '../../attachments/limits.js';
import type { Locale } from '../../lib/i18n.js';
import { createTicket } from '../../tickets/ticket.create.js';
import { loadTicket } from '../../tickets/ticket.journal.js';
import { renderPage } from '../render.js';
import { createFormCsrf } from '../pages/login-csrf.js';
import { contentKey, recentTicketOfContent, rememberContent, ticketForFormToken, ticketOfFormToken } from '../../tickets/form-submissions.js';
import { memberById } from '../../members/member-lookup.js';
import { fieldErrors, helpFormSchema, textField, uploadErrorText, type FieldErrors } from './form-fields.js';
import { pickerAccept } from '../../attachments/file-types.js';

export interface PublicRateRule {
  limit: number;
  windowMs: number;
}

export interface PublicFormLimits {
  /** Help-form submissions per IP address. */
  formPerIp: PublicRateRule;
  /** Help-form submissions per email address. */
  formPerEmail: PublicRateRule;
  /** "Send me a link" requests per IP and per address. */
  linkPerIp: PublicRateRule;
  linkPerEmail: PublicRateRule;
}

export const defaultPublicFormLimits: PublicFormLimits = Object.freeze({
  formPerIp: { limit: 20, windowMs: 60 * 60_000 },
  formPerEmail: { limit: 10, windowMs: 60 * 60_000 },
  linkPerIp: { limit: 20, windowMs: 60 * 60_000 },
  linkPerEmail: { limit: 3, windowMs: 60 * 60_000 },
});

export const honeypotField = 'website_url';
/**
 * The least time a valid submission takes to be answered (see the top of this file): above the
 * form's own time at a year of data (p95 93 ms at 100,000 tickets, `npm run bench -- scale`), so
 * nearly every answer leaves at the floor, and under the 150 ms asked of every interactive request.
 */
export const DEFAULT_ANSWER_FLOOR_MS = 120;
const formTokenPattern = /^[A-Za-z0-9_-]{22,64}$/;

interface FormValues {
  name: string;
  email: string;
  memberNumber: string;
  category: string;
  subject: string;
  message: string;
}

const emptyValues: FormValues = { name: '', email: '', memberNumber: '', category: '', subject: '', message: '' };

async function categoryOptions(locale: Locale, selected: string): Promise<Array<{ value: string; label: string; selected: boolean }>> {
  const categories = await activeCategories();
  return categories.map((c) => ({ value: c.code, label: c.label[locale], selected: c.code === selected }));
}

/** A limiter that shows the form again with a 429 and a sentence, instead of a bare error. */
export function pageLimiter(rule: PublicRateRule, identifier: string, onLimit: (req: Request, res: Response) => Promise<void> | void, keyGenerator?: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs: rule.windowMs,
    limit: rule.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier,
    requestPropertyName: `rateLimit_${identifier}`,
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: (req, res, next) => {
      Promise.resolve(onLimit(req, res)).catch(next);
    },
  });
}

export function helpFormRoutes(config: Config, limits: PublicFormLimits, options: { answerFloorMs?: number } = {}): Router {
  const router = Router();
  const answerFloorMs = options.answerFloorMs ?? DEFAULT_ANSWER_FLOOR_MS;
  /** Waits until `answerFloorMs` after `started`, so the answer's time is the floor's, not the work's. */
  const floor = async (started: number): Promise<void> => {
    const left = started + answerFloorMs - performance.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  };
  const csrf = createFormCsrf(config, { purpose: 'public-forms', preCookie: 'relais_pub', tokenCookie: 'relais_pub_csrf' });
  const uploadLimits = { maxFiles: config.attachments.maxFiles, maxBytes: config.attachments.maxBytes, maxFieldBytes: 256 * 1024, fileField: 'attachments' };

  const fieldLabelKeys: Record<string, string> = { memberNumber: 'member_number' };

  async function showForm(req: Request, res: Response, props: { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string } = {}): Promise<void> {
    const values = props.values ?? emptyValues;
    const errors = props.errors ?? {};
    const t = res.locals.t;
    const order = ['name', 'email', 'memberNumber', 'category', 'subject', 'message', 'attachments'];
    renderPage(
      req,
      res,
      'help-form',
      {
        title: t('portal.form.title'),
        values,
        errors,
        hasErrors: Object.keys(errors).length > 0,
        // The summary names each field ("Votre nom : …"): the message alone does not say which field it is about.
        errorList: order
          .filter((f) => errors[f])
          .map((f) => ({ field: f, label: t(`portal.form.${fieldLabelKeys[f] ?? f}`), message: errors[f] }))
          .concat(errors.form ? [{ field: 'form', label: '', message: errors.form }] : []),
        firstError: order.find((f) => errors[f]) ?? null,
        notice: props.notice ?? null,
        categories: await categoryOptions(res.locals.locale, values.category),
        csrfToken: csrf.tokenFor(req, res),
        formToken: randomBytes(18).toString('base64url'),
        honeypotField,
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

  const valuesOf = (fields: Record<string, unknown>): FormValues => ({
    name: textField(fields, 'name').slice(0, 200),
    email: textField(fields, 'email').slice(0, 300),
    memberNumber: textField(fields, 'memberNumber').slice(0, 60),
    category: textField(fields, 'category').slice(0, 60),
    subject: textField(fields, 'subject').slice(0, 2000),
    // Kept whole up to what the form accepts at all (its field bound), so a text over the limit comes back to shorten, not cut.
    message: textField(fields, 'message').slice(0, uploadLimits.maxFieldBytes),
  });

  router.get(['/', '/aide'], async (req, res) => {
    res.set('Cache-Control', 'no-store');
    await showForm(req, res);
  });

  const perIp = pageLimiter(limits.formPerIp, 'help-form-ip', (req, res) =>
    showForm(req, res, { status: 429, errors: { form: res.locals.t('portal.errors.rate_limited') } }),
  );
  const perEmail = pageLimiter(
    limits.formPerEmail,
    'help-form-email',
    (req, res) => showForm(req, res, { status: 429, values: valuesOf(req.body as Record<string, unknown>), errors: { form: res.locals.t('portal.errors.rate_limited') } }),
    (req) => `email:${textField(req.body as Record<string, unknown>, 'email').trim().toLowerCase()}`,
  );

  /** Parses the multipart body into `req.body` (fields) and `res.locals.uploads`. */
  const parse = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!req.is('multipart/form-data')) {
      await showForm(req, res, { status: 400, errors: { form: res.locals.t('portal.errors.not_multipart') } });
      return;
    }
    let parsed: Awaited<ReturnType<typeof parseMultipart>>;
    try {
      parsed = await parseMultipart(req, uploadLimits);
    } catch (error) {
      // The whole request was over the bound or not readable: say so with the limits.
      if (!(error instanceof AppError)) throw error;
      const message = error.status === 413 ? res.locals.t('portal.errors.request_too_large', { count: uploadLimits.maxFiles, size: formatSize(uploadLimits.maxBytes, res.locals.locale) }) : res.locals.t('portal.errors.unreadable');
      await showForm(req, res, { status: error.status, errors: { form: message } });
      return;
    }
    req.body = parsed.fields;
    res.locals.uploads = parsed;
    next();
  };

  router.post('/aide', perIp, parse, async (req, res, next) => {
    const t = res.locals.t;
    const fields = req.body as Record<string, string>;
    const values = valuesOf(fields);
    if (!csrf.validate(req)) {
      await showForm(req, res, { status: 403, values, errors: { form: t('portal.errors.csrf') } });
      return;
    }
    if (textField(fields, honeypotField) !== '') {
      await showForm(req, res, { status: 400, values, errors: { form: t('portal.errors.honeypot') } });
      return;
    }
    const parsed = helpFormSchema.safeParse(values);
    const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error, t, { name: 120, subject: 200, message: 20_000, memberNumber: 40 });
    if (parsed.success && parsed.data.category !== '' && !(await isActiveCategory(parsed.data.category))) {
      errors.category = t('portal.errors.category');
    }
    if (Object.keys(errors).length > 0 || !parsed.success) {
      await showForm(req, res, { status: 400, values, errors });
      return;
    }
    // The per-address limit runs once the address is known to be one.
    perEmail(req, res, () => {
      submit(req, res, values, parsed.data).catch(next);
    });
  });

  async function submit(req: Request, res: Response, values: FormValues, form: ReturnType<typeof helpFormSchema.parse>): Promise<void> {
    const started = performance.now();
    const t = res.locals.t;
    const uploads = res.locals.uploads as Awaited<ReturnType<typeof parseMultipart>>;
    const { checked, problems } = await uploadProblems(uploads.files, uploads.rejected, uploadLimits);
    if (problems.length > 0) {
      const status = problems.some((p) => p.problem === 'too_large' || p.problem === 'too_many') ? 413 : 422;
      await showForm(req, res, { status, values, errors: { attachments: `${uploadErrorText(problems, t, uploadLimits.maxFiles, uploadLimits.maxBytes, res.locals.locale)} ${t('portal.errors.files_again')}` } });
      return;
    }
    const formToken = textField(req.body as Record<string, unknown>, 'formToken');
    const token = formTokenPattern.test(formToken) ? formToken : randomBytes(18).toString('base64url');
    // The same words from the same address a moment ago (Back, then Send; a second tab): that request, not a copy.
    const words = contentKey(form.email, form.subject, form.message);
    const earlier = await recentTicketOfContent(words);
    const sentBefore = earlier !== null && (await loadTicket(earlier)) !== null;
    // The ticket id is fixed for this form before anything is created: a second submit finds it.
    const { ticket: ticketId, first } = await ticketForFormToken(token, sentBefore ? (earlier as Types.ObjectId) : new Types.ObjectId());
    // Only the first submission's files count; a resend's are not stored twice.
    if (sentBefore || (!first && (await loadTicket(ticketId)))) {
      await floor(started);
      res.redirect(303, `/aide/recu/${token}${sentBefore && first ? '?again=1' : ''}`);
      return;
    }
    const stored = checked.length > 0 ? await saveAttachments(checked, { storage: attachmentStorage(config), uploadedBy: { kind: 'member', staff: null, member: null }, source: 'web' }) : [];
    await createTicket({
      actor: { kind: 'system', name: 'Relais' },
      ticketId,
      subject: form.subject,
      body: form.message,
      member: { name: form.name, email: form.email, memberNumber: form.memberNumber || null, language: res.locals.locale },
      channel: 'web',
      category: form.category || null,
      language: res.locals.locale,
      attachments: stored.map((a) => a._id),
    });
    await rememberContent(words, ticketId);
    // No member session here, whatever the address: whoever types an address is not proven to own it,
    // and the same page for every address tells nobody whether it belongs to a member. The member
    // follows the link in the acknowledgement, as for "send me a link". Nor does the time it took.
    await floor(started);
    res.redirect(303, `/aide/recu/${token}`);
  }

  router.get('/aide/recu/:token', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const token = req.params.token;
    const ticket = formTokenPattern.test(token) ? await ticketOfFormToken(token) : null;
    if (!ticket) {
      await showForm(req, res, { status: 404, notice: res.locals.t('portal.sent.unknown') });
      return;
    }
    // The address the confirmation went to, as typed (the page is this submission's own: its URL is the
    // form's random token), so a typo is seen here and not after a day of waiting.
    const member = await memberById<{ email: string }>(ticket.member, { email: 1 });
    renderPage(req, res, 'help-sent', {
      title: res.locals.t('portal.sent.title'),
      number: ticket.number,
      subject: ticket.subject,
      email: member?.email ?? null,
      again: req.query.again === '1',
    });
  });

  return router;
}
