/**
 * The member's browser session: a signed cookie (member-links.ts) set when they follow a link
 * from an email, saying which of their tickets this browser may show. Members have no password;
 * the link in their mailbox is the proof, and the cookie keeps the token out of the address bar.
 */
import type { CookieOptions, Request, Response } from 'express';
import type { Config } from '../../config.js';
import type { MemberActor } from '../../auth/actor.js';
import { usesSecureCookies } from '../../auth/auth.middleware.js';
import { memberById } from '../../members/member-lookup.js';
import { MEMBER_SESSION_SECONDS, signMemberSession, verifyMemberSession, type MemberSession } from '../../members/member-links.js';

export const memberCookieName = 'relais_member';

function cookieOptions(config: Config): CookieOptions {
  // Lax, not strict: the cookie is set while following a link from a webmail (a cross-site navigation).
  return { httpOnly: true, sameSite: 'lax', secure: usesSecureCookies(config), path: '/' };
}

export function readMemberSession(req: Request, config: Config): MemberSession | null {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[memberCookieName];
  return typeof value === 'string' ? verifyMemberSession(config, value) : null;
}

export function writeMemberSession(res: Response, config: Config, session: MemberSession, ttlSeconds = MEMBER_SESSION_SECONDS): void {
  const seconds = Math.min(ttlSeconds, MEMBER_SESSION_SECONDS);
  res.cookie(memberCookieName, signMemberSession(config, session, seconds), { ...cookieOptions(config), maxAge: seconds * 1000 });
}

export function clearMemberSession(res: Response, config: Config): void {
  res.clearCookie(memberCookieName, cookieOptions(config));
}

/**
 * The member a session belongs to, as an actor for the ticket policy; null when they no longer exist
 * or signed out of all their devices since the session was opened (checked on every request).
 */
export async function memberActorFor(session: MemberSession): Promise<(MemberActor & { language: string | null }) | null> {
  const member = await memberById<{ name: string; email: string; language?: string | null; sessionVersion?: number; erasedAt?: Date | null }>(
    session.memberId,
    { name: 1, email: 1, language: 1, sessionVersion: 1, erasedAt: 1 },
  );
  // An erased member's old links still verify (signed tokens): the session they open is refused here.
  if (!member || member.erasedAt || (member.sessionVersion ?? 0) !== session.version) return null;
  return { kind: 'member', id: member._id, name: member.name, email: member.email, language: member.language ?? null };
}
