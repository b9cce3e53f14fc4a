/**
 * Builds the Express app (no listen): tests import this. `index.ts` starts it.
 */
import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { publicDir } from './lib/paths.js';
import { errorHandler, notFoundHandler } from './web/error-handler.js';
import { createLoginThrottle } from './auth/login-throttle.js';
import { apiRouter } from './web/api.js';
import type { AuthRouteOptions } from './auth/auth.routes.js';
import { createInboundPipeline, type InboundPipeline } from './mail/inbound/pipeline.js';
import { healthRoutes } from './web/health.routes.js';
import { noLiveLayer, type OnlineSource } from './realtime/online.js';
import { localeMiddleware } from './web/locale.js';
import { publicPages } from './web/public/index.js';
import { staffPages } from './web/pages/index.js';
import { createViewEngine } from './web/views.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** Test and deployment knobs for the API (e.g. login rate limits). */
  api?: { auth?: AuthRouteOptions };
  /**
   * The inbound mail pipeline the SMTP receiver and the IMAP intake feed (index.ts builds it once);
   * the administration screens act through the same one. Built here when not given (tests).
   */
  inbound?: InboundPipeline;
  /** Who is connected to the live layer (index.ts passes the live layer's answer); default: unknown. */
  online?: OnlineSource;
  /** Rate limits of the public forms (tests loosen or tighten them). */
  publicForms?: Parameters<typeof publicPages>[1];
}

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  app.locals.views = createViewEngine({ cache: config.env !== 'development' });

  app.use(
    pinoHttp({
      logger,
      // Keep a caller's request id when it looks like one, so logs line up across proxies.
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          // The administrators' mail page frames a caught message's HTML, served from here under its own CSP.
          frameSrc: ["'self'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(config.publicUrl.startsWith('https:') ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https:'),
    }),
  );
  app.use(cookieParser());
  app.use(localeMiddleware(config.defaultLocale));
  app.use(express.json({ limit: config.bodyLimit, strict: true }));
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimit, parameterLimit: 200 }));
  // Static files live under /static, so dynamic routes never wait on a disk lookup.
  if (config.env === 'production') {
    // Source maps would publish the client's source; production builds make none, and a stray one is not served.
    app.use('/static', (req, res, next) => (/\.map$/i.test(req.path) ? notFoundHandler(req, res, next) : next()));
  }
  app.use(
    '/static',
    express.static(publicDir, {
      index: false,
      maxAge: config.env === 'production' ? '7d' : 0,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );

  app.use(healthRoutes());
  // One login throttle for the API and the sign-in form: failures through either count together.
  const throttle = deps.api?.auth?.throttle ?? createLoginThrottle(deps.api?.auth?.rateLimits);
  const inbound = deps.inbound ?? createInboundPipeline({ config, logger });
  const api = { ...deps.api, auth: { ...deps.api?.auth, throttle }, inbound };
  app.use(apiRouter(config, api));
  app.use(staffPages(config, { ...api, online: deps.online ?? noLiveLayer }));
  app.use(publicPages(config, deps.publicForms));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
