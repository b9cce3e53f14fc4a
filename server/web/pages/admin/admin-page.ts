/**
 * What every administration page shares: administrators only (anyone else gets the same 403 page,
 * in their language), the page frame, and a refusal from a service shown as a sentence next to
 * the form rather than an error page.
 */
import { errorReasons } from '../../../lib/error-reasons.js';
import type { NextFunction, Request, Response } from 'express';
import { isAdministrator } from '../../../auth/administrator.js';
import { AppError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import { pageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';

/** Runs after `requirePageActor`: lets administrators through, renders the refusal for anyone else. */
export function administratorPage(tools: StaffPageTools) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (isAdministrator(pageActor(req))) {
      next();
      return;
    }
    const t = res.locals.t;
    await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('admin.forbidden_title'), text: t('admin.forbidden_text') }, 403);
  };
}

/** A form field of an urlencoded body, as text ('' when absent or not text). */
export function formField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The sentence for a refusal the service or the schema made; anything unexpected is rethrown. */
export function refusal(error: unknown, t: Translate): { status: number; error: string } {
  if (!(error instanceof AppError)) throw error;
  // A refusal with a stable reason says why in the page's language (never the server's English sentence).
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
  if (reason && (errorReasons as readonly string[]).includes(reason)) return { status: error.status, error: t(`client.reason.${reason}`) };
  const fields = error.fields?.map((f) => f.path).join(', ');
  const key = error.status === 404 ? 'admin.errors.not_found' : error.status === 409 ? 'admin.errors.conflict' : 'admin.errors.invalid';
  return { status: error.status, error: fields && error.status === 400 ? t('admin.errors.invalid_fields', { fields }) : t(key) };
}

/** The "done" notice a change's redirect asks for (`?done=<key>`), when it is one of the page's. */
export function doneNotice(req: Request, t: Translate, prefix: string, keys: readonly string[]): string | null {
  const done = req.query.done;
  return typeof done === 'string' && keys.includes(done) ? t(`${prefix}.${done}`) : null;
}
