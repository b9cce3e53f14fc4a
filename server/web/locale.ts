import type { NextFunction, Request, Response } from 'express';
import { fromAcceptLanguage, isLocale, translator, type Locale, type Translate } from '../lib/i18n.js';

declare module 'express-serve-static-core' {
  interface Locals {
    locale: Locale;
    t: Translate;
  }
}

export const localeCookie = 'relais_lang';
const localeCookieOptions = { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 } as const;

/** This browser's page language from now on (`?lang=`, the menu, the account's choice at sign-in). */
export function rememberLocale(res: Response, locale: Locale): void {
  res.cookie(localeCookie, locale, localeCookieOptions);
}

/** At sign-in: the language the person chose on their account page, if any, becomes this browser's. */
export function applyPageLanguage(res: Response, staff: { preferences?: { pageLanguage?: string | null } | null }): void {
  const chosen = staff.preferences?.pageLanguage;
  if (isLocale(chosen)) rememberLocale(res, chosen);
}

/** Chooses the page language: `?lang=`, then the cookie, then Accept-Language, then the default. */
export function localeMiddleware(defaultLocale: Locale) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const query = req.query.lang;
    const cookies = req.cookies as Record<string, unknown> | undefined;
    let locale: Locale;
    if (isLocale(query)) {
      locale = query;
      rememberLocale(res, query);
    } else if (isLocale(cookies?.[localeCookie])) {
      locale = cookies[localeCookie] as Locale;
    } else {
      locale = fromAcceptLanguage(req.headers['accept-language']) ?? defaultLocale;
    }
    res.locals.locale = locale;
    res.locals.t = translator(locale);
    next();
  };
}
