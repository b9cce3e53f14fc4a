/**
 * `/staff/replies`: each person's saved replies and signature, and the shared replies they may use
 * or manage (supervisors: their office's; administrators: every office's and everyone's). Plain
 * forms with the page's CSRF token, so they work without the page's script; every change goes
 * through the saved-replies service and its policy, as the API does.
 *
 *   GET  /staff/replies                 the list, a form for a new reply, the signature form
 *   GET  /staff/replies/:id             one reply in its form (to change or delete it)
 *   POST /staff/replies                 create; POST /staff/replies/:id change; POST /staff/replies/:id/delete
 *   POST /staff/replies/signature       the signature, per language
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { hasRole, type StaffActor } from '../../auth/actor.js';
import { AppError } from '../../lib/errors.js';
import type { Translate } from '../../lib/i18n.js';
import { createSavedReplyBody, signaturesBody, updateSavedReplyBody } from '../../replies/saved-reply.schemas.js';
import {
  createSavedReply,
  deleteSavedReply,
  getSavedReply,
  getSignatures,
  listSavedReplies,
  setSignatures,
  updateSavedReply,
  type SavedReplyView,
} from '../../replies/saved-replies.service.js';
import { loadCatalog } from './catalog.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

export const repliesPath = '/staff/replies';
const languages = ['fr', 'nl', 'en'] as const;
const doneNotices = ['created', 'updated', 'deleted', 'signatures'];

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

function itemView(r: SavedReplyView, t: Translate, offices: Map<string, string>, locale: string) {
  const present = languages.filter((l) => r.body[l].trim());
  return {
    ...r,
    scopeLabel: t(r.scope === 'shared' ? 'savedReplies.scope_shared' : 'savedReplies.scope_personal'),
    officeLabel: r.scope === 'shared' ? (r.office ? t('savedReplies.office_of', { office: offices.get(r.office) ?? '' }) : t('savedReplies.office_all')) : null,
    languagesLabel: t('savedReplies.languages', { languages: present.map((l) => t(`savedReplies.lang.${l}`)).join(', ') }),
    // In the page's language when the reply has it; line breaks kept (the item's CSS).
    preview: (
      ((languages as readonly string[]).includes(locale) ? r.body[locale as (typeof languages)[number]] : '') ||
      r.body.fr ||
      r.body.nl ||
      r.body.en
    ).slice(0, 600),
  };
}

export function savedReplyPages(_config: Config, tools: StaffPageTools): Router {
  const router = Router();

  async function show(
    req: Request,
    res: Response,
    props: { status?: number; editing?: SavedReplyView | null; form?: Record<string, string>; error?: string | null } = {},
  ) {
    const actor = pageActor(req);
    const t = res.locals.t;
    const catalog = await loadCatalog(res.locals.locale);
    const offices = new Map(catalog.offices.map((o) => [o.value, o.label]));
    const all = await listSavedReplies(actor, res.locals.locale);
    const signatures = await getSignatures(actor);
    const admin = hasRole(actor, 'administrator');
    const editing = props.editing ?? null;
    const form =
      props.form ??
      (editing
        ? {
            title: editing.mainTitle,
            ...Object.fromEntries(languages.map((l) => [`title_${l}`, editing.titles[l]])),
            ...editing.body,
            scope: editing.scope,
          }
        : { scope: 'personal' });
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-replies',
      'replies',
      {
        title: t('savedReplies.title'),
        mine: all.filter((r) => r.scope === 'personal').map((r) => itemView(r, t, offices, res.locals.locale)),
        shared: all.filter((r) => r.scope === 'shared').map((r) => itemView(r, t, offices, res.locals.locale)),
        editing: editing ? { id: editing.id } : null,
        form,
        error: props.error ?? null,
        notice: typeof req.query.done === 'string' && doneNotices.includes(req.query.done) ? t(`savedReplies.done.${req.query.done}`) : null,
        // Who may share: supervisors (their office), administrators (any office, or everyone).
        canShare: !editing && (admin || hasRole(actor, 'supervisor')),
        officeChoices: admin
          ? [
              { value: '', label: t('savedReplies.office_all') },
              ...catalog.offices.map((o) => ({ value: o.value, label: o.label, selected: form.office === o.value })),
            ]
          : null,
        signatures: { fr: signatures.fr ?? '', nl: signatures.nl ?? '', en: signatures.en ?? '' },
        languages: languages.map((l) => ({
          code: l,
          label: t(`savedReplies.field.body_${l}`),
          value: form[l] ?? '',
          titleLabel: t(`savedReplies.field.title_${l}`),
          titleValue: form[`title_${l}`] ?? '',
          signatureLabel: t(`savedReplies.signature.${l}`),
          signature: signatures[l] ?? '',
        })),
      },
      props.status ?? 200,
    );
  }

  /** A refusal from the service or the schema, as a sentence next to the form. */
  function problem(error: unknown, t: Translate): { status: number; error: string } {
    if (!(error instanceof AppError)) throw error;
    if (error.status === 403) return { status: 403, error: t('savedReplies.errors.forbidden') };
    if (error.status === 404) return { status: 404, error: t('savedReplies.errors.not_found') };
    if (error.details?.reason === 'unknown_reply_placeholder') return { status: error.status, error: t('client.reason.unknown_reply_placeholder') };
    const title = error.fields?.some((f) => f.path.startsWith('title'));
    return { status: error.status, error: t(title ? 'savedReplies.errors.title' : 'savedReplies.errors.body') };
  }

  const bodies = (body: unknown) => Object.fromEntries(languages.map((l) => [l, field(body, l)]));
  /** The title in each language, as typed (`title_fr`…); the form keeps them when it is sent back. */
  const titlesOf = (body: unknown) => Object.fromEntries(languages.map((l) => [l, field(body, `title_${l}`)]));
  const titleFields = (body: unknown) => Object.fromEntries(languages.map((l) => [`title_${l}`, field(body, `title_${l}`)]));

  router.get(repliesPath, requirePageActor, async (req, res) => show(req, res));

  router.get(`${repliesPath}/:id`, requirePageActor, async (req, res) => {
    try {
      const reply = await getSavedReply(pageActor(req), String(req.params.id), res.locals.locale);
      if (!reply.canManage) return show(req, res, { status: 403, error: res.locals.t('savedReplies.errors.forbidden') });
      await show(req, res, { editing: reply });
    } catch (error) {
      await show(req, res, problem(error, res.locals.t));
    }
  });

  router.post(repliesPath, requirePageActor, tools.csrf.protect, async (req, res) => {
    const actor: StaffActor = pageActor(req);
    const form = {
      title: field(req.body, 'title'),
      scope: field(req.body, 'scope') || 'personal',
      office: field(req.body, 'office'),
      ...titleFields(req.body),
      ...bodies(req.body),
    };
    const parsed = createSavedReplyBody.safeParse({
      title: form.title,
      titles: titlesOf(req.body),
      body: bodies(req.body),
      scope: form.scope,
      ...(form.scope === 'shared' && hasRole(actor, 'administrator') ? { office: form.office || null } : {}),
    });
    if (!parsed.success) {
      const title = parsed.error.issues.some((i) => i.path[0] === 'title');
      return show(req, res, { status: 400, form, error: res.locals.t(title ? 'savedReplies.errors.title' : 'savedReplies.errors.body') });
    }
    try {
      await createSavedReply(actor, parsed.data, res.locals.locale);
    } catch (error) {
      return show(req, res, { form, ...problem(error, res.locals.t) });
    }
    res.redirect(303, `${repliesPath}?done=created`);
  });

  router.post(`${repliesPath}/signature`, requirePageActor, tools.csrf.protect, async (req, res) => {
    const parsed = signaturesBody.safeParse(bodies(req.body));
    if (!parsed.success) return show(req, res, { status: 400, error: res.locals.t('savedReplies.errors.body') });
    await setSignatures(pageActor(req), parsed.data);
    res.redirect(303, `${repliesPath}?done=signatures#signature`);
  });

  router.post(`${repliesPath}/:id/delete`, requirePageActor, tools.csrf.protect, async (req, res) => {
    try {
      await deleteSavedReply(pageActor(req), String(req.params.id));
    } catch (error) {
      return show(req, res, problem(error, res.locals.t));
    }
    res.redirect(303, `${repliesPath}?done=deleted`);
  });

  router.post(`${repliesPath}/:id`, requirePageActor, tools.csrf.protect, async (req, res) => {
    const form = { title: field(req.body, 'title'), ...titleFields(req.body), ...bodies(req.body) };
    const parsed = updateSavedReplyBody.safeParse({ title: form.title, titles: titlesOf(req.body), body: bodies(req.body) });
    const id = String(req.params.id);
    if (!parsed.success) {
      const title = parsed.error.issues.some((i) => i.path[0] === 'title');
      return show(req, res, {
        status: 400,
        form,
        editing: await getSavedReply(pageActor(req), id, res.locals.locale).catch(() => null),
        error: res.locals.t(title ? 'savedReplies.errors.title' : 'savedReplies.errors.body'),
      });
    }
    try {
      await updateSavedReply(pageActor(req), id, parsed.data, res.locals.locale);
    } catch (error) {
      return show(req, res, { form, ...problem(error, res.locals.t) });
    }
    res.redirect(303, `${repliesPath}?done=updated`);
  });

  return router;
}
