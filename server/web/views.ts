/**
 * Server-side rendering with an isolated Handlebars instance: `views/layouts/*.hbs`
 * wrap `views/pages/*.hbs`; `views/partials/*.hbs` are registered by file name.
 * Templates are compiled once and cached. Handlebars escapes every `{{value}}`;
 * triple-stash `{{{…}}}` is reserved for the layout body and sanitized HTML.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { viewsDir } from '../lib/paths.js';
import type { Translate } from '../lib/i18n.js';
import { sanitizeReplyHtml } from '../lib/reply-markup.js';

export type TemplateDelegate = Handlebars.TemplateDelegate;

export interface ViewEngine {
  render(page: string, data: Record<string, unknown>, layout?: string | false): string;
  /** Renders a template that is not a page (emails, fragments) without layout. */
  renderTemplate(name: string, data: Record<string, unknown>): string;
}

function registerHelpers(hbs: typeof Handlebars): void {
  // t: translate with the request's translator, passed in data as `t`.
  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const root = options.data?.root as { t?: Translate } | undefined;
    const translate = root?.t;
    const text = translate ? translate(key, options.hash as Record<string, unknown>) : key;
    return text; // returned as a plain string, so Handlebars escapes it
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // `(concat form.kind "-code-hint")`: strings joined (the options object Handlebars passes last is left out).
  hbs.registerHelper('concat', (...parts: unknown[]) =>
    parts
      .slice(0, -1)
      .map((p) => String(p ?? ''))
      .join(''),
  );
  // An e-mail address that wraps after its "@" when it must, not in the middle of a word ("exampl / e.be").
  hbs.registerHelper('breakableAddress', (value: unknown) => {
    const text = String(value ?? '');
    const at = text.lastIndexOf('@');
    if (at <= 0) return text;
    return new hbs.SafeString(`${hbs.Utils.escapeExpression(text.slice(0, at + 1))}<wbr>${hbs.Utils.escapeExpression(text.slice(at + 1))}`);
  });
  // A staff reply's HTML, through the reply allow-list again at display (lib/reply-markup.ts).
  hbs.registerHelper('replyHtml', (value: unknown) => new hbs.SafeString(sanitizeReplyHtml(String(value ?? ''))));
  // A refused form field (the map a page's refusal gives, keyed by the field's label key):
  // `<input … {{fieldInvalid invalid "label.key" describedby="hint-id"}}>` marks it and points to its
  // message; `{{fieldError invalid "label.key"}}` writes the message beside it. Nothing when not refused.
  const refused = (invalid: unknown, key: unknown): string | null => {
    if (typeof invalid !== 'object' || invalid === null || typeof key !== 'string' || !Object.hasOwn(invalid, key)) return null;
    const why = (invalid as Record<string, unknown>)[key];
    return typeof why === 'string' ? why : null;
  };
  const errorId = (key: string): string => `err-${key.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  hbs.registerHelper('fieldInvalid', (invalid: unknown, key: unknown, options: Handlebars.HelperOptions) => {
    const hint = typeof options.hash?.describedby === 'string' && options.hash.describedby ? options.hash.describedby : null;
    const why = refused(invalid, key);
    if (why === null) return hint ? new hbs.SafeString(` aria-describedby="${hbs.Utils.escapeExpression(hint)}"`) : '';
    const ids = [hint, errorId(String(key))].filter(Boolean).join(' ');
    return new hbs.SafeString(` aria-invalid="true" aria-describedby="${hbs.Utils.escapeExpression(ids)}"`);
  });
  hbs.registerHelper('fieldError', (invalid: unknown, key: unknown) => {
    const why = refused(invalid, key);
    if (why === null) return '';
    return new hbs.SafeString(`<span class="field-error" id="${hbs.Utils.escapeExpression(errorId(String(key)))}">${hbs.Utils.escapeExpression(why)}</span>`);
  });
  hbs.registerHelper(
    'json',
    (value: unknown) =>
      new hbs.SafeString(
        // Safe inside <script type="application/json">: no closing tag can appear.
        JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'),
      ),
  );
}

export function createViewEngine(options: { cache: boolean }): ViewEngine {
  const hbs = Handlebars.create();
  registerHelpers(hbs);
  const partialsDir = path.join(viewsDir, 'partials');
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir)) {
      if (file.endsWith('.hbs')) hbs.registerPartial(path.basename(file, '.hbs'), readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  }
  const cache = new Map<string, { compiled: TemplateDelegate; mtimeMs: number }>();
  const template = (name: string): TemplateDelegate => {
    const cached = cache.get(name);
    if (cached && options.cache) return cached.compiled;
    const file = path.join(viewsDir, `${name}.hbs`);
    if (!file.startsWith(viewsDir + path.sep)) throw new Error(`Bad template name: ${name}`);
    // Without the cache (development), an edited page shows at the next request; an unchanged one is
    // not compiled again (a compile on every request was a good part of a big page's time).
    const mtimeMs = options.cache ? 0 : statSync(file).mtimeMs;
    if (cached && cached.mtimeMs === mtimeMs) return cached.compiled;
    const compiled = hbs.compile(readFileSync(file, 'utf8'), { strict: false, noEscape: false });
    cache.set(name, { compiled, mtimeMs });
    return compiled;
  };
  const renderTemplate = (name: string, data: Record<string, unknown>): string => template(name)(data);
  return {
    renderTemplate,
    render(page, data, layout = 'main') {
      const body = renderTemplate(`pages/${page}`, data);
      if (layout === false) return body;
      return renderTemplate(`layouts/${layout}`, { ...data, body: new hbs.SafeString(body) });
    },
  };
}
