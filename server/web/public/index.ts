/**
 * The public side of Relais, for members: the help form (`/`, `/aide`) and the member's pages
 * (`/suivi…`). Mounted by `createApp` after the API and the staff pages.
 */
import { Router } from 'express';
import type { Config } from '../../config.js';
import { defaultPublicFormLimits, helpFormRoutes, type PublicFormLimits } from './help-form.routes.js';
import { memberRoutes } from './member.routes.js';

export type { PublicFormLimits } from './help-form.routes.js';

export function publicPages(config: Config, options: { limits?: Partial<PublicFormLimits>; answerFloorMs?: number } = {}): Router {
  const limits: PublicFormLimits = { ...defaultPublicFormLimits, ...options.limits };
  const router = Router();
  router.use(helpFormRoutes(config, limits, { answerFloorMs: options.answerFloorMs }));
  router.use(memberRoutes(config, limits));
  return router;
}
