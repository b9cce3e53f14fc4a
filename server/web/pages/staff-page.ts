/**
 * The frame every staff page shares: the top bar (who is signed in, their role,
 * navigation, language switch, sign-out), the CSRF token for the page's scripts,
 * and the strings those scripts show, rendered as JSON data (never inline code:
 * the CSP allows scripts from 'self' only).
 */
import type { Locale } from '../../lib/i18n.js';
import { workplaceName } from '../../staff/staff.queries.js';
import type { Request, Response } from 'express';
import { hasRole, type StaffActor } from '../../auth/actor.js';
import type { CsrfTools } from '../../auth/auth.middleware.js';
import type { OnlineSource } from '../../realtime/online.js';
import { locales, type Translate } from '../../lib/i18n.js';
import { clientStringKeys } from './client-strings.js';
import { initials } from './format.js';

export type StaffSection =
  | 'queue'
  | 'history'
  | 'board'
  | 'ticket'
  | 'login'
  | 'mail'
  | 'inbound'
  | 'search'
  | 'replies'
  | 'new_ticket'
  | 'housekeeping'
  | 'admin'
  | 'account'
  | 'staff_admin'
  | 'blocked_senders';

/** Sections reached from the administration's landing page: its link stays current on them. */
const adminSections: readonly StaffSection[] = ['admin', 'housekeeping', 'staff_admin'];

export interface LangLink {
  code: string;
  label: string;
  name: string;
  href: string;
  current: boolean;
}

/** Whether the person answers members (every role but administrator's): they have a history and may file tickets. */
function worksTickets(actor: StaffActor): boolean {
  return actor.roles.some((r) => r !== 'administrator');
}

/** Each language in its own words (a choice of language is read by someone who may not read the page's). */
export const languageNames: Record<string, string> = { fr: 'Français', nl: 'Nederlands', en: 'English' };
const roleOrder = ['supervisor', 'advisor', 'support', 'administrative', 'administrator'] as const;

/** The language links keep the current address and filters, only `lang` changes. */
export function languageLinks(req: Request, current: string): LangLink[] {
  const url = new URL(req.originalUrl, 'http://relais.invalid');
  return locales.map((code) => {
    url.searchParams.set('lang', code);
    return {
      code,
      label: code.toUpperCase(),
      name: languageNames[code] ?? code,
      href: `${url.pathname}?${url.searchParams.toString()}`,
      current: code === current,
    };
  });
}

const clientStringsByLocale = new Map<Locale, Record<string, string>>();

/** The strings a page's browser module needs, in the page's language (the same for every page: kept per language). */
export function clientStrings(t: Translate, locale: Locale): Record<string, string> {
  let strings = clientStringsByLocale.get(locale);
  // skipInterpolation keeps "{{name}}" for the browser to fill in.
  if (!strings) clientStringsByLocale.set(locale, (strings = Object.fromEntries(clientStringKeys.map((key) => [key, t(key, { skipInterpolation: true })]))));
  return strings;
}

export function isSupervisor(actor: StaffActor): boolean {
  return hasRole(actor, 'supervisor');
}

function placeOf(actor: StaffActor, locale: Locale): Promise<string | null> {
  return workplaceName(actor, locale);
}

export interface StaffPageTools {
  csrf: CsrfTools;
  /** Who is connected to the live layer (the board's presence). */
  online: OnlineSource;
}

/**
 * Renders a staff page inside `layouts/staff` with the shared frame. `data.pageData`
 * (JSON for the page's script) and `data.script` (its module name) are optional.
 */
export async function renderStaffPage(
  req: Request,
  res: Response,
  tools: StaffPageTools,
  page: string,
  section: StaffSection,
  data: Record<string, unknown>,
  status = 200,
): Promise<void> {
  const t = res.locals.t;
  const actor = req.actor;
  let chrome: Record<string, unknown> = {};
  if (actor) {
    const roles = roleOrder.filter((r) => actor.roles.includes(r)).map((r) => t(`roles.${r}`));
    const place = await placeOf(actor, res.locals.locale);
    chrome = {
      // "Équipe de soutien · Équipe de soutien" says nothing twice.
      me: {
        id: String(actor.id),
        name: actor.name,
        roleLabel: roles.join(' · '),
        place: place && !roles.includes(place) ? place : null,
        initials: initials(actor.name),
      },
      nav: [
        { key: 'queue', href: '/staff/queue', label: t('nav.queue'), current: section === 'queue' },
        // Administrators work no tier: their history would be empty.
        ...(worksTickets(actor) ? [{ key: 'history', href: '/staff/history', label: t('nav.history'), current: section === 'history' }] : []),
        ...(isSupervisor(actor) ? [{ key: 'board', href: '/staff/board', label: t('nav.board'), current: section === 'board' }] : []),
        { key: 'replies', href: '/staff/replies', label: t('savedReplies.nav'), current: section === 'replies' },
        ...(hasRole(actor, 'administrator') ? [{ key: 'mail', href: '/staff/mail', label: t('mailAdmin.nav'), current: section === 'mail' }] : []),
        ...(hasRole(actor, 'administrator') ? [{ key: 'inbound', href: '/staff/inbound', label: t('inboundAdmin.nav'), current: section === 'inbound' }] : []),
        ...(hasRole(actor, 'administrator') ? [{ key: 'admin', href: '/staff/admin', label: t('admin.nav'), current: adminSections.includes(section) }] : []),
        // A phone call or a visit: anyone who answers members may file it (administrators work no tier).
        ...(worksTickets(actor)
          ? [{ key: 'new_ticket', href: '/staff/new-ticket', label: t('workflow.new_ticket.nav'), current: section === 'new_ticket' }]
          : []),
      ],
      // An administrator alone reads no ticket: the queue, history and search say so instead of looking empty (QA).
      noTicketWork: !worksTickets(actor),
      csrfToken: tools.csrf.tokenFor(req, res),
    };
  }
  const html = req.app.locals.views.render(
    page,
    {
      ...chrome,
      ...data,
      section,
      langLinks: languageLinks(req, res.locals.locale),
      clientStrings: clientStrings(t, res.locals.locale),
      t,
      locale: res.locals.locale,
      requestPath: req.path,
    },
    'staff',
  );
  res.status(status).type('html').send(html);
}

/** The staff error page with 403: `prefix` names the page's `forbidden_title` and `forbidden_text` strings. */
export async function renderForbidden(
  req: Request,
  res: Response,
  tools: StaffPageTools,
  section: StaffSection,
  prefix: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const t = res.locals.t;
  await renderStaffPage(req, res, tools, 'staff-error', section, { title: t(`${prefix}.forbidden_title`), text: t(`${prefix}.forbidden_text`), ...extra }, 403);
}

/** Renders a partial (a fragment a page's script swaps in) with the request's translator. */
export function renderPartial(req: Request, res: Response, name: string, data: object): string {
  return req.app.locals.views.renderTemplate(`partials/${name}`, { ...data, t: res.locals.t, locale: res.locals.locale });
}
