/**
 * The staff sign-in form (`GET/POST /staff/login`) and sign-out (`POST /staff/logout`).
 * The form posts urlencoded, guarded by a pre-session CSRF token, and counts against
 * the same limits as the JSON sign-in (20 failures per IP, 5 per account, 15 minutes).
 * Errors are shown in the page's language; the person goes back where they were.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { clearAuthCookies, createCsrf, setAuthCookies } from '../../auth/auth.middleware.js';
import type { AuthRouteOptions } from '../../auth/auth.routes.js';
import { createLoginThrottle } from '../../auth/login-throttle.js';
import { loginBody } from '../../auth/auth.schemas.js';
import { createAuthService } from '../../auth/auth.service.js';
import type { Config } from '../../config.js';
import { TooManyRequestsError, UnauthorizedError } from '../../lib/errors.js';
import { createLoginCsrf } from './login-csrf.js';
import { loginPath, loginUrl, logoutPath, queuePath, safeNext } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

type LoginProblem = 'bad_credentials' | 'invalid' | 'csrf' | 'rate_limited';

const problemStatus: Record<LoginProblem, number> = { bad_credentials: 401, invalid: 400, csrf: 403, rate_limited: 429 };

/** Runs a middleware inside a handler: resolves on `next()`, rejects on `next(error)`. */
function run(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    Promise.resolve(middleware(req, res, (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()))).catch(reject);
  });
}

function field(req: Request, name: string): string {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

export function loginRoutes(config: Config, tools: StaffPageTools, options: AuthRouteOptions = {}): Router {
  const router = Router();
  const service = options.service ?? createAuthService(config.jwt);
  const loginCsrf = createLoginCsrf(config);
  const sessionCsrf = createCsrf(config);
  const throttle = options.throttle ?? createLoginThrottle(options.rateLimits);
  const { perIp, perAccount } = throttle.limiters((req) => field(req, 'email'));

  const showForm = async (req: Request, res: Response, view: { email?: string; next?: string; problem?: LoginProblem }): Promise<void> => {
    const t = res.locals.t;
    const notice = req.query.expired === '1' ? t('login.expired') : req.query.signed_out === '1' ? t('login.signed_out') : null;
    await renderStaffPage(req, res, tools, 'staff-login', 'login', {
      title: t('login.title'),
      loginCsrf: loginCsrf.tokenFor(req, res),
      email: view.email ?? '',
      next: view.next ?? '',
      notice: view.problem ? null : notice,
      error: view.problem ? t(`login.errors.${view.problem}`) : null,
    }, view.problem ? problemStatus[view.problem] : 200);
  };

  router.get(loginPath, async (req, res) => {
    const next = safeNext(req.query.next);
    if (req.actor) {
      res.redirect(303, next ?? queuePath);
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
      await run(perIp, req, res);
      await run(perAccount, req, res);
      const result = await service.login(parsed.data.email, parsed.data.password, { userAgent: req.get('user-agent'), ip: req.ip });
      setAuthCookies(res, config, result);
      loginCsrf.clear(res);
      res.redirect(303, next ?? queuePath);
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        await showForm(req, res, { email, next, problem: 'rate_limited' });
        return;
      }
      if (error instanceof UnauthorizedError) {
        await showForm(req, res, { email, next, problem: 'bad_credentials' });
        return;
      }
      throw error;
    }
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
