/**
 * Placeholders in saved replies and replies: `{member.name}`, `{ticket.number}`, `{advisor.name}`… — single
 * braces, replaced from a fixed map by plain string replacement, never evaluated by a template
 * engine (a saved reply is text people write: `{{…}}` or helpers in it must stay inert). An unknown
 * name, or one without a value, is left exactly as typed so the advisor sees it and fills it in.
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
