/**
 * The one way both sign-in routes (the JSON API and the staff form) pass the login throttle:
 * check and charge the attempt (with this browser's unlock grant, if any), or refuse it at once
 * with 429, `Retry-After` and a sentence saying what to do.
 */
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import { TooManyRequestsError } from '../lib/errors.js';
import type { LoginRefusal, LoginThrottle } from './login-throttle.js';
import { deviceFor, setDeviceCookie } from './device-cookie.js';
import { clearUnlockGrant, hasUnlockGrant } from './unlock.js';

/** Where API clients ask for an unlock link. */
export const unlockRequestApiPath = '/api/v1/auth/unlock-request';

const minutes = (s: number): number => Math.max(1, Math.ceil(s / 60));
const count = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

function sentence(refusal: LoginRefusal): string {
  switch (refusal.lock) {
    case 'delay':
      return `Too many failed sign-in attempts for this address from here. Wait ${count(refusal.retryAfterSeconds, 'second')}, then try again.`;
    case 'ip':
      return `Too many failed sign-in attempts from your network. Wait ${count(minutes(refusal.retryAfterSeconds), 'minute')}, then try again.`;
    case 'account':
      return `This account is locked after too many failed sign-in attempts from many places. If it is yours, ask for an unlock link (${unlockRequestApiPath}, or "Email me an unlock link" on the sign-in page) and follow it in your browser, or wait ${count(minutes(refusal.retryAfterSeconds), 'minute')}.`;
  }
}

/** A refused sign-in: `details` tells clients which limit and how long (`lock`, `retryAfter`). */
export class LoginRefusedError extends TooManyRequestsError {
  constructor(readonly refusal: LoginRefusal) {
    super(sentence(refusal), {
      lock: refusal.lock,
      retryAfter: refusal.retryAfterSeconds,
      ...(refusal.lock === 'account' ? { unlockRequest: unlockRequestApiPath } : {}),
    });
  }
}

/** Refuses a request for an unlock link from an IP that asked too often (429 with Retry-After). */
export class UnlockRequestsRefusedError extends TooManyRequestsError {
  constructor(readonly refusal: LoginRefusal) {
    super(`Too many unlock links asked for from your network. Wait ${count(minutes(refusal.retryAfterSeconds), 'minute')}, then try again.`, {
      retryAfter: refusal.retryAfterSeconds,
    });
  }
}

export interface AdmittedLogin {
  /** The password was right: gives the charge back and spends this browser's unlock grant. */
  succeeded(res: Response): Promise<void>;
}

export type LoginGateConfig = Pick<Config, 'publicUrl'> & { jwt: Pick<Config['jwt'], 'secret' | 'issuer'> };

/**
 * Admits one sign-in attempt for `email`, or throws LoginRefusedError after setting Retry-After.
 * `password`: a sign-in with an address and a password, whose success makes this browser known to
 * the account (device-cookie.ts); `secondStep`: the code after the right password, which the network's
 * limit (against guessing passwords) does not hold. The second step and the owner's proof are keyed
 * by the person, not an address.
 */
export async function admitLogin(
  throttle: LoginThrottle,
  config: LoginGateConfig,
  req: Request,
  res: Response,
  email: string,
  options: { password?: boolean; secondStep?: boolean } = {},
): Promise<AdmittedLogin> {
  const unlocked = hasUnlockGrant(req, config, email);
  const device = options.password ? deviceFor(req, config, email) : null;
  const admission = await throttle.admit({ ip: req.ip ?? '', email, unlocked, device, passwordProven: options.secondStep === true });
  if (!admission.ok) {
    res.set('Retry-After', String(admission.refusal.retryAfterSeconds));
    throw new LoginRefusedError(admission.refusal);
  }
  return {
    async succeeded(response) {
      if (unlocked) clearUnlockGrant(response, config);
      if (options.password) setDeviceCookie(req, response, config, email);
      await admission.attempt.succeeded();
    },
  };
}

/** Counts a request for an unlock link: true to store it, false to answer alike and drop it; throws for a busy IP. */
export async function admitUnlockRequest(throttle: LoginThrottle, req: Request, res: Response, email: string): Promise<boolean> {
  const verdict = await throttle.admitUnlockRequest({ ip: req.ip ?? '', email });
  if (verdict === 'ok') return true;
  if (verdict === 'quiet') return false;
  res.set('Retry-After', String(verdict.retryAfterSeconds));
  throw new UnlockRequestsRefusedError(verdict);
}
