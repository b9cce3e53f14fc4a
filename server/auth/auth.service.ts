/**
 * Staff sign-in, sessions and revocation. Every access token names a session and
 * carries the staff member's tokenVersion; both are checked on every request, so
 * logout, "log out everywhere", a tokenVersion bump and deactivation take effect
 * at once rather than when the token expires.
 */
import { Types } from 'mongoose';
import { domainEvents } from '../lib/domain-events.js';
import { UnauthorizedError } from '../lib/errors.js';
import { readStaffForSignIn, rememberedStaff } from '../staff/staff-records.js';
import { StaffModel, type StaffDoc } from '../staff/staff.model.js';
import { tiers, type Tier } from '../teams/team.model.js';
import { teamTier } from '../teams/team.queries.js';
import { toStaffActor, type StaffActor } from './actor.js';
import { verifyDummyPassword, verifyPassword } from './password.js';
import type { SecondStepClaims } from './second-step.js';
import { SessionModel } from './session.model.js';
import { endAllSessions } from './sessions.js';
import { checkSecondFactor, spendSecondStep } from './totp.js';
import { createRefreshToken, parseRefreshToken, sameHash, signAccessToken, verifyAccessToken, type AccessClaims, type JwtSettings } from './tokens.js';

/** Where a login came from, kept on the session for the "your sessions" list. */
export interface LoginMeta {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

export interface IssuedTokens {
  sessionId: string;
  accessToken: string;
  accessExpiresAt: Date;
  /**
   * The new refresh token, or null when a concurrent refresh (another tab) rotated
   * it a moment ago: the caller keeps the one that request received.
   */
  refreshToken: string | null;
  sessionExpiresAt: Date;
}

export interface LoginResult extends IssuedTokens {
  refreshToken: string;
  staff: StaffDoc;
}

/** The password was right; a person with TOTP on is asked for a code before any session opens. */
export type LoginOutcome = ({ kind: 'session' } & LoginResult) | { kind: 'second_step'; staff: StaffDoc };

export interface AuthenticatedToken {
  actor: StaffActor;
  sessionId: string;
  claims: AccessClaims;
}

export interface AuthService {
  login(email: string, password: string, meta: LoginMeta): Promise<LoginOutcome>;
  /** The second step of a TOTP sign-in: the code (or a recovery code) for a verified second-step token. */
  completeSecondStep(claims: SecondStepClaims, code: string, meta: LoginMeta): Promise<LoginResult & { via: 'totp' | 'recovery' }>;
  refresh(refreshToken: string): Promise<IssuedTokens>;
  logout(sessionId: string | Types.ObjectId): Promise<void>;
  logoutEverywhere(staffId: string | Types.ObjectId): Promise<void>;
  resolveAccessToken(token: string, options?: { fresh?: boolean }): Promise<AuthenticatedToken>;
  actorFromToken(token: string): Promise<StaffActor>;
  currentStaff(staffId: Types.ObjectId): Promise<StaffDoc>;
}

/** How long the refresh token a session just replaced is still honoured (racing tabs). */
export const refreshGraceMs = 30_000;

const badCredentials = 'The email address or password is not correct.';
const sessionEnded = 'Your session has ended. Please sign in again.';
const badCode = 'The code is not correct (or was already used).';
const badRefreshToken = 'The refresh token is not valid. Please sign in again.';

const asTier = (value: unknown): Tier | null => tiers.find((t) => t === value) ?? null;
const clip = (value: string | undefined, max: number): string => (value ?? '').slice(0, max);

/** The auth commands, bound to the JWT settings (secret, issuer, audience, lifetimes). */
export function createAuthService(settings: JwtSettings): AuthService {
  function issueAccess(staffId: Types.ObjectId, sessionId: Types.ObjectId, tokenVersion: number, sessionExpiresAt: Date, now: Date) {
    // A token never outlives its session.
    const remaining = Math.floor((sessionExpiresAt.getTime() - now.getTime()) / 1000);
    return signAccessToken(settings, { staffId: String(staffId), sessionId: String(sessionId), tokenVersion }, Math.min(settings.accessTtl, remaining), now);
  }

  /**
   * Checks an email and password, then opens a session, or says a second factor is needed. Unknown
   * email, wrong password, deactivated and invited-but-not-set-up accounts answer alike.
   */
  async function login(email: string, password: string, meta: LoginMeta): Promise<LoginOutcome> {
    // `find … limit(2)`, not `findOne`: the embedded FerretDB filters in Go and stops at the first
    // match, so a known address answered measurably sooner than an unknown one (bench/address-timing.ts);
    // asking for two makes both read the whole (small) staff collection. MongoDB uses the unique index.
    const [staff] = await StaffModel.find({ email: email.trim().toLowerCase() }).limit(2);
    if (!staff) {
      await verifyDummyPassword(password);
      throw new UnauthorizedError(badCredentials);
    }
    // Verify before looking at `active`, so a deactivated account costs the same time.
    const ok = await verifyPassword(staff.passwordHash, password);
    if (!ok || !staff.active) throw new UnauthorizedError(badCredentials);
    if (staff.totp?.enabledAt) return { kind: 'second_step', staff };
    return { kind: 'session', ...(await openSession(staff, meta)) };
  }

  async function completeSecondStep(claims: SecondStepClaims, code: string, meta: LoginMeta): Promise<LoginResult & { via: 'totp' | 'recovery' }> {
    const staff = await StaffModel.findById(claims.staffId);
    // The token names the tokenVersion it was issued under: "sign out everywhere" or a new password since ends it.
    if (!staff || !staff.active || staff.tokenVersion !== claims.tokenVersion || !staff.totp?.enabledAt) throw new UnauthorizedError(sessionEnded);
    const result = await checkSecondFactor({ jwt: settings }, staff._id, code);
    if (!result.ok) throw new UnauthorizedError(badCode);
    if (!(await spendSecondStep(staff._id, claims.id))) throw new UnauthorizedError(sessionEnded);
    return { ...(await openSession(staff, meta)), via: result.via };
  }

  async function openSession(staff: StaffDoc, meta: LoginMeta): Promise<LoginResult> {
    const now = new Date();
    const sessionId = new Types.ObjectId();
    const refresh = createRefreshToken(String(sessionId));
    const sessionExpiresAt = new Date(now.getTime() + settings.sessionTtl * 1000);
    await SessionModel.create({
      _id: sessionId,
      staff: staff._id,
      tokenVersion: staff.tokenVersion,
      expiresAt: sessionExpiresAt,
      lastUsedAt: now,
      userAgent: clip(meta.userAgent, 512),
      ip: clip(meta.ip, 64),
      refreshTokenHash: refresh.hash,
    });
    // A deactivation, a new password or "log out everywhere" that revoked the person's sessions between
    // the password check and this insert would miss this one: read the record again (the sign-in memo
    // takes it too) and end the session if the version moved on or the person was deactivated.
    const after = await readStaffForSignIn(String(staff._id));
    if (!after || !after.active || after.tokenVersion !== staff.tokenVersion) {
      await SessionModel.updateOne({ _id: sessionId }, { $set: { revokedAt: new Date() } });
      throw new UnauthorizedError(sessionEnded);
    }
    await StaffModel.updateOne({ _id: staff._id }, { $set: { lastLoginAt: now } });
    const access = issueAccess(staff._id, sessionId, staff.tokenVersion, sessionExpiresAt, now);
    return {
      sessionId: String(sessionId),
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      sessionExpiresAt,
      staff,
    };
  }

  /**
   * Trades a refresh token for a new access token and a new refresh token (rotation).
   * Presenting a replaced token after the grace period means it was copied: the
   * session is revoked (OAuth 2.0 Security BCP, refresh token reuse detection).
   */
  async function refresh(refreshToken: string): Promise<IssuedTokens> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) throw new UnauthorizedError(badRefreshToken);
    const session = await SessionModel.findById(parsed.sessionId);
    const now = new Date();
    if (!session) throw new UnauthorizedError(badRefreshToken);
    if (session.revokedAt || session.expiresAt <= now) throw new UnauthorizedError(sessionEnded);

    const isCurrent = sameHash(parsed.hash, session.refreshTokenHash);
    const isPrevious = !isCurrent && sameHash(parsed.hash, session.previousRefreshTokenHash);
    const withinGrace = isPrevious && session.rotatedAt instanceof Date && now.getTime() - session.rotatedAt.getTime() < refreshGraceMs;
    if (isPrevious && !withinGrace) {
      await logout(session._id);
      throw new UnauthorizedError(sessionEnded);
    }
    if (!isCurrent && !withinGrace) throw new UnauthorizedError(badRefreshToken);

    const staff = await StaffModel.findById(session.staff).lean();
    if (!staff || !staff.active || staff.tokenVersion !== session.tokenVersion) throw new UnauthorizedError(sessionEnded);

    let nextToken: string | null = null;
    if (isCurrent) {
      const next = createRefreshToken(String(session._id));
      // Conditional on the hash we read: on MongoDB a concurrent rotation makes this a no-op.
      const result = await SessionModel.updateOne(
        { _id: session._id, refreshTokenHash: session.refreshTokenHash, revokedAt: null },
        { $set: { refreshTokenHash: next.hash, previousRefreshTokenHash: session.refreshTokenHash, rotatedAt: now, lastUsedAt: now } },
      );
      if (result.modifiedCount === 1) nextToken = next.token;
    }
    const access = issueAccess(staff._id, session._id, staff.tokenVersion, session.expiresAt, now);
    return {
      sessionId: String(session._id),
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken: nextToken,
      sessionExpiresAt: session.expiresAt,
    };
  }

  /** Ends one session: its access and refresh tokens stop working at once. */
  async function logout(sessionId: string | Types.ObjectId): Promise<void> {
    await SessionModel.updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    domainEvents.publish('auth.revoked', { sessionId: String(sessionId), staffId: null });
  }

  /**
   * Ends every session of a staff member. The tokenVersion bump alone already
   * refuses every token and refresh; revoking the sessions keeps the list honest.
   */
  async function logoutEverywhere(staffId: string | Types.ObjectId): Promise<void> {
    await endAllSessions(staffId);
  }

  /**
   * Verifies an access token and checks, against the database, that the session is open and
   * the staff member active with the token's tokenVersion. The session is read on every request
   * (revocation takes effect at once); the person's record may come from this instance's memo
   * (staff/staff-records.ts), which never refuses: when it would, the record is read again.
   * `fresh` reads it whatever is remembered (the live sockets' periodic re-check: the net under
   * changes no news announced, such as an edit made directly in the database).
   */
  async function resolveAccessToken(token: string, options: { fresh?: boolean } = {}): Promise<AuthenticatedToken> {
    const claims = verifyAccessToken(settings, token);
    const remembered = options.fresh ? undefined : rememberedStaff(claims.sub);
    const [read, session] = await Promise.all([remembered ? null : readStaffForSignIn(claims.sub), SessionModel.findById(claims.sid).lean()]);
    const memoRefuses = remembered && (!remembered.active || remembered.tokenVersion !== claims.tv || remembered.tokenVersion !== session?.tokenVersion);
    const staff = memoRefuses ? await readStaffForSignIn(claims.sub) : (remembered ?? read);
    if (!staff || !staff.active || staff.tokenVersion !== claims.tv) throw new UnauthorizedError(sessionEnded);
    if (
      !session ||
      String(session.staff) !== String(staff._id) ||
      session.revokedAt ||
      session.expiresAt <= new Date() ||
      session.tokenVersion !== staff.tokenVersion
    ) {
      throw new UnauthorizedError(sessionEnded);
    }
    const actor = toStaffActor(staff, asTier(staff.team ? await teamTier(staff.team) : null));
    return { actor, sessionId: String(session._id), claims };
  }

  /** The staff member an access token stands for (sockets and other non-HTTP callers). */
  async function actorFromToken(token: string): Promise<StaffActor> {
    return (await resolveAccessToken(token)).actor;
  }

  /** The signed-in staff member's full record, for their profile. */
  async function currentStaff(staffId: Types.ObjectId): Promise<StaffDoc> {
    const staff = await StaffModel.findById(staffId);
    if (!staff || !staff.active) throw new UnauthorizedError(sessionEnded);
    return staff;
  }

  return { login, completeSecondStep, refresh, logout, logoutEverywhere, resolveAccessToken, actorFromToken, currentStaff };
}
