/**
 * Failed staff sign-ins, counted in memory per process by one throttle per app, shared by the JSON
 * API and the sign-in form (so failures through either count together). Three counters:
 *
 * - per (account, source IP) pair: a short growing delay after each failure (0, 0, 1 s, 2 s, 4 s …
 *   up to 30 s). A stranger's failures slow the stranger down, not the owner signing in from elsewhere.
 * - per IP, across accounts (password spraying): 20 failures per 15 minutes.
 * - per account, across IPs: a ceiling of 100 failures per 15 minutes, which one IP cannot reach on
 *   its own (its limit stops it at 20): only a distributed attack locks the account for everyone.
 *   A browser holding an unlock grant for the address (a mailed link, unlock.ts) passes the ceiling.
 *
 * It also limits requests for unlock links: 10 per IP (then 429) and 3 per address (further ones
 * are answered alike but dropped, so nobody can keep the owner from asking) per 15 minutes.
 *
 * An attempt is checked and charged before the password is verified, and a success gives the
 * charge back, so simultaneous attempts cannot all slip past one check. Keys are the lower-cased
 * address as typed, whether or not an account has it: the answers say nothing about which
 * addresses exist. Nothing waits: a refused attempt is answered at once (429, Retry-After).
 */

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
  unlockRequests: { perIp: RateLimitRule; perAddress: RateLimitRule };
}

export const defaultLoginRateLimits: LoginRateLimits = Object.freeze({
  perIp: { limit: 20, windowMs: 15 * 60_000 },
  perAccount: { limit: 100, windowMs: 15 * 60_000 },
  perPair: { freeFailures: 2, firstDelayMs: 1000, maxDelayMs: 30_000, windowMs: 15 * 60_000 },
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
  succeeded(): void;
}

export type LoginAdmission = { ok: true; attempt: LoginAttempt } | { ok: false; refusal: LoginRefusal };

export interface LoginThrottle {
  /** Checks and charges one attempt for `email` from `ip`; `unlocked`: this browser holds an unlock grant for it. */
  admit(input: { ip: string; email: string; unlocked?: boolean }): LoginAdmission;
  /**
   * Counts a request for an unlock link: 'ok' (store it), 'quiet' (the address had enough links
   * lately: answer alike, store nothing) or a refusal for the IP.
   */
  admitUnlockRequest(input: { ip: string; email: string }): 'ok' | 'quiet' | LoginRefusal;
}

interface Window {
  count: number;
  resetAt: number;
}

interface Pair {
  failures: number;
  lastAt: number;
}

/** The wait after `failures` failures of one pair. */
export function pairDelayMs(rule: DelayRule, failures: number): number {
  if (failures <= rule.freeFailures) return 0;
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(30, failures - rule.freeFailures - 1));
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** One throttle per app; `now` is injectable so tests can let time pass without waiting. */
export function createLoginThrottle(overrides: Partial<LoginRateLimits> = {}, now: () => number = Date.now): LoginThrottle {
  const limits: LoginRateLimits = { ...defaultLoginRateLimits, ...overrides };
  const perIp = new Map<string, Window>();
  const perAccount = new Map<string, Window>();
  const pairs = new Map<string, Pair>();
  const unlockPerIp = new Map<string, Window>();
  const unlockPerAddress = new Map<string, Window>();
  let nextSweep = 0;

  /** Forgets what has expired, at most once a minute: memory stays bounded by the recent failures. */
  function sweep(at: number): void {
    if (at < nextSweep) return;
    nextSweep = at + 60_000;
    for (const map of [perIp, perAccount, unlockPerIp, unlockPerAddress]) for (const [key, w] of map) if (w.resetAt <= at) map.delete(key);
    for (const [key, p] of pairs) if (p.lastAt + limits.perPair.windowMs <= at) pairs.delete(key);
  }

  function current(map: Map<string, Window>, key: string, rule: RateLimitRule, at: number): Window {
    let w = map.get(key);
    if (!w || w.resetAt <= at) {
      w = { count: 0, resetAt: at + rule.windowMs };
      map.set(key, w);
    }
    return w;
  }

  return {
    admit({ ip, email, unlocked = false }) {
      const at = now();
      sweep(at);
      const account = email.trim().toLowerCase();
      const pairKey = `${ip}\n${account}`;
      const ipWindow = current(perIp, ip, limits.perIp, at);
      const accountWindow = current(perAccount, account, limits.perAccount, at);
      let pair = pairs.get(pairKey);
      if (pair && pair.lastAt + limits.perPair.windowMs <= at) pair = undefined;

      if (ipWindow.count >= limits.perIp.limit) return { ok: false, refusal: { lock: 'ip', retryAfterSeconds: seconds(ipWindow.resetAt - at) } };
      if (!unlocked && accountWindow.count >= limits.perAccount.limit) {
        return { ok: false, refusal: { lock: 'account', retryAfterSeconds: seconds(accountWindow.resetAt - at) } };
      }
      const readyAt = pair ? pair.lastAt + pairDelayMs(limits.perPair, pair.failures) : at;
      if (readyAt > at) return { ok: false, refusal: { lock: 'delay', retryAfterSeconds: seconds(readyAt - at) } };

      // Charged now, given back on success: a burst of simultaneous attempts meets the counters it raised.
      pair = { failures: (pair?.failures ?? 0) + 1, lastAt: at };
      pairs.set(pairKey, pair);
      ipWindow.count += 1;
      accountWindow.count += 1;
      return {
        ok: true,
        attempt: {
          succeeded() {
            // The right password from this pair: its delay starts over.
            pairs.delete(pairKey);
            if (perIp.get(ip) === ipWindow) ipWindow.count = Math.max(0, ipWindow.count - 1);
            if (perAccount.get(account) === accountWindow) accountWindow.count = Math.max(0, accountWindow.count - 1);
          },
        },
      };
    },

    admitUnlockRequest({ ip, email }) {
      const at = now();
      sweep(at);
      const ipWindow = current(unlockPerIp, ip, limits.unlockRequests.perIp, at);
      if (ipWindow.count >= limits.unlockRequests.perIp.limit) return { lock: 'ip', retryAfterSeconds: seconds(ipWindow.resetAt - at) };
      ipWindow.count += 1;
      const addressWindow = current(unlockPerAddress, email.trim().toLowerCase(), limits.unlockRequests.perAddress, at);
      if (addressWindow.count >= limits.unlockRequests.perAddress.limit) return 'quiet';
      addressWindow.count += 1;
      return 'ok';
    },
  };
}
