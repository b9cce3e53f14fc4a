/**
 * The only reader of process.env. Every variable is validated with zod at boot,
 * typed, and frozen; a bad value ends the process with a readable list of every
 * problem (see `formatConfigProblems`). Every variable is documented in `.env.example`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { uiLocales } from './tickets/ticket.vocabulary.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)$/, 'use a number followed by s, m, h or d, e.g. 15m')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    const unit = v.trim().slice(-1);
    const seconds = { s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 1;
    return n * seconds;
  });

/** One entry of IMAP_MAILBOXES: a mailbox inbound mail is read from (see `ImapMailboxConfig`). */
const imapMailboxSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  url: z.string().regex(/^imaps?:\/\/[^\s/]+/i, 'must look like imap://user:password@host:143 or imaps://user:password@host:993'),
  password: z.string().min(1).optional(),
  folder: z.string().min(1).default('INBOX'),
  processedFolder: z.string().min(1).nullable().default(null),
  team: z.string().min(1).optional(),
  category: z.string().min(1).optional(),
  office: z.string().min(1).optional(),
  pollSeconds: z.number().min(1).max(86400).default(60),
});

const imapMailboxList = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array such as [{"name":"support","url":"imaps://user:password@mail.example.org"}]' });
      return z.NEVER;
    }
  })
  .pipe(z.array(imapMailboxSchema));

const envSchema = z.object({
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
  INBOUND_EXTRA_ADDRESSES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((a) => a.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email({ message: 'each must be an email address' })))
    .optional(),
  INBOUND_TRUSTED_AUTHSERV_IDS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((a) => a.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
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
  ATTACHMENT_MAX_FILES: z.coerce.number().int().min(1).max(50).default(5),
  // Uploads are held in memory while their type is checked: at most 100 MiB per file.
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
});

export type RawEnv = Record<string, string | undefined>;

/** A mailbox of IMAP_MAILBOXES, its URL taken apart. Never log it whole: it holds the password. */
export interface ImapMailboxConfig {
  /** Unique; the inbound pipeline gets it with every message. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** imaps: TLS from the start; imap: STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
  /** The folder watched (default INBOX). */
  readonly folder: string;
  /** Processed messages are moved there when set; otherwise they get the `$RelaisProcessed` keyword and \Seen. */
  readonly processedFolder: string | null;
  /** Where mail of this mailbox goes (codes; the inbound pipeline decides what they mean). */
  readonly team: string | undefined;
  readonly category: string | undefined;
  readonly office: string | undefined;
  /** Rescan interval when IDLE is missing or broken (and a safety net when it is not). Default 60. */
  readonly pollSeconds: number;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  /** Express `trust proxy`: a hop count, true/false, or addresses and subnets. */
  readonly trustProxy: boolean | number | string | undefined;
  /** Set when the operator runs their own MongoDB; otherwise the embedded FerretDB is started. */
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  readonly toolsDir: string;
  /**
   * Staff search: `embedded` runs the bleve engine (tools/search) with its index in `dir`; `mongodb`
   * a text index in the database (search/mongo.engine.ts: needs a real MongoDB, untested here); `off`
   * has none. SEARCH_ENGINE=auto: embedded without MONGODB_URI, off with it (the URI may be a FerretDB,
   * which has no text index: the MongoDB adapter is chosen explicitly).
   */
  readonly search: { readonly engine: 'embedded' | 'mongodb' | 'off'; readonly dir: string };
  /** IMAP_MAILBOXES: the mailboxes read by the IMAP intake ([] when unset). */
  readonly imapMailboxes: readonly ImapMailboxConfig[];
  readonly jwt: { readonly secret: string; readonly issuer: string; readonly audience: string; readonly accessTtl: number; readonly sessionTtl: number };
  readonly csrfSecret: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** The address members write to; replies go to `<local>+<token>@<domain>` of it (defaults to MAIL_FROM's address). */
  readonly inboundAddress: string;
  /** How long a link in a member's email stays valid (seconds). */
  readonly memberLinkTtl: number;
  /**
   * How long a staff reply's mail waits in the outbox (seconds; 0: not at all): a resolution during
   * that time sends one mail with the reply in it instead of two (mail/held-replies.ts).
   */
  readonly replyMailHold: number;
  /** Administrators must use a TOTP second factor: without one they are sent to enrolment after signing in. */
  readonly totpRequiredForAdmins: boolean;
  /** Housekeeping: how long the local catcher keeps caught mail, and processed inbound messages keep their raw bytes (seconds). */
  readonly retention: {
    readonly caughtMail: number;
    readonly inboundRaw: number;
    /** Members inactive this many years are listed for erasure (privacy/retention.ts); 0: off. */
    readonly memberYears: number;
  };
  /** Inbound mail: the other addresses Relais receives at, whose Authentication-Results to trust, the SMTP receiver. */
  readonly inbound: {
    readonly extraAddresses: readonly string[];
    readonly trustedAuthservIds: readonly string[];
    /** port 0: no SMTP receiver. */
    readonly smtp: {
      readonly host: string;
      readonly port: number;
      readonly maxBytes: number;
      readonly tlsKey: string | undefined;
      readonly tlsCert: string | undefined;
    };
  };
  readonly defaultLocale: 'fr' | 'nl' | 'en';
  readonly timeZone: string;
  readonly logLevel: string;
  /** Whether demo data is seeded on first start (never in production). */
  readonly demoData: boolean;
  readonly demoPassword: string | undefined;
  /** How many demo tickets the first start creates. */
  readonly demoTickets: number;
  readonly bodyLimit: string;
  readonly redisUrl: string | undefined;
  readonly shutdownTimeoutSeconds: number;
  /** Attachments: how many files one message may carry, and how large each may be (bytes). */
  readonly attachments: { readonly maxFiles: number; readonly maxBytes: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Takes each mailbox URL apart; problems (never the URL itself: it may hold a password) go to `problems`. */
function imapMailboxConfigs(list: readonly z.infer<typeof imapMailboxSchema>[], problems: string[]): ImapMailboxConfig[] {
  const names = new Set<string>();
  return list.map((m, i) => {
    const where = `IMAP_MAILBOXES.${i}`;
    if (names.has(m.name)) problems.push(`${where}.name: "${m.name}" names two mailboxes`);
    names.add(m.name);
    let url: URL | undefined;
    try {
      url = new URL(m.url);
    } catch {
      problems.push(`${where}.url: not a valid URL`);
    }
    const secure = url?.protocol === 'imaps:';
    const host = url?.hostname.replace(/^\[(.*)\]$/, '$1') ?? '';
    const user = decoded(url?.username ?? '') ?? '';
    const password = m.password ?? decoded(url?.password ?? '') ?? '';
    if (url && !host) problems.push(`${where}.url: needs a host`);
    if (url && !user) problems.push(`${where}.url: needs a user name (imap://user:password@host)`);
    if (url && !password) problems.push(`${where}: needs a password, in the URL (percent-encoded) or as "password"`);
    if (m.processedFolder === m.folder) problems.push(`${where}.processedFolder: must differ from folder`);
    return Object.freeze({
      name: m.name,
      host,
      port: url?.port ? Number(url.port) : secure ? 993 : 143,
      secure,
      user,
      password,
      folder: m.folder,
      processedFolder: m.processedFolder,
      team: m.team,
      category: m.category,
      office: m.office,
      pollSeconds: m.pollSeconds,
    });
  });
}

interface StoredSecrets {
  jwtSecret: string;
  csrfSecret: string;
}

/**
 * Outside production, secrets that were not given are generated once and kept in
 * the data folder, so sessions survive restarts without anyone writing a secret.
 */
function storedSecrets(dataDir: string, write: boolean): StoredSecrets {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = z.object({ jwtSecret: z.string().min(32), csrfSecret: z.string().min(32) }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  }
  const secrets = { jwtSecret: randomBytes(48).toString('base64url'), csrfSecret: randomBytes(48).toString('base64url') };
  if (!write) return secrets;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * Loads `.env` from the working folder into the environment when it exists (variables
 * already set win). Called once by `index.ts` before `loadConfig`.
 */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/**
 * Validates the environment and returns a frozen configuration, or throws ConfigError listing every
 * problem. `writeSecrets: false` is for commands that must not create anything in the data folder
 * (backup, restore): missing secrets are then made up for this process only.
 */
export function loadConfig(rawEnv: RawEnv = process.env, options: { writeSecrets?: boolean } = {}): Config {
  // Empty strings in .env files mean "not set".
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  if (production) {
    if (!e.JWT_SECRET) problems.push('JWT_SECRET: required in production (at least 32 random characters)');
    if (!e.CSRF_SECRET) problems.push('CSRF_SECRET: required in production (at least 32 random characters)');
    if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required in production (the address members and staff use)');
    if (e.DEMO_DATA) problems.push('DEMO_DATA: demo data is never seeded in production');
  }
  const imapMailboxes = Object.freeze(imapMailboxConfigs(e.IMAP_MAILBOXES ?? [], problems));
  if (Boolean(e.INBOUND_SMTP_TLS_KEY) !== Boolean(e.INBOUND_SMTP_TLS_CERT))
    problems.push('INBOUND_SMTP_TLS_KEY and INBOUND_SMTP_TLS_CERT: give both (STARTTLS needs a key and its certificate) or neither');
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  const secrets = e.JWT_SECRET && e.CSRF_SECRET ? { jwtSecret: e.JWT_SECRET, csrfSecret: e.CSRF_SECRET } : storedSecrets(dataDir, options.writeSecrets ?? true);
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/+$/, '');

  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    trustProxy: e.TRUST_PROXY,
    mongodbUri: e.MONGODB_URI,
    dataDir,
    toolsDir: path.resolve(e.TOOLS_DIR),
    search: Object.freeze({
      engine: e.SEARCH_ENGINE === 'auto' ? (e.MONGODB_URI ? ('off' as const) : ('embedded' as const)) : e.SEARCH_ENGINE,
      dir: path.resolve(e.SEARCH_DIR ?? path.join(dataDir, 'search')),
    }),
    imapMailboxes,
    jwt: Object.freeze({
      secret: e.JWT_SECRET ?? secrets.jwtSecret,
      issuer: e.JWT_ISSUER,
      audience: 'relais-staff',
      accessTtl: e.ACCESS_TOKEN_TTL,
      sessionTtl: e.SESSION_TTL,
    }),
    csrfSecret: e.CSRF_SECRET ?? secrets.csrfSecret,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    inboundAddress: (
      e.INBOUND_ADDRESS ??
      /<([^<>\s]+@[^<>\s]+)>\s*$|^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(e.MAIL_FROM)?.slice(1).find(Boolean) ??
      'support@relais.invalid'
    ).toLowerCase(),
    memberLinkTtl: e.MEMBER_LINK_TTL,
    replyMailHold: e.REPLY_MAIL_HOLD,
    totpRequiredForAdmins: e.TOTP_REQUIRED_FOR_ADMINS,
    retention: Object.freeze({ caughtMail: e.CAUGHT_MAIL_RETENTION, inboundRaw: e.INBOUND_RAW_RETENTION, memberYears: e.MEMBER_RETENTION_YEARS }),
    inbound: Object.freeze({
      extraAddresses: e.INBOUND_EXTRA_ADDRESSES ?? [],
      trustedAuthservIds: e.INBOUND_TRUSTED_AUTHSERV_IDS ?? [],
      smtp: Object.freeze({
        host: e.INBOUND_SMTP_HOST,
        port: e.INBOUND_SMTP_PORT,
        maxBytes: e.INBOUND_SMTP_MAX_BYTES,
        tlsKey: e.INBOUND_SMTP_TLS_KEY,
        tlsCert: e.INBOUND_SMTP_TLS_CERT,
      }),
    }),
    defaultLocale: e.DEFAULT_LOCALE,
    timeZone: e.TIME_ZONE,
    logLevel: e.LOG_LEVEL,
    demoData: production ? false : (e.DEMO_DATA ?? !e.MONGODB_URI),
    demoPassword: e.DEMO_PASSWORD,
    demoTickets: e.DEMO_TICKETS,
    bodyLimit: e.BODY_LIMIT,
    redisUrl: e.REDIS_URL,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT,
    attachments: Object.freeze({ maxFiles: e.ATTACHMENT_MAX_FILES, maxBytes: e.ATTACHMENT_MAX_BYTES }),
  });
}

/**
 * The environment a child tool (the Go toolchain) inherits, plus `extra`: the tool's own settings
 * (PATH, GOPATH, GOPROXY, GOTOOLCHAIN…) pass through untouched; Relais reads none of them.
 */
export function inheritedEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
