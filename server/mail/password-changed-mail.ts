/**
 * Tells a person by mail that their password changed (OWASP: notify of credential changes): when they
 * changed it themselves, and when it was set through a "forgot password" link. Whoever changed it
 * without them learns nothing new; they learn in time to take the account back with the link in the
 * mail. Auth announces the change (`staff.password_changed`, after the write); this subscriber, which
 * lives here because auth may not import the mail layer, stores the mail in the outbox. An invitation's
 * first password is not a change: nothing is sent.
 */
import type { Config } from '../config.js';
import { domainEvents } from '../lib/domain-events.js';
import type { Logger } from '../lib/logger.js';
import { StaffModel } from '../staff/staff.model.js';
import { mailDateTime, mailLocale } from './mail-parts.js';
import { enqueueMail } from './outbox.js';
import { refreshTemplateTexts } from './template-texts.model.js';

export type PasswordChangedMailConfig = Pick<Config, 'publicUrl' | 'mailFrom' | 'defaultLocale' | 'timeZone'>;

/** Stores the mail about one change of password (nothing for an unknown or inactive person). */
export async function mailPasswordChanged(
  change: { staffId: string; at: string; how: 'changed' | 'reset' },
  config: PasswordChangedMailConfig,
): Promise<boolean> {
  await refreshTemplateTexts(); // administrators' texts (renderMail is synchronous)
  const staff = await StaffModel.findById(change.staffId, { email: 1, name: 1, languages: 1, active: 1 }).lean();
  if (!staff?.active) return false;
  const locale = mailLocale(staff.languages?.[0], config);
  const when = mailDateTime(new Date(change.at), locale, config.timeZone);
  await enqueueMail(
    {
      template: 'password-changed',
      locale,
      to: staff.email,
      data: { name: staff.name, when, reset: change.how === 'reset', forgotUrl: `${config.publicUrl}/staff/login/forgot` },
    },
    { config },
  );
  return true;
}

/** Sends the mail on every `staff.password_changed`; returns the unsubscribe. */
export function startPasswordChangedMail(options: { config: PasswordChangedMailConfig; logger: Logger }): () => void {
  return domainEvents.subscribe('staff.password_changed', async (change) => {
    await mailPasswordChanged(change, options.config).catch((error: unknown) =>
      options.logger.error({ err: error, staffId: change.staffId }, 'could not store the mail about a changed password'),
    );
  });
}
