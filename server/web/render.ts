import type { Request, Response } from 'express';
import type { ViewEngine } from './views.js';

declare module 'express-serve-static-core' {
  interface Locals {
    views: ViewEngine;
  }
}

/** API paths always answer JSON; elsewhere the Accept header decides. */
export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/') || req.path === '/healthz' || req.path === '/readyz') return true;
  return req.accepts(['html', 'json']) === 'json';
}

/** Renders a page inside the layout with the request's language and translator. */
export function renderPage(req: Request, res: Response, page: string, data: Record<string, unknown>, status = 200): void {
  const views = req.app.locals.views;
  const html = views.render(page, {
    ...data,
    t: res.locals.t,
    locale: res.locals.locale,
    requestPath: req.path,
  });
  res.status(status).type('html').send(html);
}
