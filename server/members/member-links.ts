/**
 * Signed tokens for members, who have no password:
 *
 * - a **link token** in every email (`/suivi/acces/<token>`): a compact signed token (67 characters)
 *   for one member, scoped to one ticket (ticket mail) or to all their tickets ("send me a link"),
 *   expiring after MEMBER_LINK_TTL (links mailed earlier as JWTs are still honoured);
 * - a **member session** cookie set when a link is followed, so the token leaves the address bar; a
 *   link opens one session only (its use is recorded, members/link-uses.ts), and a session carries
 *   the member's `sessionVersion`, so "sign out everywhere" ends every session at once;
 * - a **reply token** in the Reply-To address (`support+R-2026-000123-9f2c…@domain`): the ticket
 *   number and a keyed MAC of it, so an answer by email finds its ticket and a guessed number does not.
 *
 * Each purpose signs with its own key derived from JWT_SECRET, so one kind of token can never pass
 * for another; verification pins the algorithm, issuer and audience.
 */
import { ticketNumberPattern } from '../lib/ticket.vocabulary.js';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Config } from '../config.js';

const algorithm = 'HS256';
const objectIdHex = /^[a-f0-9]{24}$/;
/** A member session lasts this long at most (and never longer than the link that opened it). */
export const MEMBER_SESSION_SECONDS = 7 * 86400;
/** How many tickets a session scoped to single tickets remembers. */
const MAX_SESSION_TICKETS = 50;

export type MemberTokenSettings = Pick<Config, 'memberLinkTtl' | 'publicUrl' | 'inboundAddress'> & { jwt: Pick<Config['jwt'], 'secret' | 'issuer'> };

function keyFor(settings: MemberTokenSettings, purpose: string): Buffer {
  return createHmac('sha256', settings.jwt.secret).update(`relais:${purpose}`).digest();
}

export interface MemberLinkClaims {
  memberId: string;
  /** Null: all the member's tickets. */
  ticketId: string | null;
}

const linkSchema = z.object({
  sub: z.string().regex(objectIdHex),
  tkt: z.string().regex(objectIdHex).optional(),
  jti: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/)
    .optional(),
});

/**
 * The compact link token (what mails carry since issue 16 asked for links short enough to read):
 * base64url of `kind (1: all tickets, 2: one ticket) · member (12 bytes) · [ticket (12 bytes)] ·
 * expiry (uint32, seconds) · id (9 random bytes) · MAC (HMAC-SHA256 under the link key, first 12
 * bytes)` — 67 characters for a ticket, 51 for all tickets, against ~330 for the JWT it replaces.
 * The guarantees are the JWT's: a key of its own, the claims and expiry under the MAC (96 bits: not
 * guessable online, so ids cannot be enumerated), a random id for single use. Nothing is stored.
 */
const KIND_ALL = 1;
const KIND_TICKET = 2;
const ID_BYTES = 12;
const JTI_BYTES = 9;
const MAC_BYTES = 12;

function linkMac(settings: MemberTokenSettings, body: Buffer): Buffer {
  // The issuer is signed too, as the JWT's `iss` was: two installations sharing a secret do not share links.
  return createHmac('sha256', keyFor(settings, 'member-link')).update(settings.jwt.issuer).update('\0').update(body).digest().subarray(0, MAC_BYTES);
}

/** Signs a link token for `memberId`, for one ticket or (ticketId null) all of them. */
export function signMemberLink(settings: MemberTokenSettings, claims: MemberLinkClaims): string {
  if (!objectIdHex.test(claims.memberId) || (claims.ticketId !== null && !objectIdHex.test(claims.ticketId))) throw new TypeError('A member link names ids.');
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(Math.max(0, Math.floor(Date.now() / 1000) + settings.memberLinkTtl));
  const body = Buffer.concat([
    Buffer.from([claims.ticketId ? KIND_TICKET : KIND_ALL]),
    Buffer.from(claims.memberId, 'hex'),
    claims.ticketId ? Buffer.from(claims.ticketId, 'hex') : Buffer.alloc(0),
    expiry,
    // Each link is its own: following it once uses it up (see `useKey`).
    randomBytes(JTI_BYTES),
  ]);
  return Buffer.concat([body, linkMac(settings, body)]).toString('base64url');
}

export type LinkCheck = { ok: true; claims: MemberLinkClaims; expiresAt: Date; useKey: string } | { ok: false; reason: 'expired' | 'invalid' };

const compactPattern = /^[A-Za-z0-9_-]{40,80}$/;

/** A compact token's fields when its MAC is Relais's, expired or not; null for anything else. */
function readCompactLink(settings: MemberTokenSettings, token: string): { claims: MemberLinkClaims; expiresAt: Date; useKey: string } | null {
  const bytes = Buffer.from(token, 'base64url');
  const kind = bytes[0];
  const idBytes = kind === KIND_TICKET ? 2 * ID_BYTES : kind === KIND_ALL ? ID_BYTES : -1;
  // Refused before the MAC only for what no genuine token looks like; every forged one gets the same answer.
  if (idBytes < 0 || bytes.length !== 1 + idBytes + 4 + JTI_BYTES + MAC_BYTES || bytes.toString('base64url') !== token) return null;
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  if (!timingSafeEqual(linkMac(settings, body), bytes.subarray(bytes.length - MAC_BYTES))) return null;
  const expiresAt = new Date(body.readUInt32BE(1 + idBytes) * 1000);
  const memberId = body.subarray(1, 1 + ID_BYTES).toString('hex');
  const ticketId = kind === KIND_TICKET ? body.subarray(1 + ID_BYTES, 1 + 2 * ID_BYTES).toString('hex') : null;
  // Prefixed so a compact link's id can never equal a JWT's.
  const useKey = `c:${body.subarray(1 + idBytes + 4).toString('base64url')}`;
  return { claims: { memberId, ticketId }, expiresAt, useKey };
}

function verifyCompactLink(settings: MemberTokenSettings, token: string): LinkCheck {
  const read = readCompactLink(settings, token);
  if (!read) return { ok: false, reason: 'invalid' };
  if (read.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  return { ok: true, ...read };
}

/**
 * Verifies a link token — compact, or a JWT mailed before the compact form (still honoured until it
 * expires); says whether a refused token had merely expired (the page then offers a fresh link).
 */
export function verifyMemberLink(settings: MemberTokenSettings, token: string): LinkCheck {
  if (token.length > 2000) return { ok: false, reason: 'invalid' };
  if (compactPattern.test(token)) return verifyCompactLink(settings, token);
  try {
    const payload = jwt.verify(token, keyFor(settings, 'member-link'), {
      algorithms: [algorithm],
      issuer: settings.jwt.issuer,
      audience: 'relais-member-link',
    });
    const parsed = linkSchema.safeParse(payload);
    if (!parsed.success || typeof payload !== 'object' || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
    // The key under which following it is recorded once: its id, or (links signed before ids) a hash of it.
    const useKey = parsed.data.jti ?? createHash('sha256').update(token).digest('base64url');
    return { ok: true, claims: { memberId: parsed.data.sub, ticketId: parsed.data.tkt ?? null }, expiresAt: new Date(payload.exp * 1000), useKey };
  } catch (error) {
    return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}

/**
 * The member a genuine link names even when it no longer opens anything (used once already, or
 * expired): whoever holds it may have a fresh link sent to that member's address — the mailbox the
 * link went to, nothing they choose. Null for a token Relais did not sign.
 */
export function linkOwner(settings: MemberTokenSettings, token: string): string | null {
  if (token.length > 2000) return null;
  if (compactPattern.test(token)) return readCompactLink(settings, token)?.claims.memberId ?? null;
  try {
    const payload = jwt.verify(token, keyFor(settings, 'member-link'), {
      algorithms: [algorithm],
      issuer: settings.jwt.issuer,
      audience: 'relais-member-link',
      ignoreExpiration: true,
    });
    const parsed = linkSchema.safeParse(payload);
    return parsed.success ? parsed.data.sub : null;
  } catch {
    return null;
  }
}

/**
 * The address of a link: `/suivi/acces/<token>`, optionally opening the rating form with a score.
 * `lang`: the language of the mail the link is in, so the pages it opens speak it whatever the browser's
 * (a Dutch member with a French phone); outside the signature, it chooses nothing but words.
 */
export function memberLinkUrl(settings: MemberTokenSettings, claims: MemberLinkClaims, options: { score?: number; lang?: string } = {}): string {
  const url = `${settings.publicUrl}/suivi/acces/${signMemberLink(settings, claims)}`;
  const query = [options.score ? `note=${options.score}` : null, options.lang ? `lang=${encodeURIComponent(options.lang)}` : null].filter(Boolean);
  return query.length > 0 ? `${url}?${query.join('&')}` : url;
}

/** What a member's browser session may see: every ticket of the member, or the listed ones. */
export interface MemberSession {
  memberId: string;
  all: boolean;
  tickets: string[];
  /** The member's `sessionVersion` when it was opened: "sign out everywhere" bumps it, ending every session. */
  version: number;
}

const sessionSchema = z.object({
  sub: z.string().regex(objectIdHex),
  all: z.boolean(),
  tickets: z.array(z.string().regex(objectIdHex)).max(MAX_SESSION_TICKETS),
  sv: z.number().int().min(0).optional(),
});

/** Adds what a followed link grants to the session the browser already has (same member and version only). */
export function mergeSessions(current: MemberSession | null, link: MemberLinkClaims, version: number): MemberSession {
  const base =
    current && current.memberId === link.memberId && current.version === version ? current : { memberId: link.memberId, all: false, tickets: [], version };
  if (!link.ticketId) return { ...base, all: true, tickets: [] };
  if (base.all) return base;
  const tickets = [link.ticketId, ...base.tickets.filter((t) => t !== link.ticketId)].slice(0, MAX_SESSION_TICKETS);
  return { ...base, tickets };
}

export function signMemberSession(settings: MemberTokenSettings, session: MemberSession, ttlSeconds = MEMBER_SESSION_SECONDS): string {
  return jwt.sign({ all: session.all, tickets: session.all ? [] : session.tickets, sv: session.version }, keyFor(settings, 'member-session'), {
    algorithm,
    subject: session.memberId,
    issuer: settings.jwt.issuer,
    audience: 'relais-member-session',
    expiresIn: Math.max(60, Math.min(ttlSeconds, MEMBER_SESSION_SECONDS)),
  });
}

export function verifyMemberSession(settings: MemberTokenSettings, token: string): MemberSession | null {
  if (token.length > 4000) return null;
  try {
    const payload = jwt.verify(token, keyFor(settings, 'member-session'), {
      algorithms: [algorithm],
      issuer: settings.jwt.issuer,
      audience: 'relais-member-session',
    });
    const parsed = sessionSchema.safeParse(payload);
    return parsed.success ? { memberId: parsed.data.sub, all: parsed.data.all, tickets: parsed.data.tickets, version: parsed.data.sv ?? 0 } : null;
  } catch {
    return null;
  }
}

export function sessionCovers(session: MemberSession, ticket: { _id: unknown; member: unknown }): boolean {
  return String(ticket.member) === session.memberId && (session.all || session.tickets.includes(String(ticket._id)));
}

// ---------------------------------------------------------------------------
// Reply-To tokens
// ---------------------------------------------------------------------------

const replyTokenPattern = /^(R-\d{4}-\d{6})-([a-f0-9]{16})$/i;

function replyMac(settings: MemberTokenSettings, ticketNumber: string): string {
  return createHmac('sha256', keyFor(settings, 'reply-to')).update(ticketNumber).digest('hex').slice(0, 16);
}

/** `R-2026-000123-<16 hex>`: the ticket number and its MAC (lower-case hex survives MTAs that fold case). */
export function replyToken(settings: MemberTokenSettings, ticketNumber: string): string {
  if (!ticketNumberPattern.test(ticketNumber)) throw new TypeError(`Not a ticket number: ${ticketNumber}`);
  return `${ticketNumber}-${replyMac(settings, ticketNumber)}`;
}

/** The ticket number a reply token stands for, or null when the token is not genuine. */
export function ticketNumberFromReplyToken(settings: MemberTokenSettings, token: string): string | null {
  const match = replyTokenPattern.exec(token.trim());
  if (!match?.[1] || !match[2]) return null;
  const number = match[1].toUpperCase();
  const expected = Buffer.from(replyMac(settings, number));
  const given = Buffer.from(match[2].toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given) ? number : null;
}

/** `support+R-2026-000123-9f2c…@relais.example` for a ticket. */
export function replyAddress(settings: MemberTokenSettings, ticketNumber: string): string {
  const at = settings.inboundAddress.lastIndexOf('@');
  const local = settings.inboundAddress.slice(0, at).replace(/\+.*$/, '');
  return `${local}+${replyToken(settings, ticketNumber)}@${settings.inboundAddress.slice(at + 1)}`;
}
