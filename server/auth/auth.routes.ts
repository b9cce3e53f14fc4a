/**
 * `/api/v1/auth/…` and `/api/v1/me`: sign in, refresh, sign out, ask for an unlock link. Failed
 * sign-ins are limited per (account, IP) pair, per IP and per account (login-throttle.ts).
 */
import type { Response } from 'express';
import type { Config } from '../config.js';
import { z } from 'zod';
import { BadRequestError, GoneError, UnauthorizedError } from '../lib/errors.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { domainEvents } from '../lib/domain-events.js';
import { valid } from '../lib/validate.js';
import { presentStaff } from '../staff/staff.presenter.js';
import { clearAuthCookies, createCsrf, refreshCookieName, setAuthCookies } from './auth.middleware.js';
import * as s from './auth.schemas.js';
import { createAuthService, type AuthService } from './auth.service.js';
import { requireActor } from './current.js';
import { admitLogin, admitUnlockRequest } from './login-gate.js';
import { createLoginThrottle, type LoginRateLimits, type LoginThrottle } from './login-throttle.js';
import { queueUnlockRequest } from './unlock.js';
import { accountRoutes } from './account.routes.js';
import * as a from './account.schemas.js';
import { queuePasswordReset } from './password-links.js';
import { resetRequestKey, spendPasswordLink } from './password-link-use.js';
import { secondFactorKey, signSecondStep, verifySecondStep } from './second-step.js';

const tag = 'Authentication';

export type { DelayRule, LoginRateLimits, RateLimitRule } from './login-throttle.js';
export { defaultLoginRateLimits } from './login-throttle.js';

export interface AuthRouteOptions {
  rateLimits?: Partial<LoginRateLimits>;
  /** Shared by the API and the sign-in form so failures through either count together. */
  throttle?: LoginThrottle;
  service?: AuthService;
}

const unlockRequested =
  'If this address belongs to a staff account, an unlock link is on its way. It works once, for 15 minutes, in the browser that follows it.';

const resetRequested = 'If this address belongs to a staff account, a link to set a new password is on its way. It works once, for 30 minutes.';

const noStore = (res: Response): void => {
  res.set('Cache-Control', 'no-store');
};

/**
 * The auth routes, to mount at `/api/v1` with `mountRoutes`. Pass the app's login
 * throttle so the sign-in form's failures count too (see login-throttle.ts).
 */
export function authRoutes(config: Config, options: AuthRouteOptions = {}): RouteSpec[] {
  const service = options.service ?? createAuthService(config.jwt);
  const csrf = createCsrf(config);
  const login = { body: s.loginBody };
  const refresh = { body: s.refreshBody };
  const unlock = { body: s.unlockRequestBody };
  const secondFactor = { body: a.secondFactorBody };
  const resetRequest = { body: a.passwordResetRequestBody };
  const passwordLink = { body: a.passwordLinkBody };
  const throttle = options.throttle ?? createLoginThrottle(options.rateLimits);

  return [
    ...accountRoutes(config, throttle),
    route({
      method: 'post',
      path: '/auth/login',
      tag,
      summary: 'Sign in with email and password (sets the auth cookies too)',
      access: { kind: 'public', why: 'signing in is how one becomes a staff actor' },
      ...login,
      response: z.union([s.loginResponse, a.secondStepResponse]),
      handler: async (req, res) => {
        // JSON only: a cross-site HTML form (urlencoded) cannot sign a browser into someone else's account.
        if (!req.is('application/json')) throw new BadRequestError('Send the credentials as JSON (Content-Type: application/json).');
        const { body } = valid(req, login);
        const admitted = await admitLogin(throttle, config, req, res, body.email, { password: true });
        const result = await service.login(body.email, body.password, { userAgent: req.get('user-agent'), ip: req.ip });
        await admitted.succeeded(res);
        noStore(res);
        if (result.kind === 'second_step') {
          // The password was right; the code is throttled on its own key (second-factor route), so a
          // right password does not reset the count of wrong codes.
          const step = signSecondStep(config, { staffId: String(result.staff._id), tokenVersion: result.staff.tokenVersion, next: null });
          res.json({ secondFactor: 'totp', secondStepToken: step.token, expiresAt: step.expiresAt.toISOString() });
          return;
        }
        setAuthCookies(res, config, result);
        res.json({
          token: result.accessToken,
          refreshToken: result.refreshToken,
          expiresAt: result.accessExpiresAt.toISOString(),
          staff: presentStaff(result.staff),
        });
      },
    }),
    route({
      method: 'post',
      path: '/auth/unlock-request',
      tag,
      summary: 'Mail an unlock link to a staff account locked by failed sign-ins (same answer for any address)',
      access: { kind: 'public', why: "the owner of a locked account cannot sign in; the link goes to the account's own address" },
      ...unlock,
      success: 202,
      response: s.unlockRequestResponse,
      handler: async (req, res) => {
        if (!req.is('application/json')) throw new BadRequestError('Send the address as JSON (Content-Type: application/json).');
        const { body } = valid(req, unlock);
        // Nothing here depends on whether the address is a staff member's: the worker looks it up after the answer.
        const store = await admitUnlockRequest(throttle, req, res, body.email);
        if (store) await queueUnlockRequest(body.email, body.locale ?? String(res.locals.locale ?? config.defaultLocale));
        noStore(res);
        res.status(202).json({ message: unlockRequested });
        if (store) domainEvents.publish('staff.unlock_requested', {});
      },
    }),
    route({
      method: 'post',
      path: '/auth/login/second-factor',
      tag,
      summary: 'Second step of a sign-in with TOTP: the token from /auth/login and a code from the app (or a recovery code)',
      access: { kind: 'public', why: 'the second-step token and the code are the credentials' },
      ...secondFactor,
      response: s.loginResponse,
      handler: async (req, res) => {
        if (!req.is('application/json')) throw new BadRequestError('Send the code as JSON (Content-Type: application/json).');
        const { body } = valid(req, secondFactor);
        const claims = verifySecondStep(config, body.token);
        if (!claims) throw new UnauthorizedError('The sign-in step has expired. Sign in again with your password.');
        const admitted = await admitLogin(throttle, config, req, res, secondFactorKey(claims.staffId), { secondStep: true });
        const result = await service.completeSecondStep(claims, body.code, { userAgent: req.get('user-agent'), ip: req.ip });
        await admitted.succeeded(res);
        setAuthCookies(res, config, result);
        noStore(res);
        res.json({
          token: result.accessToken,
          refreshToken: result.refreshToken,
          expiresAt: result.accessExpiresAt.toISOString(),
          staff: presentStaff(result.staff),
        });
      },
    }),
    route({
      method: 'post',
      path: '/auth/password-reset-request',
      tag,
      summary: 'Mail a link to set a new password (same answer, at once, for any address)',
      access: { kind: 'public', why: 'a person who forgot their password cannot sign in; the link goes to the account’s own address' },
      ...resetRequest,
      success: 202,
      response: a.messageResponse,
      handler: async (req, res) => {
        if (!req.is('application/json')) throw new BadRequestError('Send the address as JSON (Content-Type: application/json).');
        const { body } = valid(req, resetRequest);
        // Nothing here depends on whether the address is a staff member's: the worker looks it up after the answer.
        const store = await admitUnlockRequest(throttle, req, res, resetRequestKey(body.email));
        if (store) await queuePasswordReset(body.email, body.locale ?? String(res.locals.locale ?? config.defaultLocale));
        noStore(res);
        res.status(202).json({ message: resetRequested });
        if (store) domainEvents.publish('staff.password_link_requested', {});
      },
    }),
    route({
      method: 'post',
      path: '/auth/password-link',
      tag,
      summary: 'Set a password with a mailed link (invitation or reset): once; every session of the person ends',
      access: { kind: 'public', why: 'the mailed link is the credential' },
      ...passwordLink,
      success: 204,
      handler: async (req, res) => {
        const { body } = valid(req, passwordLink);
        const used = await spendPasswordLink(config, body.token, body.password, req.ip);
        if (!used.ok) {
          if (used.reason === 'invalid') throw new BadRequestError('This link is not valid.');
          throw new GoneError(used.reason === 'expired' ? 'This link has expired: ask for a new one.' : 'This link was already used: ask for a new one.', {
            reason: `link_${used.reason}`,
          });
        }
        noStore(res);
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/auth/refresh',
      tag,
      summary: 'New access and refresh tokens for a refresh token (body or cookie), while the session lasts',
      access: { kind: 'public', why: 'the access token may have expired; the refresh token is the credential' },
      ...refresh,
      response: s.refreshResponse,
      handler: async (req, res) => {
        const fromBody = valid(req, refresh).body.refreshToken;
        const fromCookie: unknown = (req.cookies as Record<string, unknown> | undefined)?.[refreshCookieName];
        const token = fromBody ?? (typeof fromCookie === 'string' && fromCookie !== '' ? fromCookie : undefined);
        if (!token) throw new UnauthorizedError('No refresh token: send it in the body or sign in again.');
        try {
          const tokens = await service.refresh(token);
          if (!fromBody) setAuthCookies(res, config, tokens);
          noStore(res);
          res.json({ token: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.accessExpiresAt.toISOString() });
        } catch (error) {
          if (!fromBody && error instanceof UnauthorizedError) clearAuthCookies(res, config);
          throw error;
        }
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      tag,
      summary: 'End this session (its access and refresh tokens stop working)',
      // 'self': the caller acts on their own session and nothing else, so there is no object to check.
      access: { kind: 'staff', policy: 'self' },
      success: 204,
      handler: async (req, res) => {
        requireActor(req);
        if (!req.authSessionId) throw new UnauthorizedError();
        await service.logout(req.authSessionId);
        clearAuthCookies(res, config);
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout-all',
      tag,
      summary: 'End every session of the signed-in staff member, on every device',
      access: { kind: 'staff', policy: 'self' },
      success: 204,
      handler: async (req, res) => {
        await service.logoutEverywhere(requireActor(req).id);
        clearAuthCookies(res, config);
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/auth/csrf',
      tag,
      summary: 'A CSRF token for cookie-authenticated requests (send it as x-csrf-token)',
      access: { kind: 'staff', policy: 'self' },
      response: s.csrfResponse,
      handler: (req, res) => {
        requireActor(req);
        noStore(res);
        res.json({ csrfToken: csrf.tokenFor(req, res) });
      },
    }),
    route({
      method: 'get',
      path: '/me',
      tag,
      summary: 'The signed-in staff member',
      access: { kind: 'staff', policy: 'self' },
      response: s.meResponse,
      handler: async (req, res) => {
        const staff = await service.currentStaff(requireActor(req).id);
        res.json({ staff: presentStaff(staff) });
      },
    }),
  ];
}
