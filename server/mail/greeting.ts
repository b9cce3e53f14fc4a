/** Whom member mail greets, and how: the member's name when it is one, else a bare greeting. */
import { z } from 'zod';

/**
 * The name a member mail greets with ("Bonjour Marie Dupont,"): the member's name as they gave it, or
 * none (a bare "Bonjour,") when it is not a name — empty, an address (mail from a sender without a
 * display name), or without a letter.
 */
export function greetingName(name: string | null | undefined): string | null {
  const cleaned = (name ?? '').replace(/\s+/g, ' ').trim();
  if (cleaned === '' || cleaned.length > 120 || cleaned.includes('@') || !/\p{L}/u.test(cleaned)) return null;
  return cleaned;
}
/** Whom a member mail greets: always present after parsing (null: no name), as the templates run in strict mode. */
export const greeting = { memberName: z.string().max(1000).nullish().transform(greetingName) };
