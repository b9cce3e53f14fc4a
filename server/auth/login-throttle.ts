/**
 * Failed staff sign-ins, counted in the database (sign-in-counts.ts) by one throttle per app, shared
 * by the JSON API and the sign-in form (so failures through either count together) and by every
 * instance on the same database (so spreading attempts over instances buys nothing). Three counters:
 *
 * - per (account, source IP) pair: a short growing delay after each failure (0, 0, 1 s, 2 s, 4 s …
 *   up to 30 s). A stranger's failures slow the stranger down, not the owner signing in from elsewhere.
 * - per IP, across accounts (password spraying): 20 failures per 15 minutes.
 * - per account, across IPs: a ceiling of 100 failures per 15 minutes, which one IP cannot reach on
 *   its own (its limit stops it at 20): only a distributed attack locks the account for everyone.
 *   A browser holding an unlock grant for the address (a mailed link, unlock.ts) passes the ceiling.
 * - per device, for a browser that signed in to the account before (device-cookie.ts): 5 failures per
 *   15 minutes. Until then its attempts pass the IP's limit and the account's ceiling (an office's
 *   colleagues share one address: one stale password must not lock them all out), the pair's delay
 *   still holding; past them the browser is a stranger again. An unlock grant passes the IP's limit too.
 *
 * It also limits requests for unlock links: 10 per IP (then 429) and 3 per address (further ones
 * are answered alike but dropped, so nobody can keep the owner from asking) per 15 minutes.
 *
 * Windows are fixed (aligned on the clock: 09:00–09:15, 09:15–09:30 …), so that every instance names
 * the same window without asking anyone; a pair's failures are forgotten when its window ends, and a
 * success starts the pair over (a new generation of its series). An attempt is checked, then charged
 * before the password is verified, and a success gives the charge back (a "given back" series counted
 * against the charges); an attempt whose charge lands past a limit because other attempts charged at
 * the same moment (on any instance) is refused, its charge kept. Keys are the lower-cased address as
 * typed, whether or not an account has it: the answers say nothing about which addresses exist.
 * Nothing waits: a refused attempt is answered at once (429, Retry-After).
 */
import { charge, chargedAt, countOf, generationId, generationOf, seriesOf, startOver, type Series } from './sign-in-counts.js';

export interface RateLimitRule {
  /** Failed attempts allowed per window. */
  limit: number;
  windowMs: number;
}

export interface DelayRule {
  /** Failures answered without any delay before the next attempt. */
  freeFailures: number;
  /** The delay after the first failure past the free ones; it doubles with each failure after that. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A pair is forgotten this long after its last failure. */
  windowMs: number;
}

export interface LoginRateLimits {
  perIp: RateLimitRule;
  /** The ceiling, keyed by the lower-cased email whether or not an account has it. */
  perAccount: RateLimitRule;
  perPair: DelayRule;
  /** Failures a browser known to the account (a device cookie) may make before it counts as a stranger again. */
  perDevice: RateLimitRule;
  unlockRequests: { perIp: RateLimitRule; perAddress: RateLimitRule };
}

export const defaultLoginRateLimits: LoginRateLimits = Object.freeze({
  perIp: { limit: 20, windowMs: 15 * 60_000 },
  perAccount: { limit: 100, windowMs: 15 * 60_000 },
  perPair: { freeFailures: 2, firstDelayMs: 1000, maxDelayMs: 30_000, windowMs: 15 * 60_000 },
  perDevice: { limit: 5, windowMs: 15 * 60_000 },
  unlockRequests: { perIp: { limit: 10, windowMs: 15 * 60_000 }, perAddress: { limit: 3, windowMs: 15 * 60_000 } },
});

/** Why an attempt is refused: the pair's delay, the IP's limit, or the account's ceiling. */
export type LoginLock = 'delay' | 'ip' | 'account';

export interface LoginRefusal {
  lock: LoginLock;
  retryAfterSeconds: number;
}

/** A charged attempt: call `succeeded()` when the password was right (a failure keeps the charge). */
export interface LoginAttempt {
  succeeded(): Promise<void>;
}

export type LoginAdmission = { ok: true; attempt: LoginAttempt } | { ok: false; refusal: LoginRefusal };

export interface LoginThrottle {
  /**
   * Checks and charges one attempt for `email` from `ip`; `unlocked`: this browser holds an unlock
   * grant for it; `device`: the id of this browser's device cookie for it; `passwordProven`: a second
   * step, reached with the right password (the network's limit is against guessing passwords).
   */
  admit(input: { ip: string; email: string; unlocked?: boolean; device?: string | null; passwordProven?: boolean }): Promise<LoginAdmission>;
  /**
   * Counts a request for an unlock link: 'ok' (store it), 'quiet' (the address had enough links
   * lately: answer alike, store nothing) or a refusal for the IP.
   */
  admitUnlockRequest(input: { ip: string; email: string }): Promise<'ok' | 'quiet' | LoginRefusal>;
}

/** The wait after `failures` failures of one pair. */
export function pairDelayMs(rule: DelayRule, failures: number): number {
  if (failures <= rule.freeFailures) return 0;
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(30, failures - rule.freeFailures - 1));
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** The fixed window of `rule` that `at` falls in: its name and its end. */
function windowOf(rule: { windowMs: number }, at: number): { part: string; end: number } {
  const index = Math.floor(at / rule.windowMs);
  return { part: `${rule.windowMs}.${index}`, end: (index + 1) * rule.windowMs };
}

/** A counter of failures in the current window: charges, and charges given back by successes. */
interface Tally {
  charges: Series;
  givenBack: Series;
  resetAt: number;
}

function tally(kind: string, key: string, rule: RateLimitRule, at: number): Tally {
  const w = windowOf(rule, at);
  const expiresAt = new Date(w.end);
  return { charges: seriesOf(kind, key, w.part, expiresAt), givenBack: seriesOf(`${kind}-ok`, key, w.part, expiresAt), resetAt: w.end };
}

/** One throttle per app (all of them share the counters); `now` is injectable so tests can let time pass without waiting. */
export function createLoginThrottle(overrides: Partial<LoginRateLimits> = {}, now: () => number = Date.now): LoginThrottle {
  const limits: LoginRateLimits = { ...defaultLoginRateLimits, ...overrides };

  return {
    async admit({ ip, email, unlocked = false, device = null, passwordProven = false }) {
      const at = now();
      const account = email.trim().toLowerCase();
      const perDevice = device ? tally('device', device, limits.perDevice, at) : null;
      const [deviceCharges, deviceGivenBack] = perDevice ? await Promise.all([countOf(perDevice.charges), countOf(perDevice.givenBack)]) : [0, 0];
      // A browser known to the account, within its own budget: not held by the network or the ceiling.
      const known = perDevice !== null && deviceCharges - deviceGivenBack < limits.perDevice.limit;
      const passesIp = known || unlocked || passwordProven;
      const passesCeiling = known || unlocked;
      const perIp = tally('ip', ip, limits.perIp, at);
      const perAccount = tally('account', account, limits.perAccount, at);
      const pairWindow = windowOf(limits.perPair, at);
      const pairKey = `${ip}\n${account}`;
      const pairGeneration = generationId('pair', pairKey, pairWindow.part);
      const [ipCharges, ipGivenBack, accountCharges, accountGivenBack, generation] = await Promise.all([
        countOf(perIp.charges),
        countOf(perIp.givenBack),
        countOf(perAccount.charges),
        countOf(perAccount.givenBack),
        generationOf(pairGeneration),
      ]);
      const pair = seriesOf('pair', `${pairKey}\n${generation}`, pairWindow.part, new Date(pairWindow.end));
      const pairFailures = await countOf(pair);
      const lastFailure = await chargedAt(pair, pairFailures - 1);

      const ipRefusal: LoginRefusal = { lock: 'ip', retryAfterSeconds: seconds(perIp.resetAt - at) };
      const accountRefusal: LoginRefusal = { lock: 'account', retryAfterSeconds: seconds(perAccount.resetAt - at) };
      if (!passesIp && ipCharges - ipGivenBack >= limits.perIp.limit) return { ok: false, refusal: ipRefusal };
      if (!passesCeiling && accountCharges - accountGivenBack >= limits.perAccount.limit) return { ok: false, refusal: accountRefusal };
      const readyAt = lastFailure ? lastFailure.getTime() + pairDelayMs(limits.perPair, pairFailures) : at;
      if (readyAt > at) return { ok: false, refusal: { lock: 'delay', retryAfterSeconds: seconds(readyAt - at) } };

      // Charged now, given back on success: simultaneous attempts, here or on other instances, meet the charges they made.
      const when = new Date(at);
      const [ipSlot, accountSlot, pairSlot] = await Promise.all([
        charge(perIp.charges, ipCharges, when),
        charge(perAccount.charges, accountCharges, when),
        charge(pair, pairFailures, when),
        perDevice && known ? charge(perDevice.charges, deviceCharges, when) : Promise.resolve(0),
      ]);
      if (!passesIp && ipSlot - ipGivenBack >= limits.perIp.limit) return { ok: false, refusal: ipRefusal };
      if (!passesCeiling && accountSlot - accountGivenBack >= limits.perAccount.limit) return { ok: false, refusal: accountRefusal };
      const raceDelay = pairSlot > pairFailures ? pairDelayMs(limits.perPair, pairSlot) : 0;
      if (raceDelay > 0) return { ok: false, refusal: { lock: 'delay', retryAfterSeconds: seconds(raceDelay) } };
      return {
        ok: true,
        attempt: {
          async succeeded() {
            // The right password from this pair: its delay starts over, and the charges are given back.
            await Promise.all([
              startOver(pairGeneration, new Date(pairWindow.end)),
              charge(perIp.givenBack, ipGivenBack, when),
              charge(perAccount.givenBack, accountGivenBack, when),
              perDevice && known ? charge(perDevice.givenBack, deviceGivenBack, when) : Promise.resolve(0),
            ]);
          },
        },
      };
    },

    async admitUnlockRequest({ ip, email }) {
      const at = now();
      const perIp = tally('unlock-ip', ip, limits.unlockRequests.perIp, at);
      const perAddress = tally('unlock-address', email.trim().toLowerCase(), limits.unlockRequests.perAddress, at);
      const refusal: LoginRefusal = { lock: 'ip', retryAfterSeconds: seconds(perIp.resetAt - at) };
      const [ipCount, addressCount] = await Promise.all([countOf(perIp.charges), countOf(perAddress.charges)]);
      if (ipCount >= limits.unlockRequests.perIp.limit) return refusal;
      if ((await charge(perIp.charges, ipCount, new Date(at))) >= limits.unlockRequests.perIp.limit) return refusal;
      if (addressCount >= limits.unlockRequests.perAddress.limit) return 'quiet';
      if ((await charge(perAddress.charges, addressCount, new Date(at))) >= limits.unlockRequests.perAddress.limit) return 'quiet';
      return 'ok';
    },
  };
}
