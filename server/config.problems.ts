/**
 * What is wrong with a configuration, said so an operator can fix all of it at once: the error
 * `loadConfig` throws (every problem listed), the schema's issues turned into lines, and the checks
 * that span several variables (what production requires, settings that come in pairs). Separate
 * from config.ts so that the rules about combinations read apart from the assembly of the Config.
 */
import type { z } from 'zod';
import type { ParsedEnv } from './config.env.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** One line per schema issue: `VARIABLE: message` (or `VARIABLE.0.field: message` inside IMAP_MAILBOXES). */
export function schemaProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
}

/** What production requires: secrets given, not generated; the public address; no demo data. */
export function productionProblems(e: ParsedEnv): string[] {
  if (e.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (!e.JWT_SECRET) problems.push('JWT_SECRET: required in production (at least 32 random characters)');
  if (!e.CSRF_SECRET) problems.push('CSRF_SECRET: required in production (at least 32 random characters)');
  if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required in production (the address members and staff use)');
  if (e.DEMO_DATA) problems.push('DEMO_DATA: demo data is never seeded in production');
  return problems;
}

/** Settings that only make sense together, given half. */
export function pairedSettingProblems(e: ParsedEnv): string[] {
  if (Boolean(e.INBOUND_SMTP_TLS_KEY) !== Boolean(e.INBOUND_SMTP_TLS_CERT))
    return ['INBOUND_SMTP_TLS_KEY and INBOUND_SMTP_TLS_CERT: give both (STARTTLS needs a key and its certificate) or neither'];
  return [];
}
