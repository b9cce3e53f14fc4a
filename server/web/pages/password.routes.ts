/**
 * "Forgot password" and the mailed links that set a password (an invitation or a reset):
 *
 *   GET  /staff/login/forgot          the address only
 *   POST /staff/login/forgot          stores the request and answers the same for any address, at once
 *   GET  /staff/password/:token       the link: a form to choose the password (a GET spends nothing)
 *   POST /staff/password              spends the link once, sets the password, ends every session
 *
 * Forms post urlencoded, guarded by the pre-session CSRF token. The request is answered before anyone
 * looks the address up: the worker (mail/password-link-mail.ts) does that afterwards.
 */
import { Router, type Request, type Response } from 'express';
import type { AuthRouteOptions } from '../../auth/auth.routes.js';
import { newPassword, passwordResetRequestBody } from '../../auth/account.schemas.js';
import { admitUnlockRequest, UnlockRequestsRefusedError } from '../../auth/login-gate.js';
import { createLoginThrottle } from '../../auth/login-throttle.js';
import { resetRequestKey, spendPasswordLink } from '../../auth/password-link-use.js';
import { checkPasswordLink, passwordLinkPath, queuePasswordReset } from '../../auth/password-links.js';
import type { Config } from '../../config.js';
import { domainEvents } from '../../lib/domain-events.js';
import { forgotPath } from './account-paths.js';
import { createLoginCsrf } from './login-csrf.js';
import { loginPath } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

type ForgotState = 'form' | 'sent' | 'csrf' | 'email_invalid' | 'busy';
const forgotStatus: Record<ForgotState, number> = { form: 200, sent: 200, csrf: 403, email_invalid: 400, busy: 429 };
type SetState = 'form' | 'expired' | 'invalid' | 'used' | 'csrf' | 'too_short' | 'mismatch';
const setStatus: Record<SetState, number> = { form: 200, expired: 410, invalid: 400, used: 410, csrf: 403, too_short: 400, mismatch: 400 };

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function passwordRoutes(config: Config, tools: StaffPageTools, options: AuthRouteOptions = {}): Router {
  const router = Router();
  const throttle = options.throttle ?? createLoginThrottle(options.rateLimits);
  const loginCsrf = createLoginCsrf(config);

  const showForgot = async (req: Request, res: Response, state: ForgotState, email = ''): Promise<void> => {
    const t = res.locals.t;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-forgot',
      'login',
      {
        title: t('accounts.forgot.title'),
        loginCsrf: loginCsrf.tokenFor(req, res),
        message: state === 'form' ? null : t(`accounts.forgot.states.${state}`),
        isError: forgotStatus[state] >= 400,
        showForm: state !== 'sent',
        email,
        forgotPath,
      },
      forgotStatus[state],
    );
  };

  const showSet = async (
    req: Request,
    res: Response,
    state: SetState,
    view: { token?: string; kind?: 'invite' | 'reset'; name?: string } = {},
  ): Promise<void> => {
    const t = res.locals.t;
    const usable = ['form', 'too_short', 'mismatch', 'csrf'].includes(state) && Boolean(view.token);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-password',
      'login',
      {
        title: t(view.kind === 'invite' ? 'accounts.password.invite_title' : 'accounts.password.title'),
        heading: t(view.kind === 'invite' ? 'accounts.password.invite_heading' : 'accounts.password.heading', { name: view.name ?? '' }),
        loginCsrf: loginCsrf.tokenFor(req, res),
        message: state === 'form' ? null : t(`accounts.password.states.${state}`),
        isError: setStatus[state] >= 400,
        showForm: usable,
        token: view.token ?? '',
        forgotPath,
        passwordLinkPath,
      },
      setStatus[state],
    );
  };

  router.get(forgotPath, async (req, res) => showForgot(req, res, req.query.sent === '1' ? 'sent' : 'form'));

  router.post(forgotPath, async (req, res) => {
    const email = field(req, 'email').slice(0, 254);
    if (!loginCsrf.validate(req)) return showForgot(req, res, 'csrf', email);
    const parsed = passwordResetRequestBody.safeParse({ email });
    if (!parsed.success) return showForgot(req, res, 'email_invalid', email);
    let store: boolean;
    try {
      store = await admitUnlockRequest(throttle, req, res, resetRequestKey(parsed.data.email));
    } catch (error) {
      if (error instanceof UnlockRequestsRefusedError) return showForgot(req, res, 'busy', email);
      throw error;
    }
    // Stored as it is for any address; the worker decides afterwards whether a mail goes out.
    if (store) await queuePasswordReset(parsed.data.email, res.locals.locale);
    res.redirect(303, `${forgotPath}?sent=1`);
    if (store) domainEvents.publish('staff.password_link_requested', {});
  });

  router.get(`${passwordLinkPath}/:token`, async (req, res) => {
    const token = String(req.params.token);
    const check = await checkPasswordLink(config, token);
    if (!check.ok) return showSet(req, res, check.reason);
    await showSet(req, res, 'form', { token, kind: check.kind, name: check.staff.name });
  });

  router.post(passwordLinkPath, async (req, res) => {
    const token = field(req, 'token').slice(0, 2000);
    // A typing mistake keeps the page it was: an invitation's welcome, by name, or a reset (QA).
    const link = await checkPasswordLink(config, token);
    const same = link.ok ? { token, kind: link.kind, name: link.staff.name } : { token };
    if (!loginCsrf.validate(req)) return showSet(req, res, 'csrf', same);
    const password = field(req, 'password');
    if (password !== field(req, 'confirm')) return showSet(req, res, 'mismatch', same);
    if (!newPassword.safeParse(password).success) return showSet(req, res, 'too_short', same);
    const used = await spendPasswordLink(config, token, password, req.ip);
    if (!used.ok) return showSet(req, res, used.reason);
    res.redirect(303, `${loginPath}?password_set=1`);
  });

  return router;
}
