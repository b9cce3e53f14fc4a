/**
 * The second step of a sign-in with TOTP (`/staff/login/code`): after the right password the browser
 * holds only a signed second-step cookie (auth/second-step.ts), not a session; the code from the app,
 * or a recovery code, opens the session. Codes pass the same throttle as passwords, on their own key
 * (a right password does not reset the count of wrong codes).
 */
import { Router, type Request, type Response } from 'express';
import { setAuthCookies } from '../../auth/auth.middleware.js';
import type { AuthRouteOptions } from '../../auth/auth.routes.js';
import { createAuthService } from '../../auth/auth.service.js';
import { admitLogin, LoginRefusedError } from '../../auth/login-gate.js';
import { createLoginThrottle } from '../../auth/login-throttle.js';
import { clearSecondStepCookie, secondFactorKey, secondStepCookie, verifySecondStep } from '../../auth/second-step.js';
import type { Config } from '../../config.js';
import { UnauthorizedError } from '../../lib/errors.js';
import { afterSignIn, codePath } from './account-paths.js';
import { createLoginCsrf } from './login-csrf.js';
import { loginUrl, safeNext } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';
import { applyPageLanguage } from '../locale.js';

type CodeProblem = 'bad_code' | 'csrf' | 'rate_limited';
const status: Record<CodeProblem, number> = { bad_code: 401, csrf: 403, rate_limited: 429 };

export function secondStepRoutes(config: Config, tools: StaffPageTools, options: AuthRouteOptions = {}): Router {
  const router = Router();
  const service = options.service ?? createAuthService(config.jwt);
  const throttle = options.throttle ?? createLoginThrottle(options.rateLimits);
  const loginCsrf = createLoginCsrf(config);

  const show = async (req: Request, res: Response, problem?: CodeProblem, retryAfter = 0): Promise<void> => {
    const t = res.locals.t;
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-login-code',
      'login',
      {
        title: t('accounts.code.title'),
        loginCsrf: loginCsrf.tokenFor(req, res),
        error: problem ? t(`accounts.code.errors.${problem}`, { count: Math.max(1, retryAfter) }) : null,
      },
      problem ? status[problem] : 200,
    );
  };

  router.get(codePath, async (req, res) => {
    if (!verifySecondStep(config, secondStepCookie(req))) {
      res.redirect(303, loginUrl(undefined, 'expired'));
      return;
    }
    await show(req, res);
  });

  router.post(codePath, async (req, res) => {
    const claims = verifySecondStep(config, secondStepCookie(req));
    if (!claims) {
      res.redirect(303, loginUrl(undefined, 'expired'));
      return;
    }
    if (!loginCsrf.validate(req)) return show(req, res, 'csrf');
    const body = req.body as Record<string, unknown> | undefined;
    const code = typeof body?.code === 'string' ? body.code.slice(0, 32) : '';
    try {
      const admitted = await admitLogin(throttle, config, req, res, secondFactorKey(claims.staffId), { secondStep: true });
      const result = await service.completeSecondStep(claims, code, { userAgent: req.get('user-agent'), ip: req.ip });
      await admitted.succeeded(res);
      setAuthCookies(res, config, result);
      // The pages in the language the person chose on their account page, on any computer they sign in on.
      applyPageLanguage(res, result.staff);
      clearSecondStepCookie(res, config);
      loginCsrf.clear(res);
      res.redirect(303, afterSignIn(config, result.staff, safeNext(claims.next)));
    } catch (error) {
      if (error instanceof LoginRefusedError) return show(req, res, 'rate_limited', error.refusal.retryAfterSeconds);
      if (error instanceof UnauthorizedError) return show(req, res, 'bad_code');
      throw error;
    }
  });

  return router;
}
