/**
 * VERP (variable envelope return path): each outgoing message's envelope sender names it —
 * `<inbound local>+bounce-<outbox id>-<16 hex MAC>@<inbound domain>` — so a delivery report comes back
 * to an address that says which message failed, even from a mail server whose report quotes neither
 * our Message-ID nor the headers. The MAC (a key derived from JWT_SECRET for this purpose only) makes
 * the address unforgeable: only a report to a genuine one counts as answering our mail.
 *
 * The address is a `+` form of the inbound address (INBOUND_ADDRESS), not a separate `bounces@`
 * mailbox: it reaches the mailbox and SMTP receiver the Reply-To addresses already reach, with nothing
 * new to route at the MX or to accept.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

export type VerpSettings = Pick<Config, 'inboundAddress'> & { jwt: Pick<Config['jwt'], 'secret'> };

const tokenPattern = /^bounce-([a-f0-9]{24})-([a-f0-9]{16})$/i;

function mac(settings: VerpSettings, outboxId: string): string {
  const key = createHmac('sha256', settings.jwt.secret).update('relais:verp').digest();
  return createHmac('sha256', key).update(outboxId.toLowerCase()).digest('hex').slice(0, 16);
}

function split(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  return at > 0 ? { local: address.slice(0, at), domain: address.slice(at + 1) } : null;
}

/** The envelope sender of the outbox message `outboxId`. */
export function verpAddress(settings: VerpSettings, outboxId: string): string {
  const inbound = split(settings.inboundAddress);
  if (!inbound) throw new TypeError(`Not an address: ${settings.inboundAddress}`);
  const id = outboxId.toLowerCase();
  return `${inbound.local.replace(/\+.*$/, '')}+bounce-${id}-${mac(settings, id)}@${inbound.domain}`;
}

/** The outbox id a genuine VERP address names (any letter case), or null. */
export function outboxIdFromVerp(settings: VerpSettings, address: string): string | null {
  const given = split(address.trim().replace(/^<|>$/g, ''));
  const inbound = split(settings.inboundAddress);
  if (!given || !inbound || given.domain.toLowerCase() !== inbound.domain.toLowerCase()) return null;
  const plus = given.local.indexOf('+');
  if (plus <= 0 || given.local.slice(0, plus).toLowerCase() !== inbound.local.replace(/\+.*$/, '').toLowerCase()) return null;
  const match = tokenPattern.exec(given.local.slice(plus + 1));
  if (!match?.[1] || !match[2]) return null;
  const id = match[1].toLowerCase();
  const expected = Buffer.from(mac(settings, id));
  const sent = Buffer.from(match[2].toLowerCase());
  return expected.length === sent.length && timingSafeEqual(expected, sent) ? id : null;
}
