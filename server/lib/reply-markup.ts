/**
 * What staff type in the reply box: a small, constrained markup (a strict subset of Markdown),
 * turned here into the two forms a reply is kept and sent in — safe HTML for the thread, the
 * member page and the mail's HTML part, and readable plain text for the mail's text part.
 *
 *   **bold**   *italic*   - item / * item   1. item   [words](https://…)   bare https://… links
 *   a blank line starts a paragraph; a single line break stays a line break
 *
 * Why markup and not HTML from the browser: the server never has to trust (or repair) HTML a
 * client sent. Everything typed is escaped first; only the constructs above become tags, and the
 * result then goes through an allow-list (`sanitizeReplyHtml`) anyway: p, br, strong, em, ul, ol,
 * li, and a[href] with http, https or mailto only (rel="noopener noreferrer nofollow",
 * target="_blank"). So `<script>`, `onclick=` or `javascript:` typed in a reply show as text or
 * are dropped, never run.
 */
import sanitizeHtml from 'sanitize-html';

export interface FormattedReply {
  /** Sanitized HTML (the allow-list below). */
  html: string;
  /** The same reply as plain text: what the mail's text part and searches read. */
  text: string;
}

const replyHtmlOptions: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'b', 'em', 'i', 'ul', 'ol', 'li', 'a'],
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
  // Every kept link opens apart and tells the other site nothing.
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...(attribs.href ? { href: attribs.href } : {}), rel: 'noopener noreferrer nofollow', target: '_blank' } }),
  },
  exclusiveFilter: (frame) => frame.tag === 'a' && !frame.attribs.href,
};

/** Passes HTML through the reply allow-list (also used again wherever a stored reply is shown). */
export function sanitizeReplyHtml(html: string): string {
  return sanitizeHtml(html.slice(0, 400_000), replyHtmlOptions);
}

function escapeHtml(value: string): string {
  return value
    .replace(/\uE000/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const linkPattern = /\[([^\]\n]{1,500})\]\(((?:https?:\/\/|mailto:)[^\s()<>]{1,2000})\)/g;
const barePattern = /(^|[\s(])(https?:\/\/[^\s<>()]{1,2000}[^\s<>().,;:!?'"])/g;
const boldPattern = /\*\*(?=\S)([^*\n]{1,2000}?\S)\*\*/g;
const italicPattern = /(^|[^*\w])\*(?=\S)([^*\n]{1,2000}?\S)\*(?!\*)/g;

// A private-use character marks where a link was cut out; escapeHtml drops it from what was typed, so typed text cannot forge a mark.
const hole = '\uE000';
const holes = new RegExp(`${hole}(\\d+)${hole}`, 'g');

/** One line's inline constructs, on text already escaped. Links are cut out first so their addresses stay whole. */
function inlineHtml(escaped: string): string {
  const links: string[] = [];
  const hold = (html: string): string => {
    links.push(html);
    return `${hole}${links.length - 1}${hole}`;
  };
  let out = escaped.replace(linkPattern, (_m, label: string, href: string) => hold(`<a href="${href}">${label}</a>`));
  out = out.replace(barePattern, (_m, before: string, href: string) => `${before}${hold(`<a href="${href}">${href}</a>`)}`);
  out = out.replace(boldPattern, '<strong>$1</strong>').replace(italicPattern, '$1<em>$2</em>');
  return out.replace(holes, (_m, i: string) => links[Number(i)] ?? '');
}

function inlineText(line: string): string {
  return line
    .replace(linkPattern, (_m, label: string, href: string) =>
      label === href || `mailto:${label}` === href ? label : `${label} (${href.replace(/^mailto:/, '')})`,
    )
    .replace(boldPattern, '$1')
    .replace(italicPattern, '$1$2');
}

type Block = { kind: 'p'; lines: string[] } | { kind: 'ul' | 'ol'; items: string[] };

const bullet = /^\s{0,3}[-*]\s+(.*)$/;
const numbered = /^\s{0,3}\d{1,3}[.)]\s+(.*)$/;

function blocks(source: string): Block[] {
  const out: Block[] = [];
  let current = null as Block | null;
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const b = bullet.exec(line);
    const n = b ? null : numbered.exec(line);
    if (line.trim() === '') {
      current = null;
      continue;
    }
    const kind = b ? 'ul' : n ? 'ol' : 'p';
    const content = (b?.[1] ?? n?.[1] ?? line).trim();
    if (kind === 'p') {
      if (current?.kind !== 'p') {
        current = { kind: 'p', lines: [] };
        out.push(current);
      }
      current.lines.push(line);
    } else {
      if (current?.kind !== kind) {
        current = { kind, items: [] };
        out.push(current);
      }
      current.items.push(content);
    }
  }
  return out;
}

/** Turns the reply markup into sanitized HTML and plain text. */
export function formatReply(source: string): FormattedReply {
  const parsed = blocks(source);
  const html = parsed
    .map((block) =>
      block.kind === 'p'
        ? `<p>${block.lines.map((l) => inlineHtml(escapeHtml(l))).join('<br>')}</p>`
        : `<${block.kind}>${block.items.map((item) => `<li>${inlineHtml(escapeHtml(item))}</li>`).join('')}</${block.kind}>`,
    )
    .join('\n');
  const text = parsed
    .map((block) =>
      block.kind === 'p'
        ? block.lines.map(inlineText).join('\n')
        : block.items.map((item, i) => `${block.kind === 'ol' ? `${i + 1}.` : '-'} ${inlineText(item)}`).join('\n'),
    )
    .join('\n\n');
  return { html: sanitizeReplyHtml(html), text };
}

/**
 * Whether a reply ends with its author's own sign-off: a short last line naming them ("Pieter",
 * "Pieter Janssens", "— Pieter, Conseil Liège"). The mail then adds no closing of its own, which
 * would sign it twice ("Met vriendelijke groeten, Pieter" under "Met vriendelijke groeten, Pieter").
 */
export function endsWithSignOff(text: string, authorName: string): boolean {
  const last = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
  const first = authorName.trim().split(/\s+/)[0] ?? '';
  if (!last || first.length < 2 || last.length > 60) return false;
  return new RegExp(`(^|[^\\p{L}])${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\p{L}]|$)`, 'iu').test(last);
}
