/**
 * The mail settings administrators see (`/staff/admin/mail-settings`): the addresses Relais receives
 * at, the IMAP mailboxes it reads, the outgoing SMTP server. They stay in the environment (INBOUND_*,
 * IMAP_MAILBOXES, SMTP_URL, MAIL_FROM: config.ts), where the operator keeps secrets: the page shows
 * them read-only, passwords never (not even masked in part), and tests them:
 *
 *  - "Test connection" connects to a mailbox, logs in and opens its folder (imap-probe.ts);
 *  - "Send a test mail" goes through the normal outbox, like every other mail: it is recorded on the
 *    outgoing mail page, leaves through the same transport (SMTP_URL or the local catcher) with the
 *    same envelope, retries and bounce handling, so it tests what members' mail goes through. The
 *    page then shows the message's state (queued, sent, failed with the server's answer).
 *
 * Both are limited per administrator (5 test mails and 10 connection tests per 15 minutes, counted in
 * the database like sign-in failures: auth/sign-in-counts.ts) and audited.
 */
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { charge, countOf, seriesOf } from '../auth/sign-in-counts.js';
import { recordAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import { NotFoundError, TooManyRequestsError } from '../lib/errors.js';
import { translator } from '../lib/i18n.js';
import { probeImapMailbox, type ImapProbeResult } from './inbound/imap-probe.js';
import type { OutboxMail } from './mail.models.js';
import { mailDateTime } from './mail-parts.js';
import { enqueueMail, findOutboxMail } from './outbox.js';
import type { MailLocale } from './templates.js';

const WINDOW_MS = 15 * 60_000;
const LIMITS = { 'mail-test': 5, 'imap-test': 10 } as const;

export interface MailSettingsView {
  inbound: { address: string; extraAddresses: string[]; smtpReceiver: { host: string; port: number } | null };
  imap: Array<{
    name: string;
    host: string;
    port: number;
    secure: boolean;
    user: string;
    folder: string;
    processedFolder: string | null;
    team: string | null;
    category: string | null;
    office: string | null;
    pollSeconds: number;
  }>;
  smtp: { mode: 'smtp' | 'catcher' | 'none'; host: string | null; port: number | null; secure: boolean; user: string | null; passwordSet: boolean };
  mailFrom: string;
}

type SettingsConfig = Pick<Config, 'inboundAddress' | 'inbound' | 'imapMailboxes' | 'smtpUrl' | 'env' | 'mailFrom'>;

/** What the environment says, with no password in it. */
export function mailSettings(config: SettingsConfig): MailSettingsView {
  let smtp: MailSettingsView['smtp'] = {
    mode: config.env === 'production' ? 'none' : 'catcher',
    host: null,
    port: null,
    secure: false,
    user: null,
    passwordSet: false,
  };
  if (config.smtpUrl) {
    const url = new URL(config.smtpUrl);
    const secure = url.protocol === 'smtps:';
    smtp = {
      mode: 'smtp',
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      user: url.username ? decodeURIComponent(url.username) : null,
      passwordSet: url.password !== '',
    };
  }
  return {
    inbound: {
      address: config.inboundAddress,
      extraAddresses: [...config.inbound.extraAddresses],
      smtpReceiver: config.inbound.smtp.port > 0 ? { host: config.inbound.smtp.host, port: config.inbound.smtp.port } : null,
    },
    imap: config.imapMailboxes.map((m) => ({
      name: m.name,
      host: m.host,
      port: m.port,
      secure: m.secure,
      user: m.user,
      folder: m.folder,
      processedFolder: m.processedFolder,
      team: m.team ?? null,
      category: m.category ?? null,
      office: m.office ?? null,
      pollSeconds: m.pollSeconds,
    })),
    smtp,
    mailFrom: config.mailFrom,
  };
}

/** Counts one more test by this administrator, or refuses (429) past the limit of the window. */
async function withinLimit(actor: StaffActor, kind: keyof typeof LIMITS, now: Date): Promise<void> {
  const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
  const series = seriesOf(kind, String(actor.id), String(start), new Date(start + WINDOW_MS));
  const used = await countOf(series);
  if (used >= LIMITS[kind])
    throw new TooManyRequestsError('Too many tests: wait a few minutes.', { retryAfterSeconds: Math.ceil((start + WINDOW_MS - now.getTime()) / 1000) });
  await charge(series, used, now);
}

/** "Test connection" for the mailbox `name` of IMAP_MAILBOXES (audited with its result). */
export async function testImapMailbox(actor: StaffActor, config: SettingsConfig, name: string, meta: { ip?: string } = {}): Promise<ImapProbeResult> {
  assertAdministrator(actor);
  const mailbox = config.imapMailboxes.find((m) => m.name === name);
  if (!mailbox) throw new NotFoundError('No such mailbox.');
  await withinLimit(actor, 'imap-test', new Date());
  const result = await probeImapMailbox(mailbox);
  await recordAudit(actor, {
    action: 'mail.imap_test',
    target: { kind: 'imap_mailbox', id: name, label: name },
    after: { ok: result.ok, step: result.step, problem: result.problem },
    ip: meta.ip,
  });
  return result;
}

export interface TestMailView {
  id: string;
  to: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
}

export function presentTestMail(mail: OutboxMail): TestMailView {
  return {
    id: String(mail._id),
    to: mail.to.join(', '),
    status: mail.status,
    attempts: mail.attempts,
    lastError: mail.lastError ?? null,
    sentAt: mail.sentAt ?? null,
  };
}

/** Queues a test mail to `to` in the outbox (audited); the outbox worker sends it within seconds. */
export async function sendTestMail(
  actor: StaffActor,
  config: SettingsConfig & Pick<Config, 'publicUrl' | 'timeZone'>,
  props: { to: string; locale: MailLocale },
  meta: { ip?: string } = {},
): Promise<TestMailView> {
  assertAdministrator(actor);
  const now = new Date();
  await withinLimit(actor, 'mail-test', now);
  const settings = mailSettings(config);
  // The demo's catcher named in the message's language (it said "local catcher" in French and Dutch: QA).
  const server =
    settings.smtp.mode === 'smtp' ? `${settings.smtp.host ?? ''}:${settings.smtp.port ?? ''}` : translator(props.locale)('mailSettings.test_send.local_server');
  const sentAt = mailDateTime(now, props.locale, config.timeZone);
  const mail = await enqueueMail(
    {
      template: 'mail-test',
      locale: props.locale,
      to: props.to,
      data: { sentBy: actor.name, sentAt, server, settingsUrl: `${config.publicUrl}/staff/admin/mail-settings` },
    },
    { config, now },
  );
  await recordAudit(actor, {
    action: 'mail.test_send',
    target: { kind: 'outbox', id: String(mail._id), label: props.to },
    after: { to: props.to, server },
    ip: meta.ip,
  });
  return presentTestMail(mail);
}

/** A test mail's state (only test mails: the outgoing mail page shows the others). */
export async function testMailState(id: string): Promise<TestMailView> {
  const mail = /^[0-9a-f]{24}$/i.test(id) ? await findOutboxMail(id) : null;
  if (!mail || mail.template !== 'mail-test') throw new NotFoundError('No such test mail.');
  return presentTestMail(mail);
}
