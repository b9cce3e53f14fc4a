/**
 * The "send me a link" page (`/suivi`, and every answer that ends there: a spent, expired or broken
 * link, no session, signed out), and the fresh link in one click from a link that no longer opens
 * (`POST /suivi/lien/nouveau`): a member who taps last week's mail on their laptop, after opening it on
 * their phone, should not have to type their address. The new link goes to the address of the member
 * the old link names — the mailbox it was sent to, never an address typed here — shown masked
 * ("s•••@example.be") so they know where to look. A token Relais did not sign gets the usual form.
 */
import type { Request, Response, Router } from 'express';
import type { Config } from '../../config.js';
import { domainEvents } from '../../lib/domain-events.js';
import { queueLinkRequest } from '../../members/link-requests.js';
import { memberById } from '../../members/member-lookup.js';
import { linkOwner } from '../../members/member-links.js';
import type { LoginCsrf } from '../pages/login-csrf.js';
import { renderPage } from '../render.js';
import { textField, type FieldErrors } from './form-fields.js';
import { pageLimiter, type PublicFormLimits } from './help-form.routes.js';

export type AccessState = 'start' | 'sent' | 'resent' | 'expired' | 'invalid' | 'used' | 'signed_out' | 'signed_out_all' | 'no_session';

export interface AccessProps {
  status?: number;
  state?: AccessState;
  email?: string;
  errors?: FieldErrors;
  tickets?: unknown[];
  signedIn?: boolean;
  /** Signed in with a link to all their requests: no need to offer one (QA: the form stayed, address filled in). */
  seesAll?: boolean;
  /** A genuine link that no longer opens (used, expired): the page offers a fresh one to its member's address. */
  resend?: string;
}

export type ShowAccess = (req: Request, res: Response, props?: AccessProps) => Promise<void>;

/** "sofie.vdb@example.be" → "s•••@example.be": enough to know which mailbox, not to learn the address. */
export function maskedAddress(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 1 ? '•••' : `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** The address a fresh link for `token` goes to: its member's, unless the token is not Relais's or the member is gone. */
async function ownersAddress(config: Config, token: string): Promise<string | null> {
  const memberId = linkOwner(config, token);
  const member = memberId ? await memberById<{ email?: string; erasedAt?: Date | null }>(memberId, { email: 1, erasedAt: 1 }) : null;
  return member?.email && !member.erasedAt ? member.email : null;
}

/** The page, in one of its states. */
export function accessPage(config: Config, csrf: LoginCsrf): ShowAccess {
  const linkDays = Math.max(1, Math.round(config.memberLinkTtl / 86400));
  return async (req, res, props = {}) => {
    const to = props.resend ? await ownersAddress(config, props.resend) : null;
    renderPage(
      req,
      res,
      'member-access',
      {
        title: res.locals.t('portal.access.title'),
        state: props.state ?? 'start',
        // What the mail says too (member-link-mail.ts): how long the browser it is opened in keeps access.
        sentText: props.state === 'sent' || props.state === 'resent' ? res.locals.t(`portal.access.${props.state}`, { count: linkDays }) : null,
        notice: props.state && !['start', 'sent', 'resent'].includes(props.state) ? res.locals.t(`portal.access.${props.state}`) : null,
        resend: to && props.resend ? { token: props.resend, to: maskedAddress(to) } : null,
        email: props.email ?? '',
        errors: props.errors ?? {},
        tickets: props.tickets ?? [],
        signedIn: props.signedIn ?? false,
        offerLink: !(props.signedIn && props.seesAll),
        csrfToken: csrf.tokenFor(req, res),
      },
      props.status ?? 200,
    );
  };
}

/** `POST /suivi/lien/nouveau`: a fresh link for the member a spent or expired link names, by the per-IP and a per-member limit. */
export function linkResendRoute(router: Router, config: Config, limits: PublicFormLimits, csrf: LoginCsrf, show: ShowAccess): void {
  const token = (req: Request): string => textField(req.body as Record<string, unknown>, 'token').slice(0, 2000);
  const perIp = pageLimiter(limits.linkPerIp, 'member-resend-ip', (req, res) => show(req, res, { status: 429, errors: { email: res.locals.t('portal.errors.rate_limited') } }));
  const perMember = pageLimiter(
    limits.linkPerEmail,
    'member-resend-member',
    // Past the limit the answer is the usual one: the links already sent are on their way.
    (_req, res) => res.redirect(303, '/suivi?sent=link'),
    (req) => `member:${linkOwner(config, token(req)) ?? '-'}`,
  );
  router.post('/suivi/lien/nouveau', perIp, perMember, async (req, res) => {
    if (!csrf.validate(req)) return show(req, res, { status: 403, errors: { email: res.locals.t('portal.errors.csrf') } });
    const to = await ownersAddress(config, token(req));
    if (!to) return show(req, res, { status: 400, state: 'invalid' });
    await queueLinkRequest(to, res.locals.locale);
    domainEvents.publish('member.link_requested', {});
    res.redirect(303, '/suivi?sent=link');
  });
}
