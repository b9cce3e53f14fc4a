/**
 * The staff sign-in form (`GET/POST /staff/login`), sign-out (`POST /staff/logout`) and the way
 * back into a locked account:
 *
 *   GET  /staff/login/unlock           "email me an unlock link" (the address only)
 *   POST /staff/login/unlock           stores the request and answers the same for any address
 *   GET  /staff/login/unlock/:token    a mailed link: asks to confirm (a GET spends nothing, so a
 *                                      mail scanner fetching the link does not use it up)
 *   POST /staff/login/unlock/use       spends the link once and gives this browser the unlock grant
 *
 * Every form posts urlencoded, guarded by the pre-session CSRF token, and sign-ins pass the same
 * throttle as the JSON sign-in (login-throttle.ts). Errors are shown in the page's language; the
 * person goes back where they were.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { clearAuthCookies, createCsrf, setAuthCookies } from '../../auth/auth.middleware.js';
import type { AuthRouteOptions } from '../../auth/auth.routes.js';
import { admitLogin, admitUnlockRequest, LoginRefusedError, UnlockRequestsRefusedError } from '../../auth/login-gate.js';
import { createLoginThrottle } from '../../auth/login-throttle.js';
import { loginBody, unlockRequestBody } from '../../auth/auth.schemas.js';
import { createAuthService } from '../../auth/auth.service.js';
import { queueUnlockRequest, setUnlockGrant, unlockGrantTtlSeconds, unlockPath, useUnlockLink, verifyUnlockLink } from '../../auth/unlock.js';
import type { Config } from '../../config.js';
import { domainEvents } from '../../lib/domain-events.js';
import { UnauthorizedError } from '../../lib/errors.js';
import { signSecondStep, setSecondStepCookie } from '../../auth/second-step.js';
import { createLoginCsrf } from './login-csrf.js';
import { afterSignIn, codePath, forgotPath } from './account-paths.js';
import { homePathFor, loginPath, loginUrl, logoutPath, safeNext } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';
import { applyPageLanguage } from '../locale.js';

type LoginProblem = 'bad_credentials' | 'invalid' | 'csrf' | 'rate_limited_delay' | 'rate_limited_ip' | 'rate_limited_account';

const problemStatus: Record<LoginProblem, number> = {
  bad_credentials: 401,
  invalid: 400,
  csrf: 403,
  rate_limited_delay: 429,
  rate_limited_ip: 429,
  rate_limited_account: 429,
};

type UnlockState = 'form' | 'sent' | 'confirm' | 'expired' | 'invalid' | 'used' | 'csrf' | 'email_invalid' | 'busy';

const unlockStatus: Record<UnlockState, number> = {
  form: 200,
  sent: 200,
  confirm: 200,
  expired: 410,
  invalid: 400,
  used: 410,
  csrf: 403,
  email_invalid: 400,
  busy: 429,
};

function field(req: Request, name: string): string {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/** Runs a middleware inside a handler: resolves on `next()`, rejects on `next(error)`. */
function run(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    Promise.resolve(middleware(req, res, (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()))).catch(
      reject,
    );
  });
}

const minutes = (s: number): number => Math.max(1, Math.ceil(s / 60));

export function loginRoutes(config: Config, tools: StaffPageTools, options: AuthRouteOptions = {}): Router {
  const router = Router();
  const service = options.service ?? createAuthService(config.jwt);
  const loginCsrf = createLoginCsrf(config);
  const sessionCsrf = createCsrf(config);
  const throttle = options.throttle ?? createLoginThrottle(options.rateLimits);

  const showForm = async (req: Request, res: Response, view: { email?: string; next?: string; problem?: LoginProblem; retryAfter?: number }): Promise<void> => {
    const t = res.locals.t;
    const notices = ['expired', 'signed_out', 'unlocked', 'password_set'] as const;
    const noticeKey = notices.find((key) => req.query[key] === '1');
    const wait = view.retryAfter ?? 0;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-login',
      'login',
      {
        title: t('login.title'),
        loginCsrf: loginCsrf.tokenFor(req, res),
        email: view.email ?? '',
        next: view.next ?? '',
        notice:
          view.problem || !noticeKey
            ? null
            : t(noticeKey === 'password_set' ? 'accounts.password.done' : `login.${noticeKey}`, { minutes: minutes(unlockGrantTtlSeconds) }),
        forgotPath,
        // A delay is counted in seconds, the other limits in minutes (plural forms in the locales).
        error: view.problem ? t(`login.errors.${view.problem}`, { count: view.problem === 'rate_limited_delay' ? wait : minutes(wait) }) : null,
        // Locked for everyone: the owner can have a link mailed to the account's address.
        offerUnlock: view.problem === 'rate_limited_account',
        unlockPath,
      },
      view.problem ? problemStatus[view.problem] : 200,
    );
  };

  const showUnlock = async (req: Request, res: Response, view: { state: UnlockState; email?: string; token?: string }): Promise<void> => {
    const t = res.locals.t;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-unlock',
      'login',
      {
        title: t('login.unlock.title'),
        loginCsrf: loginCsrf.tokenFor(req, res),
        state: view.state,
        confirm: view.state === 'confirm',
        showRequestForm: !['confirm', 'sent'].includes(view.state),
        message: view.state === 'form' ? null : t(`login.unlock.states.${view.state}`),
        isError: unlockStatus[view.state] >= 400,
        email: view.email ?? '',
        token: view.token ?? '',
        unlockPath,
      },
      unlockStatus[view.state],
    );
  };

  router.get(loginPath, async (req, res) => {
    const next = safeNext(req.query.next);
    if (req.actor) {
      res.redirect(303, next ?? homePathFor(req.actor));
      return;
    }
    await showForm(req, res, { next });
  });

  router.post(loginPath, async (req, res) => {
    const next = safeNext(field(req, 'next'));
    const email = field(req, 'email').slice(0, 254);
    if (!loginCsrf.validate(req)) {
      await showForm(req, res, { email, next, problem: 'csrf' });
      return;
    }
    const parsed = loginBody.safeParse({ email: field(req, 'email'), password: field(req, 'password') });
    if (!parsed.success) {
      await showForm(req, res, { email, next, problem: 'invalid' });
      return;
    }
    try {
      const admitted = await admitLogin(throttle, config, req, res, parsed.data.email, { password: true });
      const result = await service.login(parsed.data.email, parsed.data.password, { userAgent: req.get('user-agent'), ip: req.ip });
      await admitted.succeeded(res);
      if (result.kind === 'second_step') {
        // No session yet: a signed second-step cookie until the code is right (second-step.routes.ts).
        const step = signSecondStep(config, { staffId: String(result.staff._id), tokenVersion: result.staff.tokenVersion, next: next ?? null });
        setSecondStepCookie(res, config, step.token);
        res.redirect(303, codePath);
        return;
      }
      setAuthCookies(res, config, result);
      // The pages in the language the person chose on their account page, on any computer they sign in on.
      applyPageLanguage(res, result.staff);
      loginCsrf.clear(res);
      res.redirect(303, afterSignIn(config, result.staff, next));
    } catch (error) {
      if (error instanceof LoginRefusedError) {
        await showForm(req, res, { email, next, problem: `rate_limited_${error.refusal.lock}`, retryAfter: error.refusal.retryAfterSeconds });
        return;
      }
      if (error instanceof UnauthorizedError) {
        await showForm(req, res, { email, next, problem: 'bad_credentials' });
        return;
      }
      throw error;
    }
  });

  router.get(unlockPath, async (req, res) => {
    await showUnlock(req, res, { state: req.query.sent === '1' ? 'sent' : 'form' });
  });

  router.post(unlockPath, async (req, res) => {
    const email = field(req, 'email').slice(0, 254);
    if (!loginCsrf.validate(req)) return showUnlock(req, res, { state: 'csrf', email });
    const parsed = unlockRequestBody.safeParse({ email: field(req, 'email') });
    if (!parsed.success) return showUnlock(req, res, { state: 'email_invalid', email });
    let store: boolean;
    try {
      store = await admitUnlockRequest(throttle, req, res, parsed.data.email);
    } catch (error) {
      if (error instanceof UnlockRequestsRefusedError) return showUnlock(req, res, { state: 'busy', email });
      throw error;
    }
    // The answer comes before anyone looks the address up: the request is stored as it is for any
    // address, and the worker (mail/staff-unlock-mail.ts) decides afterwards whether a mail goes out.
    if (store) await queueUnlockRequest(parsed.data.email, res.locals.locale);
    res.redirect(303, `${unlockPath}?sent=1`);
    if (store) domainEvents.publish('staff.unlock_requested', {});
  });

  router.get(`${unlockPath}/:token`, async (req, res) => {
    const token = req.params.token;
    const check = verifyUnlockLink(config, token);
    if (!check.ok) return showUnlock(req, res, { state: check.reason });
    await showUnlock(req, res, { state: 'confirm', token });
  });

  router.post(`${unlockPath}/use`, async (req, res) => {
    const token = field(req, 'token');
    if (!loginCsrf.validate(req)) return showUnlock(req, res, { state: 'csrf' });
    const check = verifyUnlockLink(config, token);
    if (!check.ok) return showUnlock(req, res, { state: check.reason });
    if (!(await useUnlockLink(check.useKey, check.claims.staffId))) return showUnlock(req, res, { state: 'used' });
    setUnlockGrant(res, config, check.claims.email);
    res.redirect(303, `${loginPath}?unlocked=1`);
  });

  router.post(logoutPath, async (req, res) => {
    if (req.actor && req.authVia === 'cookie' && req.authSessionId) {
      // Throws 403 without a valid token: a cross-site form cannot sign anyone out.
      await run(sessionCsrf.protect, req, res);
      await service.logout(req.authSessionId);
    }
    clearAuthCookies(res, config);
    res.redirect(303, loginUrl(undefined, 'signed_out'));
  });

  return router;
}
