/**
 * What every administration page shares: administrators only (anyone else gets the same 403 page,
 * in their language), the page frame, and a refusal from a service shown as a sentence next to
 * the form rather than an error page.
 */
import { errorReasons } from '../../../lib/error-reasons.js';
import type { NextFunction, Request, Response } from 'express';
import { isAdministrator } from '../../../auth/administrator.js';
import { AppError, type FieldProblem } from '../../../lib/errors.js';
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

/**
 * The visible label of each field a form can refuse, by the schema's path or its start
 * (`name`, `targets.firstResponseMinutes`, `hours.1`): path → translation key.
 */
export type FieldLabels = Readonly<Record<string, string>>;

/** The label key a refused path is shown under (`labels`, by the path or its start), or null. */
function labelOf(path: string, labels: FieldLabels): string | null {
  const parts = path.split('.');
  return (
    parts
      .map((_, i) => parts.slice(0, parts.length - i).join('.'))
      .map((start) => (Object.hasOwn(labels, start) ? labels[start] : undefined))
      .find(Boolean) ?? null
  );
}

/** Why a field was refused, in the page's language ("120 caractères au plus"), or null when the schema does not say. */
function whyRefused(problem: FieldProblem, t: Translate): string | null {
  return problem.reason ? t(`admin.errors.reason.${problem.reason.code}`, { limit: problem.reason.limit, options: problem.reason.options?.join(', ') }) : null;
}

/**
 * "Nom (120 caractères au plus), Ordre (un nombre)": the refused fields by their labels in the page's
 * language, with why when the schema says it; null when none of them has a label (a schema key is never shown).
 */
export function refusedFields(problems: readonly FieldProblem[], t: Translate, labels: FieldLabels): string | null {
  const said = problems.flatMap((problem) => {
    const key = labelOf(problem.path, labels);
    if (!key) return [];
    const why = whyRefused(problem, t);
    return [why ? t('admin.errors.field_reason', { field: t(key), reason: why }) : t(key)];
  });
  return said.length > 0 ? [...new Set(said)].join(', ') : null;
}

/**
 * What to say beside each refused field, keyed by the field's label key (the one its template shows
 * it with; the views' `fieldInvalid` and `fieldError` helpers read it) and by its path (for fields that
 * share a label, one per tier): the schema's why, or "check this field".
 */
export type FieldErrors = Readonly<Record<string, string>>;

export function fieldErrors(problems: readonly FieldProblem[], t: Translate, labels: FieldLabels): FieldErrors {
  const out: Record<string, string> = {};
  for (const problem of problems) {
    const key = labelOf(problem.path, labels);
    if (!key) continue;
    const why = whyRefused(problem, t) ?? t('admin.errors.field_check');
    if (!Object.hasOwn(out, key)) out[key] = why;
    if (!Object.hasOwn(out, problem.path)) out[problem.path] = why;
  }
  return out;
}

/** The names in each language (views/partials/name-labels.hbs), as forms and the API spell them. */
export const nameFields: FieldLabels = {
  labels_fr: 'wording.labels.fr',
  labels_nl: 'wording.labels.nl',
  labels_en: 'wording.labels.en',
  'labels.fr': 'wording.labels.fr',
  'labels.nl': 'wording.labels.nl',
  'labels.en': 'wording.labels.en',
};

/** The sentence for a refusal the service or the schema made (fields named by `labels`); anything unexpected is rethrown. */
export interface Refusal {
  status: number;
  /** The sentence above the form. */
  error: string;
  /** The same, beside each field it names. */
  invalid: FieldErrors;
}

export function refusal(error: unknown, t: Translate, labels: FieldLabels = {}): Refusal {
  if (!(error instanceof AppError)) throw error;
  // A refusal with a stable reason says why in the page's language (never the server's English sentence).
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
  if (reason && (errorReasons as readonly string[]).includes(reason)) {
    const said = t(`client.reason.${reason}`);
    // A code already taken is the code field's to fix: said beside it too.
    const codeLabel = reason === 'code_taken' ? labels.code : undefined;
    return { status: error.status, error: said, invalid: codeLabel ? { [codeLabel]: said } : {} };
  }
  const problems = error.status === 400 && error.fields ? error.fields : [];
  const fields = refusedFields(problems, t, labels);
  const key = error.status === 404 ? 'admin.errors.not_found' : error.status === 409 ? 'admin.errors.conflict' : 'admin.errors.invalid';
  return { status: error.status, error: fields ? t('admin.errors.invalid_fields', { fields }) : t(key), invalid: fieldErrors(problems, t, labels) };
}

/** The "done" notice a change's redirect asks for (`?done=<key>`), when it is one of the page's. */
export function doneNotice(req: Request, t: Translate, prefix: string, keys: readonly string[]): string | null {
  const done = req.query.done;
  return typeof done === 'string' && keys.includes(done) ? t(`${prefix}.${done}`) : null;
}
