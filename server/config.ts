/**
 * The only reader of process.env. Every variable is validated with zod at boot (config.env.ts; the
 * IMAP_MAILBOXES structure in config.imap.ts), typed, and frozen; a bad value ends the process with a
 * readable list of every problem (ConfigError, config.problems.ts). Every variable is documented in
 * `.env.example`. This file assembles the typed Config and keeps the secrets of a development install.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { envSchema } from './config.env.js';
import { imapMailboxConfigs, type ImapMailboxConfig } from './config.imap.js';
import { ConfigError, pairedSettingProblems, productionProblems, schemaProblems } from './config.problems.js';

export type RawEnv = Record<string, string | undefined>;

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
  /** How many help-form submissions one network address may make in an hour. */
  readonly helpFormPerIpPerHour: number;
  /** Attachments: how many files one message may carry, and how large each may be (bytes). */
  readonly attachments: { readonly maxFiles: number; readonly maxBytes: number };
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
  if (!parsed.success) throw new ConfigError(schemaProblems(parsed.error));
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  // In this order: what production requires, each mailbox, then the pairs.
  const problems = productionProblems(e);
  const imapMailboxes = Object.freeze(imapMailboxConfigs(e.IMAP_MAILBOXES ?? [], problems));
  problems.push(...pairedSettingProblems(e));
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  const secrets = e.JWT_SECRET && e.CSRF_SECRET ? { jwtSecret: e.JWT_SECRET, csrfSecret: e.CSRF_SECRET } : storedSecrets(dataDir, options.writeSecrets ?? true);
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/+$/, '');

  const inboundAddress = (
    e.INBOUND_ADDRESS ??
    /<([^<>\s]+@[^<>\s]+)>\s*$|^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(e.MAIL_FROM)?.slice(1).find(Boolean) ??
    'support@relais.invalid'
  ).toLowerCase();
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
    inboundAddress,
    memberLinkTtl: e.MEMBER_LINK_TTL,
    replyMailHold: e.REPLY_MAIL_HOLD,
    totpRequiredForAdmins: e.TOTP_REQUIRED_FOR_ADMINS,
    retention: Object.freeze({ caughtMail: e.CAUGHT_MAIL_RETENTION, inboundRaw: e.INBOUND_RAW_RETENTION, memberYears: e.MEMBER_RETENTION_YEARS }),
    inbound: Object.freeze({
      // The demo's own domain (the default MAIL_FROM) also receives at hulp@, which its routing rule
      // sends to Bruxelles: out of the box that rule can match. Any other domain has none unless set.
      extraAddresses: e.INBOUND_EXTRA_ADDRESSES ?? (inboundAddress.endsWith('@relais.demo') ? ['hulp@relais.demo'] : []),
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
    helpFormPerIpPerHour: e.HELP_FORM_PER_IP_PER_HOUR,
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
