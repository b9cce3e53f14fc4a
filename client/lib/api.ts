/**
 * Calls to the JSON API and to the pages' JSON fragments: same-origin cookies, the
 * page's CSRF token on every change, and one place that turns failures into a
 * sentence in the page's language. A 401 means the session ended: the person goes
 * to the sign-in form and comes back here (drafts stay in sessionStorage).
 */
import { isRecord, str } from './dom.js';
import { has, pageLanguage, t } from './i18n.js';
import { errorReasons } from '../../server/lib/error-reasons.js';

export interface FieldProblem {
  path: string;
  message: string;
  /** What a person can do about it, when the server knows (`too_long` with its limit…). */
  reason?: { code: string; limit?: number };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    /** On a conflict: the ticket as it is now. */
    readonly ticket: unknown = undefined,
    /** A stable reason code (`stale_version`, `ticket_resolved`, `csrf_invalid`…) the page translates. */
    readonly reason: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** A stale version: the server refused because the ticket changed meanwhile. */
  get isVersionConflict(): boolean {
    return this.status === 409 && this.reason === 'stale_version' && isRecord(this.ticket);
  }
}

export function csrfToken(): string {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
}

/** Sends the person to the sign-in form, asking to come back to this very page. */
export function goToLogin(): void {
  const next = `${location.pathname}${location.search}`;
  location.assign(`/staff/login?next=${encodeURIComponent(next)}&expired=1`);
}

function fieldsOf(body: unknown): FieldProblem[] {
  if (!isRecord(body) || !Array.isArray(body.fields)) return [];
  return body.fields.filter(isRecord).map((f) => ({
    path: String(f.path ?? ''),
    message: String(f.message ?? ''),
    ...(isRecord(f.reason) && typeof f.reason.code === 'string'
      ? { reason: { code: f.reason.code, ...(typeof f.reason.limit === 'number' ? { limit: f.reason.limit } : {}) } }
      : {}),
  }));
}

export async function request(url: string, init: { method?: 'GET' | 'POST' | 'PUT'; body?: unknown } = {}): Promise<unknown> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  // A FormData body (files) sets its own multipart Content-Type with the boundary.
  const form = init.body instanceof FormData ? init.body : undefined;
  if (init.body !== undefined && !form) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', body: form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => undefined) : undefined;
  if (res.ok) return body;
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const apiError = new ApiError(
    res.status,
    str(error, 'code') ?? 'internal',
    str(error, 'message') ?? res.statusText,
    fieldsOf(error),
    error.ticket,
    str(error, 'reason') ?? null,
  );
  if (res.status === 401) goToLogin();
  throw apiError;
}

/**
 * The fields a refused request names, by their names in the page's language (`client.field.*`), each
 * with what is wrong when the server says it ("Texte (50 000 caractères au plus)"); the server's
 * English wording of the problem is never shown.
 */
function fieldsDetail(fields: readonly FieldProblem[]): string {
  const number = new Intl.NumberFormat(pageLanguage());
  const said = new Map<string, string>();
  for (const f of fields) {
    const path = f.path.split('.')[0] ?? '';
    if (!has(`client.field.${path}`) || said.has(path)) continue;
    const name = t(`client.field.${path}`);
    const code = f.reason?.code;
    const limit = f.reason?.limit;
    const problem =
      code === 'required'
        ? t('client.validity.required')
        : (code === 'too_long' || code === 'too_short') && limit !== undefined
          ? t(`client.validity.${code}`, { count: number.format(limit) })
          : null;
    // "Texte (50 000 caractères au plus)": the field's sentence, as a remark after its name.
    said.set(path, problem ? `${name} (${problem.charAt(0).toLocaleLowerCase(pageLanguage())}${problem.slice(1).replace(/\.$/, '')})` : name);
  }
  return said.size > 0 ? ` ${t('client.error.detail', { detail: [...said.values()].join(', ') })}` : '';
}

/** A sentence for the person, in the page's language, for any failure. */

export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return t('client.error.generic');
  // A stable reason code is translated; the server's English sentence is never shown on a page.
  if (error.reason && (errorReasons as readonly string[]).includes(error.reason)) return t(`client.reason.${error.reason}`);
  switch (error.code) {
    case 'network':
      return t('client.error.network');
    case 'forbidden':
      return t('client.error.forbidden');
    case 'not_found':
      return t('client.error.not_found');
    case 'validation_failed':
    case 'bad_request':
      return `${t('client.error.validation')}${fieldsDetail(error.fields)}`;
    case 'conflict':
      return t('client.error.conflict');
    case 'rate_limited':
      return t('client.error.rate_limited');
    default:
      return t('client.error.generic');
  }
}
