import { Router } from 'express';
import { pingDatabase } from '../db/connection.js';

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers). */
export function healthRoutes(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ok = await pingDatabase(2000);
    res.status(ok ? 200 : 503).json(ok ? { status: 'ready', database: 'ok' } : { status: 'unavailable', database: 'not answering' });
  });
  return router;
}
