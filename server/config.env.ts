/**
 * The environment variables as zod reads them: one entry per variable, with its default and the
 * message an operator sees for a bad value. Kept apart from config.ts so that the list of variables
 * (what `.env.example` documents) reads as one table, and the typed Config is built from it there.
 */
import { z } from 'zod';
import { uiLocales } from './lib/ticket.vocabulary.js';
import { imapMailboxList } from './config.imap.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A comma-separated list: each item trimmed and lower-cased, empty ones dropped. */
const lowerCaseList = z.string().transform((v) =>
  v
    .split(',')
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean),
);

const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)$/, 'use a number followed by s, m, h or d, e.g. 15m')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    const unit = v.trim().slice(-1);
    const seconds = { s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 1;
    return n * seconds;
  });

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://help.example.org' }).optional(),
  TRUST_PROXY: z
    .string()
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
    .optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DATA_DIR: z.string().min(1).default('.relais/data'),
  TOOLS_DIR: z.string().min(1).default('.relais/bin'),
  SEARCH_ENGINE: z.enum(['auto', 'embedded', 'mongodb', 'off']).default('auto'),
  SEARCH_DIR: z.string().min(1).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('relais'),
  ACCESS_TOKEN_TTL: duration.default(15 * 60),
  SESSION_TTL: duration.default(12 * 3600),
  CSRF_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Relais <support@relais.demo>'),
  INBOUND_ADDRESS: z.email({ message: 'must be an email address such as support@relais.example' }).optional(),
  MEMBER_LINK_TTL: duration.default(30 * 86400),
  REPLY_MAIL_HOLD: duration.default(60),
  TOTP_REQUIRED_FOR_ADMINS: bool.default(false),
  CAUGHT_MAIL_RETENTION: duration.default(14 * 86400),
  INBOUND_RAW_RETENTION: duration.default(90 * 86400),
  MEMBER_RETENTION_YEARS: z.coerce.number().int().min(0).max(100).default(0),
  INBOUND_EXTRA_ADDRESSES: lowerCaseList.pipe(z.array(z.email({ message: 'each must be an email address' }))).optional(),
  INBOUND_TRUSTED_AUTHSERV_IDS: lowerCaseList.optional(),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  INBOUND_SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(40 * 1024 * 1024),
  INBOUND_SMTP_TLS_KEY: z.string().min(1).optional(),
  INBOUND_SMTP_TLS_CERT: z.string().min(1).optional(),
  DEFAULT_LOCALE: z.enum(uiLocales).default('fr'),
  TIME_ZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Brussels')
    .default('Europe/Brussels'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  IMAP_MAILBOXES: imapMailboxList.optional(),
  DEMO_DATA: bool.optional(),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  DEMO_TICKETS: z.coerce.number().int().min(0).max(5000).default(200),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'use a size such as 1mb or 200kb')
    .default('1mb'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  SHUTDOWN_TIMEOUT: duration.default(10),
  // Help-form submissions one address may make in an hour (members on one office network share it).
  HELP_FORM_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  ATTACHMENT_MAX_FILES: z.coerce.number().int().min(1).max(50).default(5),
  // Uploads are held in memory while their type is checked: at most 100 MiB per file.
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
});

/** The environment once validated: what `loadConfig` turns into a Config. */
export type ParsedEnv = z.infer<typeof envSchema>;
