/**
 * Works the password link requests (auth/password-links.ts): an administrator's invitations and the
 * "forgot password" requests the sign-in page and the API stored. For each, looks the person up and,
 * when the link can still be used (an invited account still waiting; an active account for a reset),
 * stores a mail with a fresh link in their language through the outbox. It runs after the request was
 * answered — when it is announced (`staff.password_link_requested`) and every half minute for requests
 * a stop left behind — so the answer never depends on whether the address is a staff member's.
 */
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { dropPasswordRequest, passwordLinkTtlSeconds, passwordLinkUrl, waitingPasswordRequests, type PasswordLinkRequest } from '../auth/password-links.js';
import { StaffModel, type StaffDoc } from '../staff/staff.model.js';
import { staffStatus } from '../staff/staff.presenter.js';
import { buildOutboxMail, storeOutboxMailOnce } from './outbox.js';
import { refreshTemplateTexts } from './template-texts.model.js';
import { startRequestWorker, type RequestWorker } from './request-worker.js';
import { mailLocale } from './mail-parts.js';

export type PasswordLinkMailConfig = Pick<Config, 'publicUrl' | 'jwt' | 'mailFrom' | 'defaultLocale'>;

async function findFor(request: PasswordLinkRequest): Promise<StaffDoc | null> {
  if (request.kind === 'invite') {
    const staff = request.staff ? await StaffModel.findById(request.staff) : null;
    return staff && staffStatus(staff) === 'invited' ? staff : null;
  }
  // `find … limit(2)` like the sign-in: on the embedded engine a known address costs what an unknown one does.
  const [staff] = await StaffModel.find({ email: request.email }).limit(2);
  return staff?.active ? staff : null;
}

async function work(request: PasswordLinkRequest, config: PasswordLinkMailConfig): Promise<boolean> {
  await refreshTemplateTexts(); // administrators' texts (renderMail is synchronous)
  const staff = await findFor(request);
  if (staff) {
    const locale = mailLocale(staff.languages?.[0] ?? request.locale, config);
    const setPasswordUrl = passwordLinkUrl(config, staff, request.kind);
    const mail =
      request.kind === 'invite'
        ? buildOutboxMail(
            {
              template: 'staff-invite',
              locale,
              to: staff.email,
              data: { name: staff.name, invitedBy: request.by ?? 'Relais', setPasswordUrl, expiresInHours: Math.round(passwordLinkTtlSeconds.invite / 3600) },
            },
            { config, id: request.mail },
          )
        : buildOutboxMail(
            {
              template: 'password-reset',
              locale,
              to: staff.email,
              data: { name: staff.name, setPasswordUrl, expiresInMinutes: Math.round(passwordLinkTtlSeconds.reset / 60) },
            },
            { config, id: request.mail },
          );
    await storeOutboxMailOnce(mail); // once: another worker, or a retry after a stop
  }
  await dropPasswordRequest(request);
  return Boolean(staff);
}

/** Works every waiting request once; returns how many mails were stored. */
export async function processPasswordLinkRequests(config: PasswordLinkMailConfig): Promise<number> {
  let mailed = 0;
  for (const request of await waitingPasswordRequests()) if (await work(request, config)) mailed += 1;
  return mailed;
}

/** Works requests as they are announced, and every `intervalMs` for those a stop left behind. */
export function startPasswordLinkWorker(options: { config: PasswordLinkMailConfig; logger: Logger; intervalMs?: number }): RequestWorker {
  return startRequestWorker({
    event: 'staff.password_link_requested',
    pass: () => processPasswordLinkRequests(options.config),
    logger: options.logger,
    failure: 'could not work the password link requests',
    intervalMs: options.intervalMs ?? 30_000,
  });
}
