/**
 * Works the "send me a link" requests the member page stored (members/link-request.model.ts): looks
 * the address up and, for a member, stores the mail with a link to all their tickets. It runs after
 * the page has answered — when the page announces a request (`member.link_requested`) and every
 * half minute for requests a stop left behind — so the answer never waits on the lookup.
 */
import type { Config } from '../config.js';
import { translator } from '../lib/i18n.js';
import type { Logger } from '../lib/logger.js';
import { dropLinkRequest, waitingLinkRequests, type LinkRequest } from '../members/link-requests.js';
import { memberLinkUrl } from '../members/member-links.js';
import { findMemberByEmail } from '../members/member-lookup.js';
import { memberTickets } from '../tickets/ticket.queries.js';
import { buildOutboxMail, storeOutboxMailOnce } from './outbox.js';
import { startRequestWorker, type RequestWorker } from './request-worker.js';
import { mailLocale } from './mail-parts.js';
import { refreshTemplateTexts } from './template-texts.model.js';

export type LinkMailConfig = Pick<Config, 'memberLinkTtl' | 'publicUrl' | 'inboundAddress' | 'jwt' | 'mailFrom' | 'defaultLocale'>;

async function work(request: LinkRequest, config: LinkMailConfig): Promise<boolean> {
  const member = await findMemberByEmail<{ email: string; name?: string | null; language?: string | null }>(request._id, { email: 1, name: 1, language: 1 });
  if (member) {
    await refreshTemplateTexts();
    const locale = mailLocale(member.language ?? request.locale, config);
    const t = translator(locale);
    const tickets = await memberTickets(member._id, 50);
    const mail = buildOutboxMail(
      {
        template: 'member-link',
        locale,
        to: member.email,
        data: {
          memberName: member.name,
          linkUrl: memberLinkUrl(config, { memberId: String(member._id), ticketId: null }, { lang: locale }),
          expiresInDays: Math.max(1, Math.round(config.memberLinkTtl / 86400)),
          tickets: tickets.map((tk) => ({ number: tk.number, subject: tk.subject, statusLabel: t(`portal.status.${tk.status}`) })),
        },
      },
      { config, id: request.mail },
    );
    await storeOutboxMailOnce(mail); // once: another worker, or a retry after a stop
  }
  await dropLinkRequest(request);
  return Boolean(member);
}

/** Works every waiting request once; returns how many mails were stored. */
export async function processLinkRequests(config: LinkMailConfig): Promise<number> {
  let mailed = 0;
  for (const request of await waitingLinkRequests()) if (await work(request, config)) mailed += 1;
  return mailed;
}

export type LinkRequestWorker = RequestWorker;

/** Works requests as they are announced, and every `intervalMs` for those a stop left behind. One pass at a time. */
export function startLinkRequestWorker(options: { config: LinkMailConfig; logger: Logger; intervalMs?: number }): LinkRequestWorker {
  return startRequestWorker({
    event: 'member.link_requested',
    pass: () => processLinkRequests(options.config),
    logger: options.logger,
    failure: 'could not work the "send me a link" requests',
    intervalMs: options.intervalMs ?? 30_000,
  });
}
