import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config, type RawEnv } from '../../server/config.js';
import { createLogger, type Logger } from '../../server/lib/logger.js';

/** A valid test configuration; pass variables to override. Nothing is read from the real environment. */
export function testConfig(overrides: RawEnv = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'relais-test-data-')),
    JWT_SECRET: 'test-jwt-secret-0123456789-abcdefghijklmnop',
    CSRF_SECRET: 'test-csrf-secret-0123456789-abcdefghijklmnop',
    LOG_LEVEL: 'silent',
    // Replies go at once in tests; test/integration/reply-resolve-mail.test.ts sets a hold.
    REPLY_MAIL_HOLD: '0s',
    ...overrides,
  });
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
