/**
 * The mail settings and member mail texts (administrators only: every other role gets 403 before
 * anything is read). Addresses, mailboxes and SMTP stay in the environment: read-only here.
 *
 *   GET    /admin/mail/settings                       addresses, IMAP mailboxes, SMTP (no password)
 *   POST   /admin/mail/imap/:name/test                connect, log in, open the folder; the result
 *   POST   /admin/mail/test-send                      { to } a test mail through the outbox (202)
 *   GET    /admin/mail/test-send/:id                  its state
 *   GET    /admin/mail/templates                      member and staff-notice templates × languages, with own texts
 *   GET    /admin/mail/templates/:template/:locale    one, with its preview (demo data)
 *   PUT    /admin/mail/templates/:template/:locale    { subject, intro, closing? } (null: the default; 422 unknown placeholder)
 *   DELETE /admin/mail/templates/:template/:locale    back to the default
 */
import { z } from 'zod';
import { administratorsOnly } from '../auth/administrator.js';
import { requireActor } from '../auth/current.js';
import type { Config } from '../config.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { mailSettings, sendTestMail, testImapMailbox, testMailState } from './mail-settings.js';
import { previewTemplate, resetTemplateText, setTemplateText, templateKey, templateText, templateTexts } from './template-texts.js';
import { mailLocales } from './templates.js';

const tag = 'Administration';
const access = { kind: 'staff', policy: 'administer' } as const;
const before = [administratorsOnly];
const byName = { params: z.strictObject({ name: z.string().max(100) }) };
const testSend = { body: z.strictObject({ to: z.email().max(254), locale: z.enum(mailLocales).optional() }) };
const byId = { params: z.strictObject({ id: z.string().max(200) }) };
const byTemplate = { params: z.strictObject({ template: z.string().max(60), locale: z.string().max(5) }) };
export const templateTextBody = z.strictObject({
  subject: z.string().max(300).nullable(),
  intro: z.string().max(4000).nullable(),
  /** Member mail only; left out: unchanged. */
  closing: z.string().max(1000).nullable().optional(),
});
const templateChange = { ...byTemplate, body: templateTextBody };

export function mailSettingsRoutes(config: Config): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/admin/mail/settings',
      tag,
      summary: 'Inbound addresses, IMAP mailboxes and the outgoing SMTP server, as configured (administrators; no password)',
      access,
      before,
      handler: (_req, res) => {
        res.json({ settings: mailSettings(config) });
      },
    }),
    route({
      method: 'post',
      path: '/admin/mail/imap/:name/test',
      tag,
      summary: 'Test an IMAP mailbox: connect, log in, open its folder, within 10 s (administrators; limited; audited)',
      access,
      before,
      ...byName,
      handler: async (req, res) => {
        res.json({ result: await testImapMailbox(requireActor(req), config, valid(req, byName).params.name, { ip: req.ip }) });
      },
    }),
    route({
      method: 'post',
      path: '/admin/mail/test-send',
      tag,
      summary: 'Send a test mail through the outbox to an address (administrators; 5 per 15 minutes; audited)',
      access,
      before,
      success: 202,
      ...testSend,
      handler: async (req, res) => {
        const { body } = valid(req, testSend);
        const mail = await sendTestMail(
          requireActor(req),
          config,
          { to: body.to, locale: body.locale ?? res.locals.locale ?? config.defaultLocale },
          { ip: req.ip },
        );
        res.status(202).json({ mail });
      },
    }),
    route({
      method: 'get',
      path: '/admin/mail/test-send/:id',
      tag,
      summary: 'The state of a test mail: queued, sent or failed, with the server’s answer (administrators)',
      access,
      before,
      ...byId,
      handler: async (req, res) => {
        res.json({ mail: await testMailState(valid(req, byId).params.id) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/mail/templates',
      tag,
      summary: 'The member mail and staff notification templates in each language, with the administrators’ texts (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json({ templates: await templateTexts() });
      },
    }),
    route({
      method: 'get',
      path: '/admin/mail/templates/:template/:locale',
      tag,
      summary: 'One mail template’s texts and its preview with demo data (administrators)',
      access,
      before,
      ...byTemplate,
      handler: async (req, res) => {
        const { template, locale } = templateKey(valid(req, byTemplate).params.template, valid(req, byTemplate).params.locale);
        res.json({ template: await templateText(template, locale), preview: await previewTemplate(template, locale, config.publicUrl) });
      },
    }),
    route({
      method: 'put',
      path: '/admin/mail/templates/:template/:locale',
      tag,
      summary: 'Set a mail template’s subject, introduction and (member mail) closing line in one language; null keeps the default (administrators; audited)',
      access,
      before,
      ...templateChange,
      handler: async (req, res) => {
        const { params, body } = valid(req, templateChange);
        res.json({ template: await setTemplateText(requireActor(req), templateKey(params.template, params.locale), body, { ip: req.ip }) });
      },
    }),
    route({
      method: 'delete',
      path: '/admin/mail/templates/:template/:locale',
      tag,
      summary: 'Back to the default subject and no introduction (administrators; audited)',
      access,
      before,
      ...byTemplate,
      handler: async (req, res) => {
        const { params } = valid(req, byTemplate);
        res.json({ template: await resetTemplateText(requireActor(req), templateKey(params.template, params.locale), { ip: req.ip }) });
      },
    }),
  ];
}
