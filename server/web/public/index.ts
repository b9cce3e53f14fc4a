/**
 * The public side of Relais, for members: the help form (`/`, `/aide`; `/hulp` and `/help` open it
 * in Dutch and English) and the member's pages (`/suivi…`; `/opvolging`, `/follow-up`). Mounted by `createApp` after the API and the staff pages.
 */
import { Router } from 'express';
import type { Config } from '../../config.js';
import { defaultPublicFormLimits, helpFormRoutes, type PublicFormLimits } from './help-form.routes.js';
import { memberRoutes } from './member.routes.js';

export type { PublicFormLimits } from './help-form.routes.js';

/** The help form and the member's page under a word of each language, in that language. */
export const localizedPaths: Readonly<Record<string, string>> = {
  '/hulp': '/aide?lang=nl',
  '/help': '/aide?lang=en',
  '/opvolging': '/suivi?lang=nl',
  '/follow-up': '/suivi?lang=en',
};

export function publicPages(config: Config, options: { limits?: Partial<PublicFormLimits>; answerFloorMs?: number } = {}): Router {
  const limits: PublicFormLimits = {
    ...defaultPublicFormLimits,
    formPerIp: { ...defaultPublicFormLimits.formPerIp, limit: config.helpFormPerIpPerHour },
    ...options.limits,
  };
  const router = Router();
  // Addresses to print in each language (a poster in Ghent says /hulp): the pages themselves keep
  // one path, and the alias chooses their language. Paths with their own ones would double every
  // link in mail and every test for no gain.
  for (const [alias, target] of Object.entries(localizedPaths)) router.get(alias, (_req, res) => res.redirect(302, target));
  router.use(helpFormRoutes(config, limits, { answerFloorMs: options.answerFloorMs }));
  router.use(memberRoutes(config, limits));
  return router;
}
