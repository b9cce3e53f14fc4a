/**
 * The HTML of an inbound message, for display only, through an allow-list (see content.ts): no
 * scripts, styles, event handlers, forms, frames, `data:`, `javascript:` or relative URLs; images
 * only from `cid:` parts of the message itself. Bounded: length cut, absurd nesting refused.
 */
import sanitizeHtml from 'sanitize-html';

/** HTML beyond this many characters is cut before sanitizing (sanitizing is synchronous). */
const MAX_HTML_CHARS = 2 * 1024 * 1024;

/** Sizes and spans are numbers; anything else in them is dropped. */
function numericAttributes(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const kept: sanitizeHtml.Attributes = {};
  for (const [name, value] of Object.entries(attribs)) {
    if (!['colspan', 'rowspan', 'width', 'height'].includes(name) || /^\d{1,4}%?$/.test(value.trim())) kept[name] = value;
  }
  return { tagName, attribs: kept };
}

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'b',
    'i',
    'strong',
    'em',
    'u',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
    'pre',
    'code',
    'table',
    'thead',
    'tbody',
    'tr',
    'td',
    'th',
    'h1',
    'h2',
    'h3',
    'h4',
    'img',
  ],
  allowedAttributes: { a: ['href', 'rel', 'target'], img: ['src', 'alt', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  allowVulnerableTags: false,
  parseStyleAttributes: false,
  disallowedTagsMode: 'discard',
  // Their text is not message text (or is code): dropped with the tag.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'title',
    'head',
    'template',
    'xml',
    'svg',
    'math',
    'object',
    'iframe',
    'frameset',
    'noembed',
    'noframes',
  ],
  nestingLimit: 64,
  transformTags: {
    // Outlook and Gmail build their paragraphs from divs; without this the lines run together.
    div: 'p',
    h5: 'h4',
    h6: 'h4',
    td: numericAttributes,
    th: numericAttributes,
    img: numericAttributes,
    a: (tagName, attribs) => ({
      tagName,
      // Absolute links only: a relative one would point into Relais itself.
      attribs: {
        ...(/^\s*(https?:\/\/|mailto:)/i.test(attribs.href ?? '') ? { href: (attribs.href ?? '').trim() } : {}),
        rel: 'noopener noreferrer',
        target: '_blank',
      },
    }),
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^cid:/i.test(frame.attribs.src ?? ''),
};

/** Deeper nesting makes sanitizing quadratic; mailparser refuses to convert such HTML to text too. */
const MAX_HTML_DEPTH = 1000;
/** Elements that never nest (void) or that the parser closes by itself when the next one opens. */
const notNesting = new Set([
  'br',
  'img',
  'hr',
  'meta',
  'link',
  'input',
  'area',
  'base',
  'col',
  'embed',
  'param',
  'source',
  'track',
  'wbr',
  'p',
  'li',
  'td',
  'th',
  'tr',
  'option',
  'dt',
  'dd',
]);

/** Whether the tags of `html` nest deeper than `MAX_HTML_DEPTH` (a linear count, close enough). */
function nestsTooDeep(html: string): boolean {
  let depth = 0;
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9:-]{0,30})/g)) {
    if (notNesting.has((match[2] ?? '').toLowerCase())) continue;
    depth = match[1] ? Math.max(0, depth - 1) : depth + 1;
    if (depth > MAX_HTML_DEPTH) return true;
  }
  return false;
}

/**
 * The message HTML through the allow-list (see the module comment); null for HTML nested deeper
 * than `MAX_HTML_DEPTH` (no mail client writes that: the text is shown instead).
 */
export function sanitizeMessageHtml(html: string): string | null {
  const bounded = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  return nestsTooDeep(bounded) ? null : sanitizeHtml(bounded, sanitizeOptions).trim();
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** A plain rendering of HTML, used only when mailparser could not convert it. */
export function htmlAsText(html: string): string {
  const bounded = html.slice(0, MAX_HTML_CHARS);
  const marked = bounded.replace(/<(br|\/p|\/div|\/tr|\/li|\/h[1-6])\b[^<>]{0,200}>/gi, '\n');
  const stripped = nestsTooDeep(bounded)
    ? marked.replace(/<[^<>]{0,2000}>/g, '')
    : sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: sanitizeOptions.nonTextTags });
  return stripped.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => entities[name] ?? '');
}
