/**
 * Who is on a socket, and for how long. The handshake verifies the access token
 * exactly like an HTTP request (`resolveAccessToken`: signature, issuer, audience,
 * expiry, session, token version, active staff). A socket then ends when its token
 * expires, when its session is revoked (`auth.revoked` domain event, on every
 * instance through the adapter), and when a periodic re-check finds the session
 * closed, the staff member deactivated or their roles, team or office changed
 * (their rooms would be wrong).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ExtendedError } from 'socket.io';
import { AccessTokenExpiredError } from '../auth/tokens.js';
import { accessCookieName } from '../auth/auth.middleware.js';
import type { StaffActor } from '../auth/actor.js';
import type { AuthService } from '../auth/auth.service.js';
import { UnauthorizedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SessionEndReason, SocketData } from './protocol.js';
import { rooms, roomsForActor } from './rooms.js';
import type { StaffNamespace, StaffSocket } from './types.js';

/**
 * The value of one cookie. The access token is base64url and dots, so no decoding
 * library is needed for the one cookie read here.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/**
 * Cross-site WebSocket hijacking: a browser sends cookies with a WebSocket opened by
 * any site. Cookie handshakes must come from Relais's own origin (the public URL, or
 * the host the request was sent to). Requests without Origin are not from a page.
 */
export function sameOrigin(headers: IncomingHttpHeaders, publicUrl: string): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.origin === new URL(publicUrl).origin || url.host === headers.host;
  } catch {
    return false;
  }
}

function refusal(code: 'no_token' | 'token_expired' | 'invalid_token' | 'bad_origin' | 'unavailable'): ExtendedError {
  const error: ExtendedError = new Error(code === 'unavailable' ? 'unavailable' : 'unauthorized');
  error.data = { code };
  return error;
}

export function socketDataFor(actor: StaffActor, sessionId: string, expiresAt: number): SocketData {
  return {
    staffId: String(actor.id),
    name: actor.name,
    email: actor.email,
    roles: [...actor.roles],
    team: actor.team ? String(actor.team) : null,
    office: actor.office ? String(actor.office) : null,
    tier: actor.tier,
    sessionId,
    expiresAt,
    streams: roomsForActor(actor),
    typing: [],
  };
}

const accessKey = (d: Pick<SocketData, 'roles' | 'team' | 'office' | 'tier'>): string => JSON.stringify([[...d.roles].sort(), d.team, d.office, d.tier]);

interface Tracked {
  socket: StaffSocket;
  token: string;
  timer: NodeJS.Timeout;
}

export interface SessionGuardOptions {
  nsp: StaffNamespace;
  auth: AuthService;
  logger: Logger;
  publicUrl: string;
  /** How often sessions of open sockets are re-checked against the database. */
  recheckIntervalMs: number;
}

export interface SessionGuard {
  /** Namespace middleware: refuses the handshake with `unauthorized` (and `err.data.code`). */
  authenticate(socket: StaffSocket, next: (err?: ExtendedError) => void): Promise<void>;
  /** Starts the expiry timer of a connected socket. */
  track(socket: StaffSocket): void;
  /** Ends every socket of a session, or of a staff member, on every instance. */
  revoke(target: { sessionId: string | null; staffId: string | null }): void;
  close(): void;
}

const maxTimer = 2 ** 31 - 1;

export function createSessionGuard(options: SessionGuardOptions): SessionGuard {
  const { nsp, auth, logger } = options;
  const tokens = new WeakMap<StaffSocket, string>();
  const bySession = new Map<string, Map<string, Tracked>>();

  function end(socket: StaffSocket, reason: SessionEndReason): void {
    if (socket.disconnected) return;
    socket.emit('session:expired', { reason });
    socket.disconnect(true);
  }

  async function authenticate(socket: StaffSocket, next: (err?: ExtendedError) => void): Promise<void> {
    const { headers } = socket.handshake;
    const auth0: unknown = socket.handshake.auth;
    const given = typeof auth0 === 'object' && auth0 !== null && 'token' in auth0 ? auth0.token : undefined;
    const fromCookie = readCookie(headers.cookie, accessCookieName);
    const token = typeof given === 'string' && given !== '' ? given : fromCookie;
    if (!token) return next(refusal('no_token'));
    if (token === fromCookie && !sameOrigin(headers, options.publicUrl)) {
      logger.warn({ origin: headers.origin, host: headers.host }, 'realtime: cookie handshake from another origin refused');
      return next(refusal('bad_origin'));
    }
    try {
      const found = await auth.resolveAccessToken(token);
      socket.data = socketDataFor(found.actor, found.sessionId, found.claims.exp * 1000);
      tokens.set(socket, token);
      next();
    } catch (error) {
      if (error instanceof AccessTokenExpiredError) return next(refusal('token_expired'));
      if (error instanceof UnauthorizedError) return next(refusal('invalid_token'));
      logger.error({ err: error }, 'realtime: handshake failed');
      next(refusal('unavailable'));
    }
  }

  function track(socket: StaffSocket): void {
    const token = tokens.get(socket);
    if (!token) return end(socket, 'revoked');
    const { sessionId, expiresAt } = socket.data;
    const timer = setTimeout(() => end(socket, 'expired'), Math.min(maxTimer, Math.max(0, expiresAt - Date.now())));
    const sockets = bySession.get(sessionId) ?? new Map<string, Tracked>();
    sockets.set(socket.id, { socket, token, timer });
    bySession.set(sessionId, sockets);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      sockets.delete(socket.id);
      if (sockets.size === 0 && bySession.get(sessionId) === sockets) bySession.delete(sessionId);
    });
  }

  let closed = false;
  let pause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref(); // never what keeps a process alive
      pause = { timer, resolve };
    });

  /**
   * One database check per open session (not per socket), spread over the interval so
   * that a thousand sessions make a steady trickle of reads rather than a burst.
   */
  async function recheck(): Promise<void> {
    const sessions = [...bySession];
    const gap = Math.min(1_000, (0.9 * options.recheckIntervalMs) / Math.max(1, sessions.length));
    for (const [sessionId, sockets] of sessions) {
      if (closed) return;
      const list = [...sockets.values()];
      const newest = list.reduce<Tracked | undefined>((a, b) => (!a || b.socket.data.expiresAt > a.socket.data.expiresAt ? b : a), undefined);
      if (!newest) continue;
      try {
        const found = await auth.resolveAccessToken(newest.token, { fresh: true });
        const now = accessKey(socketDataFor(found.actor, sessionId, 0));
        for (const t of list) if (accessKey(t.socket.data) !== now) end(t.socket, 'access_changed');
      } catch (error) {
        if (error instanceof AccessTokenExpiredError) continue; // each socket's own timer ends it
        if (error instanceof UnauthorizedError) {
          logger.info({ sessionId }, 'realtime: session no longer valid, disconnecting its sockets');
          for (const t of list) end(t.socket, 'revoked');
        } else {
          logger.warn({ err: error, sessionId }, 'realtime: session re-check failed; will retry');
        }
      }
      await wait(gap);
    }
  }

  // Each session is checked about once per interval, however long the checks take.
  void (async () => {
    await wait(options.recheckIntervalMs);
    while (!closed) {
      const started = Date.now();
      await recheck().catch((error: unknown) => logger.error({ err: error }, 'realtime: session re-check stopped early'));
      await wait(Math.max(0, options.recheckIntervalMs - (Date.now() - started)));
    }
  })();

  function revoke(target: { sessionId: string | null; staffId: string | null }): void {
    const room = target.sessionId ? rooms.session(target.sessionId) : target.staffId ? rooms.staff(target.staffId) : null;
    if (!room) return;
    // Through the adapter, so sockets on every instance get the notice, then are closed.
    nsp.to(room).emit('session:expired', { reason: 'revoked' });
    nsp.in(room).disconnectSockets(true);
  }

  return {
    authenticate,
    track,
    revoke,
    close: () => {
      closed = true;
      if (pause) {
        clearTimeout(pause.timer);
        pause.resolve();
      }
      for (const sockets of bySession.values()) for (const t of sockets.values()) clearTimeout(t.timer);
      bySession.clear();
    },
  };
}
