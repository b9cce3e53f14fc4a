/**
 * `/staff/admin/mail-settings`: the addresses Relais receives at, its IMAP mailboxes (each with
 * "Test connection"), the outgoing SMTP server (with "Send a test mail", whose state the page shows
 * and follows while it is queued), all read-only from the environment; and the mail texts (member
 * mail and staff notifications): one page per template and language (`…/templates/:template/:locale`)
 * with the subject, introduction and (member mail) closing line form, "back to the default", and the preview rendered with demo data (HTML in a
 * sandboxed frame served under its own CSP, as the outgoing mail page does). Plain forms with the
 * page's CSRF token; everything goes through mail/mail-settings.ts and mail/template-texts.ts.
 */
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../../config.js';
import { BadRequestError, UnprocessableError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import type { ImapProbeResult } from '../../../mail/inbound/imap-probe.js';
import { mailSettings, sendTestMail, testImapMailbox, testMailState, type TestMailView } from '../../../mail/mail-settings.js';
import {
  previewTemplate,
  resetTemplateText,
  setTemplateText,
  templateKey,
  templateText,
  templateTexts,
  type TemplateTextView,
} from '../../../mail/template-texts.js';
import { mailAudience } from '../../../mail/templates.js';
import { caughtHtmlCsp } from '../mail-admin.routes.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, formField, refusal, type FieldErrors } from './admin-page.js';

export const mailSettingsPath = `${adminPath}/mail-settings`;
const templatesPath = `${mailSettingsPath}/templates`;

interface TemplateForm {
  subject: string;
  intro: string;
  closing: string;
}

const isOwn = (x: TemplateTextView): boolean => x.subject !== null || x.intro !== null || x.closing !== null;

/** The list of templates with texts, member mail and staff notifications apart. */
function templateRows(texts: TemplateTextView[], t: Translate) {
  const rows = texts.map((x) => ({
    ...x,
    href: `${templatesPath}/${x.template}/${x.locale}`,
    name: t(`mailSettings.templates.name.${x.template}`),
    own: isOwn(x),
  }));
  return { templates: rows.filter((r) => r.audience === 'member'), staffTemplates: rows.filter((r) => r.audience === 'staff') };
}

/** A refusal in the page's language; a malformed `{{…}}` is shown with its field, an unknown placeholder with those the message offers. */
function templateRefusal(error: unknown, t: Translate): { status: number; error: string } {
  if (error instanceof UnprocessableError && error.details?.reason === 'unknown_placeholder') {
    const names = (list: unknown) => (Array.isArray(list) ? list.map((n) => `{{${String(n)}}}`).join(' ') : '');
    return {
      status: 422,
      error: t('mailSettings.templates.unknown_placeholder', { names: names(error.details.unknown), offered: names(error.details.placeholders) }),
    };
  }
  if (error instanceof UnprocessableError && error.details?.reason === 'placeholder_syntax') {
    const { field, problem, excerpt } = error.details;
    return {
      status: 422,
      error: t(`mailSettings.templates.brace.${String(problem)}`, { field: t(`mailSettings.templates.field.${String(field)}`), excerpt: String(excerpt) }),
    };
  }
  if (error instanceof UnprocessableError && error.fields?.some((f) => f.path === 'closing'))
    return { status: 422, error: t('mailSettings.templates.no_closing') };
  return refusal(error, t);
}

export function mailSettingsPages(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  async function showSettings(
    req: Request,
    res: Response,
    props: { status?: number; error?: string; invalid?: FieldErrors; probe?: { name: string; result: ImapProbeResult }; to?: string } = {},
  ) {
    const t = res.locals.t;
    const settings = mailSettings(config);
    const sentId = typeof req.query.sent === 'string' ? req.query.sent : null;
    const sent: TestMailView | null = sentId ? await testMailState(sentId).catch(() => null) : null;
    const texts = await templateTexts();
    const probe = props.probe;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-mail-settings',
      'admin',
      {
        title: t('mailSettings.title'),
        error: props.error ?? null,
        invalid: props.invalid ?? {},
        // While the test mail waits in the outbox the page follows it.
        refreshSeconds: sent?.status === 'queued' ? 2 : null,
        settings,
        smtpModeText: t(`mailSettings.smtp.mode.${settings.smtp.mode}`),
        mailboxes: settings.imap.map((m) => ({
          ...m,
          testAction: `${mailSettingsPath}/imap/${encodeURIComponent(m.name)}/test`,
          result:
            probe?.name === m.name
              ? {
                  ok: probe.result.ok,
                  text: probe.result.ok
                    ? t('mailSettings.imap.ok', { folder: m.folder, count: probe.result.messages ?? 0, ms: probe.result.elapsedMs })
                    : t(`mailSettings.imap.failed.${probe.result.problem ?? 'other'}`, { step: t(`mailSettings.imap.step.${probe.result.step}`) }),
                  detail: probe.result.detail,
                }
              : null,
        })),
        to: props.to ?? '',
        sent: sent
          ? {
              ...sent,
              statusText: t(`mailSettings.test_send.status.${sent.status}`, { to: sent.to }),
              failed: sent.status === 'failed',
              ok: sent.status === 'sent',
            }
          : null,
        ...templateRows(texts, t),
      },
      props.status ?? 200,
    );
  }

  router.get(mailSettingsPath, ...guard, async (req, res) => showSettings(req, res));

  router.post(`${mailSettingsPath}/imap/:name/test`, ...guard, tools.csrf.protect, async (req, res) => {
    const name = String(req.params.name);
    try {
      const result = await testImapMailbox(pageActor(req), config, name, { ip: req.ip });
      await showSettings(req, res, { probe: { name, result } });
    } catch (error) {
      await showSettings(req, res, refusal(error, res.locals.t));
    }
  });

  router.post(`${mailSettingsPath}/test-send`, ...guard, tools.csrf.protect, async (req, res) => {
    const to = formField(req.body, 'to').trim();
    try {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to) || to.length > 254)
        throw new BadRequestError('invalid', [{ path: 'to', message: 'an email address', reason: { code: 'email' } }]);
      const mail = await sendTestMail(pageActor(req), config, { to, locale: res.locals.locale }, { ip: req.ip });
      res.redirect(303, `${mailSettingsPath}?sent=${mail.id}#test-send`);
    } catch (error) {
      const refused = refusal(error, res.locals.t, { to: 'mailSettings.test_send.to' });
      const limited = refused.status === 429 ? res.locals.t('mailSettings.test_send.limited') : refused.error;
      await showSettings(req, res, { status: refused.status, error: limited, invalid: refused.invalid, to });
    }
  });

  async function showTemplate(req: Request, res: Response, props: { status?: number; error?: string; form?: TemplateForm } = {}) {
    const t = res.locals.t;
    let key;
    try {
      key = templateKey(String(req.params.template), String(req.params.locale));
    } catch (error) {
      const { status, error: text } = refusal(error, t);
      await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('mailSettings.title'), text }, status);
      return;
    }
    const [text, preview] = await Promise.all([templateText(key.template, key.locale), previewTemplate(key.template, key.locale, config.publicUrl)]);
    const action = `${templatesPath}/${key.template}/${key.locale}`;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-mail-template',
      'admin',
      {
        title: t('mailSettings.templates.page_title', { name: t(`mailSettings.templates.name.${key.template}`), lang: key.locale.toUpperCase() }),
        notice: doneNotice(req, t, 'mailSettings.templates.done', ['saved', 'reset']),
        error: props.error ?? null,
        action,
        resetAction: `${action}/reset`,
        lang: key.locale,
        text,
        placeholders: text.placeholders.map((p) => `{{${p}}}`).join(' '),
        form: props.form ?? { subject: text.subject ?? '', intro: text.intro ?? '', closing: text.closing ?? '' },
        own: isOwn(text),
        forMembers: text.audience === 'member',
        // Member mail about one ticket shares one subject: a different one splits the member's conversation.
        oneThread: text.audience === 'member' && text.defaultSubject.startsWith('[{{ticketNumber}}]'),
        preview: { subject: preview.subject, text: preview.text, htmlSrc: `${action}/preview.html` },
      },
      props.status ?? 200,
    );
  }

  router.get(`${templatesPath}/:template/:locale`, ...guard, async (req, res) => showTemplate(req, res));

  router.post(`${templatesPath}/:template/:locale`, ...guard, tools.csrf.protect, async (req, res) => {
    const form: TemplateForm = {
      subject: formField(req.body, 'subject').slice(0, 300),
      intro: formField(req.body, 'intro').slice(0, 4000),
      closing: formField(req.body, 'closing').slice(0, 1000),
    };
    try {
      const key = templateKey(String(req.params.template), String(req.params.locale));
      // Staff notifications have no closing field: leaving it out keeps it as it is (none).
      const closing = mailAudience[key.template] === 'member' ? form.closing || null : undefined;
      await setTemplateText(pageActor(req), key, { subject: form.subject || null, intro: form.intro || null, closing }, { ip: req.ip });
      res.redirect(303, `${templatesPath}/${key.template}/${key.locale}?done=saved`);
    } catch (error) {
      await showTemplate(req, res, { ...templateRefusal(error, res.locals.t), form });
    }
  });

  router.post(`${templatesPath}/:template/:locale/reset`, ...guard, tools.csrf.protect, async (req, res) => {
    const key = templateKey(String(req.params.template), String(req.params.locale));
    await resetTemplateText(pageActor(req), key, { ip: req.ip });
    res.redirect(303, `${templatesPath}/${key.template}/${key.locale}?done=reset`);
  });

  router.get(`${templatesPath}/:template/:locale/preview.html`, ...guard, async (req, res) => {
    const key = templateKey(String(req.params.template), String(req.params.locale));
    const preview = await previewTemplate(key.template, key.locale, config.publicUrl);
    // Replaces the app's CSP for this response, like a caught message's HTML: sandboxed, no script.
    res.set({
      'Content-Security-Policy': caughtHtmlCsp,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'SAMEORIGIN',
      'Referrer-Policy': 'no-referrer',
    });
    res.type('html').send(preview.html);
  });

  return router;
}
