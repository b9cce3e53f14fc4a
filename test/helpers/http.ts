import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { testConfig, silentLogger } from './config.js';
import { useMail } from './enrichers.js';
import { testPassword } from './factories.js';

/** The real app on the test database, with login rate limits high enough for test volumes. */
export function testApp(config: Config = testConfig()): Express {
  useMail(config);
  return createApp({
    config,
    logger: silentLogger,
    api: { auth: { rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } } } },
  });
}

/** Signs in through the API and returns the Bearer token. */
export async function login(app: Express, email: string, password = testPassword): Promise<string> {
  const res = await request(app).post('/api/v1/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { token: string }).token;
}
