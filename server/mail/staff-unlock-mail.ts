/**
 * Works the "email me an unlock link" requests the sign-in page and the API stored
 * (auth/unlock.model.ts): looks the address up and, for an active staff member, stores a mail with
 * a fresh unlock link in their language. It runs after the request was answered — when it is
 * announced (`staff.unlock_requested`) and every half minute for requests a stop left behind — so
 * the answer never depends on whether the address is a staff member's. It lives here, above auth,
 * because auth may not import the mail layer.
 */
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { dropUnlockRequest, unlockLinkTtlSeconds, unlockLinkUrl, waitingUnlockRequests, type UnlockRequest } from '../auth/unlock.js';
import { StaffModel } from '../staff/staff.model.js';
import { buildOutboxMail, storeOutboxMailOnce } from './outbox.js';
import { refreshTemplateTexts } from './template-texts.model.js';
import { startRequestWorker, type RequestWorker } from './request-worker.js';
import { mailLocale } from './mail-parts.js';

export type UnlockMailConfig = Pick<Config, 'publicUrl' | 'jwt' | 'mailFrom' | 'defaultLocale'>;

async function work(request: UnlockRequest, config: UnlockMailConfig): Promise<boolean> {
  await refreshTemplateTexts(); // administrators' texts (renderMail is synchronous)
  const staff = await StaffModel.findOne({ email: request._id }, { email: 1, name: 1, languages: 1, active: 1 }).lean<{
    _id: unknown;
    email: string;
    name: string;
    languages?: string[];
    active: boolean;
  }>();
  const mailed = Boolean(staff?.active);
  if (staff?.active) {
    const mail = buildOutboxMail(
      {
        template: 'staff-unlock',
        locale: mailLocale(staff.languages?.[0] ?? request.locale, config),
        to: staff.email,
        data: {
          name: staff.name,
          unlockUrl: unlockLinkUrl(config, { staffId: String(staff._id), email: staff.email }),
          expiresInMinutes: Math.round(unlockLinkTtlSeconds / 60),
        },
      },
      { config, id: request.mail },
    );
    await storeOutboxMailOnce(mail); // once: another worker, or a retry after a stop
  }
  await dropUnlockRequest(request);
  return mailed;
}

/** Works every waiting request once; returns how many mails were stored. */
export async function processUnlockRequests(config: UnlockMailConfig): Promise<number> {
  let mailed = 0;
  for (const request of await waitingUnlockRequests()) if (await work(request, config)) mailed += 1;
  return mailed;
}

/** Works requests as they are announced, and every `intervalMs` for those a stop left behind. */
export function startUnlockRequestWorker(options: { config: UnlockMailConfig; logger: Logger; intervalMs?: number }): RequestWorker {
  return startRequestWorker({
    event: 'staff.unlock_requested',
    pass: () => processUnlockRequests(options.config),
    logger: options.logger,
    failure: 'could not work the unlock link requests',
    intervalMs: options.intervalMs ?? 30_000,
  });
}
