/**
 * "My account" (`/staff/account`): a person's own sessions (device, IP, last used; end one, end all
 * the others), their password, their second factor and the language of their pages. Everything acts on the signed-in person only;
 * a session id that is not theirs is "not found". Plain forms with the page's CSRF token. Checks of
 * the password or a code pass the sign-in throttle on their own key.
 *
 *   GET  /staff/account                          the page
 *   POST /staff/account/sessions/:id/end         end one session
 *   POST /staff/account/sessions/end-others      end all but this one
 *   POST /staff/account/password                 change the password (other sessions end)
 *   POST /staff/account/language                 the language of the person's pages (applied at each sign-in)
 *   GET  /staff/account/totp                     enrolment: QR code and secret of a pending enrolment
 *   POST /staff/account/totp/start               a new pending secret
 *   POST /staff/account/totp/confirm             the code: TOTP on, recovery codes shown once
 *   POST /staff/account/totp/disable             with the password or a code
 *   POST /staff/account/totp/recovery-codes      new codes, with the password or a code
 */
import { Router, type Request, type Response } from 'express';
import { ownerProofKey } from '../../auth/account.routes.js';
import { newPassword } from '../../auth/account.schemas.js';
import { beginTotp, changeOwnPassword, finishTotp, ownTotpState, proveOwner, renewCodes, turnTotpOff } from '../../auth/account.js';
import { hasRole } from '../../auth/actor.js';
import type { AuthRouteOptions } from '../../auth/auth.routes.js';
import { admitLogin, LoginRefusedError } from '../../auth/login-gate.js';
import { createLoginThrottle } from '../../auth/login-throttle.js';
import { endOtherSessions, endOwnSession, openSessions } from '../../auth/sessions.js';
import { pendingTotpEnrolment } from '../../auth/totp.js';
import type { Config } from '../../config.js';
import { AppError } from '../../lib/errors.js';
import { accountPath, totpPath } from './account-paths.js';
import { deviceLabel } from './device.js';
import { createFormatter } from './format.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { languageNames, renderStaffPage, type StaffPageTools } from './staff-page.js';
import { isLocale, locales } from '../../lib/i18n.js';
import { ownPageLanguage, setOwnPageLanguage } from '../../staff/staff-preferences.js';
import { localeCookie, rememberLocale } from '../locale.js';

const notices = ['session_ended', 'others_ended', 'password_changed', 'totp_disabled', 'language_saved'] as const;
type Problem =
  'wrong_password' | 'wrong_current_password' | 'same_password' | 'too_short' | 'mismatch' | 'bad_code' | 'rate_limited' | 'not_found' | 'bad_language';
const passwordProblems: ReadonlySet<Problem> = new Set(['wrong_current_password', 'same_password', 'too_short', 'mismatch']);

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function accountPages(config: Config, tools: StaffPageTools, options: AuthRouteOptions = {}): Router {
  const router = Router();
  const throttle = options.throttle ?? createLoginThrottle(options.rateLimits);
  const settings = { jwt: config.jwt };

  /** Runs a password or code check through the throttle: a right answer gives the charge back. */
  async function throttled<T>(req: Request, res: Response, check: () => Promise<T>): Promise<T> {
    const admitted = await admitLogin(throttle, config, req, res, ownerProofKey(String(pageActor(req).id)));
    const result = await check();
    await admitted.succeeded(res);
    return result;
  }

  const problemOf = (error: unknown, fallback: Problem): { problem: Problem; status: number } => {
    if (error instanceof LoginRefusedError) return { problem: 'rate_limited', status: 429 };
    if (error instanceof AppError && error.status === 404) return { problem: 'not_found', status: 404 };
    if (error instanceof AppError && [400, 401].includes(error.status)) return { problem: fallback, status: error.status };
    throw error;
  };

  async function show(req: Request, res: Response, view: { problem?: Problem; status?: number; recoveryCodes?: string[] } = {}): Promise<void> {
    const actor = pageActor(req);
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const sessions = await openSessions(actor.id, req.authSessionId);
    const totp = await ownTotpState(actor);
    const pageLanguage = await ownPageLanguage(actor.id);
    const notice = notices.find((n) => req.query.done === n);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-account',
      'account',
      {
        title: t('accounts.account.title'),
        notice: notice ? t(`accounts.account.done.${notice}`) : null,
        // The password form's own problems are said beside it (QA: below ten sessions, the top of the page was off-screen).
        error: view.problem && !passwordProblems.has(view.problem) ? t(`accounts.account.errors.${view.problem}`) : null,
        passwordError: view.problem && passwordProblems.has(view.problem) ? t(`accounts.account.errors.${view.problem}`) : null,
        sessions: sessions.map((s) => ({
          ...s,
          device: deviceLabel(s.userAgent, t),
          lastUsedText: fmt.dateTime(s.lastUsedAt),
          createdText: s.createdAt ? fmt.dateTime(s.createdAt) : '—',
        })),
        hasOthers: sessions.some((s) => !s.current),
        totp,
        totpRequired: config.totpRequiredForAdmins && hasRole(actor, 'administrator'),
        recoveryCodes: view.recoveryCodes ?? null,
        recoveryLeftText: t('accounts.totp.codes_left', { count: totp.recoveryCodesLeft }),
        languageChoices: [
          { value: '', label: t('accounts.account.language.browser'), selected: pageLanguage === null },
          ...locales.map((code) => ({ value: code, label: languageNames[code] ?? code, lang: code, selected: pageLanguage === code })),
        ],
        totpPath,
      },
      view.status ?? 200,
    );
  }

  async function showTotp(req: Request, res: Response, view: { problem?: Problem; status?: number } = {}): Promise<void> {
    const actor = pageActor(req);
    const t = res.locals.t;
    const state = await ownTotpState(actor);
    const enrolment = state.enabled ? null : await pendingTotpEnrolment(settings, actor.id);
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-totp',
      'account',
      {
        title: t('accounts.totp.title'),
        required: req.query.required === '1' || (config.totpRequiredForAdmins && hasRole(actor, 'administrator') && !state.enabled),
        enabled: state.enabled,
        enrolment,
        error: view.problem ? t(`accounts.account.errors.${view.problem}`) : null,
        totpPath,
        accountPath,
      },
      view.status ?? 200,
    );
  }

  router.get(accountPath, requirePageActor, async (req, res) => show(req, res));

  router.post(`${accountPath}/sessions/end-others`, requirePageActor, tools.csrf.protect, async (req, res) => {
    await endOtherSessions(pageActor(req).id, req.authSessionId);
    res.redirect(303, `${accountPath}?done=others_ended`);
  });

  router.post(`${accountPath}/sessions/:id/end`, requirePageActor, tools.csrf.protect, async (req, res) => {
    try {
      await endOwnSession(pageActor(req).id, String(req.params.id));
    } catch (error) {
      return show(req, res, problemOf(error, 'not_found'));
    }
    res.redirect(303, `${accountPath}?done=session_ended`);
  });

  router.post(`${accountPath}/password`, requirePageActor, tools.csrf.protect, async (req, res) => {
    const next = field(req, 'new_password');
    if (next !== field(req, 'confirm')) return show(req, res, { problem: 'mismatch', status: 400 });
    if (!newPassword.safeParse(next).success) return show(req, res, { problem: 'too_short', status: 400 });
    if (next === field(req, 'current_password')) return show(req, res, { problem: 'same_password', status: 400 });
    try {
      const actor = pageActor(req);
      await throttled(req, res, () => changeOwnPassword(actor, req.authSessionId, field(req, 'current_password').slice(0, 1024), next, req.ip));
    } catch (error) {
      return show(req, res, problemOf(error, 'wrong_current_password'));
    }
    res.redirect(303, `${accountPath}?done=password_changed`);
  });

  router.post(`${accountPath}/language`, requirePageActor, tools.csrf.protect, async (req, res) => {
    const chosen = field(req, 'pageLanguage');
    if (chosen !== '' && !isLocale(chosen)) return show(req, res, { problem: 'bad_language', status: 400 });
    await setOwnPageLanguage(pageActor(req).id, chosen === '' ? null : chosen);
    // This browser follows at once; the others at their next sign-in. "The browser's": its own language again.
    if (chosen === '') res.clearCookie(localeCookie, { httpOnly: true, sameSite: 'lax' });
    else rememberLocale(res, chosen);
    res.redirect(303, `${accountPath}?done=language_saved${chosen === '' ? '' : `&lang=${chosen}`}#language`);
  });

  router.get(totpPath, requirePageActor, async (req, res) => showTotp(req, res));

  router.post(`${totpPath}/start`, requirePageActor, tools.csrf.protect, async (req, res) => {
    try {
      await beginTotp(settings, pageActor(req));
    } catch (error) {
      if (!(error instanceof AppError && error.status === 400)) throw error;
    }
    res.redirect(303, `${totpPath}${req.query.required === '1' ? '?required=1' : ''}`);
  });

  router.post(`${totpPath}/confirm`, requirePageActor, tools.csrf.protect, async (req, res) => {
    let codes: string[];
    try {
      codes = await throttled(req, res, () => finishTotp(settings, pageActor(req), field(req, 'code').slice(0, 32), req.ip));
    } catch (error) {
      return showTotp(req, res, problemOf(error, 'bad_code'));
    }
    // Shown once, on this answer only: nothing stores them in a readable form.
    await show(req, res, { recoveryCodes: codes });
  });

  router.post(`${totpPath}/disable`, requirePageActor, tools.csrf.protect, async (req, res) => {
    try {
      const actor = pageActor(req);
      const staff = await throttled(req, res, () => proveOwner(settings, actor, { password: field(req, 'password').slice(0, 1024) }));
      await turnTotpOff(actor, staff._id, req.ip);
    } catch (error) {
      return show(req, res, problemOf(error, 'wrong_password'));
    }
    res.redirect(303, `${accountPath}?done=totp_disabled`);
  });

  router.post(`${totpPath}/recovery-codes`, requirePageActor, tools.csrf.protect, async (req, res) => {
    let codes: string[];
    try {
      const actor = pageActor(req);
      const staff = await throttled(req, res, () => proveOwner(settings, actor, { password: field(req, 'password').slice(0, 1024) }));
      codes = await renewCodes(actor, staff, req.ip);
    } catch (error) {
      return show(req, res, problemOf(error, 'wrong_password'));
    }
    await show(req, res, { recoveryCodes: codes });
  });

  return router;
}
