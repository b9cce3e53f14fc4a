import { UnprocessableError } from './errors.js';

/**
 * Placeholders in saved replies and replies: `{member.name}`, `{ticket.number}`, `{advisor.name}`… — single
 * braces, replaced from a fixed map by plain string replacement, never evaluated by a template
 * engine (a saved reply is text people write: `{{…}}` or helpers in it must stay inert). A name
 * without a value is left exactly as typed; an unknown name (a typo: `{membre.prenom}`) is refused
 * where the text is saved or sent (`unknownPlaceholders`), or the member would read it as typed.
 */
export const placeholderNames = ['member.name', 'member.first_name', 'ticket.number', 'ticket.subject', 'advisor.name', 'advisor.first_name'] as const;
export type PlaceholderName = (typeof placeholderNames)[number];

const pattern = /\{([a-z_]+\.[a-z_]+)\}/g;

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** Whether a text has something written like a placeholder (`{ticket.number}`). */
export function hasPlaceholders(text: string): boolean {
  return /\{[a-z_]+\.[a-z_]+\}/.test(text);
}

/** The body with every known placeholder replaced by its value. */
export function fillPlaceholders(body: string, values: Partial<Record<PlaceholderName, string>>): string {
  return body.replace(pattern, (whole, name: string) => {
    const value = (placeholderNames as readonly string[]).includes(name) ? values[name as PlaceholderName] : undefined;
    return value ?? whole;
  });
}

/** Anything written like a placeholder, accents included (`{membre.prénom}` is a typo too). */
const lookalike = /\{([\p{L}_]+\.[\p{L}_]+)\}/gu;

/** The placeholder-like names in a text that are not placeholders, each once, as typed (`{membre.prenom}`). */
export function unknownPlaceholders(text: string): string[] {
  const unknown = [...text.matchAll(lookalike)].filter((m) => !(placeholderNames as readonly string[]).includes(m[1] ?? '')).map((m) => m[0]);
  return [...new Set(unknown)];
}

/** Refuses (422, `unknown_reply_placeholder`, naming the field and what was typed) a text with a placeholder that does not exist. */
export function refuseUnknownPlaceholders(text: string, field: string): void {
  const unknown = unknownPlaceholders(text);
  if (unknown.length === 0) return;
  throw new UnprocessableError(
    `${unknown.join(', ')}: not a placeholder. The placeholders are ${placeholderNames.map((n) => `{${n}}`).join(', ')}; a typo would reach the member as typed.`,
    [{ path: field, message: `unknown placeholder ${unknown.join(', ')}` }],
    { reason: 'unknown_reply_placeholder', placeholders: unknown },
  );
}
