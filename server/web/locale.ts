import type { NextFunction, Request, Response } from 'express';
import { fromAcceptLanguage, isLocale, translator, type Locale, type Translate } from '../lib/i18n.js';

declare module 'express-serve-static-core' {
  interface Locals {
    locale: Locale;
    t: Translate;
  }
}

export const localeCookie = 'relais_lang';

/** Chooses the page language: `?lang=`, then the cookie, then Accept-Language, then the default. */
export function localeMiddleware(defaultLocale: Locale) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const query = req.query.lang;
    const cookies = req.cookies as Record<string, unknown> | undefined;
    let locale: Locale;
    if (isLocale(query)) {
      locale = query;
      res.cookie(localeCookie, query, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
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
