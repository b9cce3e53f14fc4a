/**
 * Renders an administrator's text (a subject or an introductory paragraph of member mail) with the
 * message's values. What the administrator typed is never template source: only `{{name}}` with a
 * placeholder the template offers (exactly two braces) is a placeholder; everything else — `{{{x}}}`,
 * `{{#each}}`, `{{> partial}}`, `<script>`, unknown names — is literal text, handed to Handlebars as
 * data. The result is plain text: the HTML template escapes it like any value (`paragraphs`).
 */
import Handlebars from 'handlebars';

const hbs = Handlebars.create();
const PLACEHOLDER = /(?<!\{)\{\{\s*([A-Za-z]+)\s*\}\}(?!\})/g;
const compiledSources = new Map<string, (data: Record<string, unknown>) => string>();

/** The text split into literal parts and the names of known placeholders. */
export function textParts(text: string, known: readonly string[]): Array<{ literal: string } | { placeholder: string }> {
  const parts: Array<{ literal: string } | { placeholder: string }> = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!known.includes(name)) continue;
    if (match.index > last) parts.push({ literal: text.slice(last, match.index) });
    parts.push({ placeholder: name });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ literal: text.slice(last) });
  return parts;
}

/** `text` with its known placeholders filled from `values`, as plain text. */
export function renderAdminText(text: string, known: readonly string[], values: Record<string, unknown>): string {
  const parts = textParts(text, known);
  // The source holds only `{{lN}}` (the literal parts, as data) and `{{name}}` of known placeholders.
  const source = parts.map((p, i) => ('literal' in p ? `{{l${i}}}` : `{{${p.placeholder}}}`)).join('');
  let template = compiledSources.get(source);
  if (!template) {
    template = hbs.compile<Record<string, unknown>>(source, { noEscape: true, strict: true });
    if (compiledSources.size > 500) compiledSources.clear();
    compiledSources.set(source, template);
  }
  const literals = Object.fromEntries(parts.flatMap((p, i) => ('literal' in p ? [[`l${i}`, p.literal]] : [])));
  return template({ ...values, ...literals });
}
