/**
 * `/api/v1/me/…`: a person's own account — their sessions, password and second factor. Every route
 * acts on the signed-in person only (policy `self`): there is no id of a person to pass, and a
 * session id that is not one of theirs is "not found".
 *
 *   GET    /me/sessions               open sessions (device, IP, last used; the current one marked)
 *   DELETE /me/sessions/:id           end one of them
 *   POST   /me/sessions/end-others    end all but this one
 *   POST   /me/password               change the password (the current one required); other sessions end
 *   GET    /me/totp                   the second factor's state
 *   POST   /me/totp/enrolment         start enrolment: secret, otpauth URI, QR code
 *   POST   /me/totp/confirm           confirm with a code: the recovery codes, shown once
 *   POST   /me/totp/disable           turn it off (password or code)
 *   POST   /me/totp/recovery-codes    new recovery codes (password or code)
 *   GET    /me/preferences            my display choices (the queue's columns)
 *   PUT    /me/preferences            set them
 */
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import * as a from './account.schemas.js';
import { beginTotp, changeOwnPassword, finishTotp, ownTotpState, proveOwner, renewCodes, turnTotpOff } from './account.js';
import { hasRole } from './actor.js';
import { requireActor } from './current.js';
import { admitLogin } from './login-gate.js';
import type { LoginThrottle } from './login-throttle.js';
import { endOtherSessions, endOwnSession, openSessions } from './sessions.js';
import { setQueueColumns, staffPreferences } from '../staff/staff-preferences.js';

const tag = 'Account';
const self = { kind: 'staff', policy: 'self' } as const;

/** Password and code checks on a signed-in account are throttled like sign-ins, on their own key. */
export const ownerProofKey = (staffId: string): string => `proof:${staffId}`;

const noStore = (res: Response): void => {
  res.set('Cache-Control', 'no-store');
};

export function accountRoutes(config: Config, throttle: LoginThrottle): RouteSpec[] {
  const settings = { jwt: config.jwt };
  const changePassword = { body: a.changePasswordBody };
  const confirm = { body: a.confirmTotpBody };
  const proof = { body: a.proofBody };
  const preferences = { body: a.preferencesBody };

  /** Runs a check of the password or a code through the throttle: a right answer gives the charge back. */
  async function throttled<T>(req: Request, res: Response, check: () => Promise<T>): Promise<T> {
    const admitted = await admitLogin(throttle, config, req, res, ownerProofKey(String(requireActor(req).id)));
    const result = await check();
    await admitted.succeeded(res);
    return result;
  }

  return [
    route({
      method: 'get',
      path: '/me/sessions',
      tag,
      summary: 'My open sessions',
      access: self,
      response: a.sessionsResponse,
      handler: async (req, res) => {
        noStore(res);
        res.json({ sessions: await openSessions(requireActor(req).id, req.authSessionId) });
      },
    }),
    route({
      method: 'delete',
      path: '/me/sessions/:id',
      tag,
      summary: 'End one of my sessions (another person’s is not found)',
      access: self,
      ...a.sessionId,
      success: 204,
      handler: async (req, res) => {
        await endOwnSession(requireActor(req).id, valid(req, a.sessionId).params.id);
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/me/sessions/end-others',
      tag,
      summary: 'End all my sessions but this one',
      access: self,
      response: a.endedResponse,
      handler: async (req, res) => {
        res.json({ ended: await endOtherSessions(requireActor(req).id, req.authSessionId) });
      },
    }),
    route({
      method: 'post',
      path: '/me/password',
      tag,
      summary: 'Change my password (my other sessions end)',
      access: self,
      ...changePassword,
      success: 204,
      handler: async (req, res) => {
        const { body } = valid(req, changePassword);
        const actor = requireActor(req);
        await throttled(req, res, () => changeOwnPassword(actor, req.authSessionId, body.currentPassword, body.newPassword, req.ip));
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/me/totp',
      tag,
      summary: 'My second factor: on or off, recovery codes left, whether it is required of me',
      access: self,
      response: a.totpStateResponse,
      handler: async (req, res) => {
        const actor = requireActor(req);
        res.json({ ...(await ownTotpState(actor)), required: config.totpRequiredForAdmins && hasRole(actor, 'administrator') });
      },
    }),
    route({
      method: 'post',
      path: '/me/totp/enrolment',
      tag,
      summary: 'Start TOTP enrolment: a new secret and its QR code (pending until confirmed)',
      access: self,
      response: a.enrolmentResponse,
      handler: async (req, res) => {
        noStore(res);
        res.json(await beginTotp(settings, requireActor(req)));
      },
    }),
    route({
      method: 'post',
      path: '/me/totp/confirm',
      tag,
      summary: 'Confirm TOTP enrolment with a code; answers the ten recovery codes, once',
      access: self,
      ...confirm,
      response: a.recoveryCodesResponse,
      handler: async (req, res) => {
        const { body } = valid(req, confirm);
        const codes = await throttled(req, res, () => finishTotp(settings, requireActor(req), body.code, req.ip));
        noStore(res);
        res.json({ recoveryCodes: codes });
      },
    }),
    route({
      method: 'post',
      path: '/me/totp/disable',
      tag,
      summary: 'Turn my second factor off (my password or a code)',
      access: self,
      ...proof,
      success: 204,
      handler: async (req, res) => {
        const { body } = valid(req, proof);
        const actor = requireActor(req);
        const staff = await throttled(req, res, () => proveOwner(settings, actor, body));
        await turnTotpOff(actor, staff._id, req.ip);
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/me/totp/recovery-codes',
      tag,
      summary: 'New recovery codes (my password or a code); the old ones stop working',
      access: self,
      ...proof,
      response: a.recoveryCodesResponse,
      handler: async (req, res) => {
        const { body } = valid(req, proof);
        const actor = requireActor(req);
        const staff = await throttled(req, res, () => proveOwner(settings, actor, body));
        noStore(res);
        res.json({ recoveryCodes: await renewCodes(actor, staff, req.ip) });
      },
    }),
    route({
      method: 'get',
      path: '/me/preferences',
      tag,
      summary: 'My display choices: the columns my queue shows',
      access: self,
      response: a.preferencesResponse,
      handler: async (req, res) => {
        noStore(res);
        res.json(await staffPreferences(requireActor(req).id));
      },
    }),
    route({
      method: 'put',
      path: '/me/preferences',
      tag,
      summary: 'Choose the columns my queue shows (known columns; the subject is always shown)',
      access: self,
      ...preferences,
      response: a.preferencesResponse,
      handler: async (req, res) => {
        const { body } = valid(req, preferences);
        res.json(await setQueueColumns(requireActor(req).id, body.queueColumns));
      },
    }),
  ];
}
