/**
 * Password hashing: argon2id with the OWASP Password Storage Cheat Sheet's
 * baseline (19 MiB memory, 2 passes, 1 lane). Hashes are PHC strings, so the
 * parameters travel with each hash and can be raised later without a migration.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum, which `isolatedModules` cannot inline: spell its value.
const argon2id: Algorithm = 2;

export const passwordHashOptions: Readonly<Options> = Object.freeze({
  algorithm: argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/** Hashes a password with argon2id (random 16-byte salt, PHC string out). */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashOptions);
}

/**
 * Checks a password against a stored hash. A malformed hash counts as a mismatch
 * (and is not an error a caller could turn into an oracle).
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as `verifyPassword` when there is no account to check,
 * so the answer time does not tell whether an email address is registered.
 * Always resolves to false.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  // Hashed once per process with the same parameters as real hashes, so a verify costs the same.
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  await verifyPassword(await dummyHash, password);
  return false;
}
