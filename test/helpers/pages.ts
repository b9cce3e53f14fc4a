/** Helpers for tests of server-rendered pages: read a hidden form field, sign in through the staff form. */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { testPassword } from './factories.js';

export type TestAgent = ReturnType<typeof request.agent>;

/** The value of a hidden input (`_csrf`, `formToken`…) in a page. */
export function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field in the page`);
  return match[1];
}

/** An agent signed in through the staff sign-in form, as a browser does (it keeps the cookies). */
export async function signedIn(app: Express, email: string): Promise<TestAgent> {
  const agent = request.agent(app);
  const form = await agent.get('/staff/login').expect(200);
  const res = await agent
    .post('/staff/login')
    .type('form')
    .send({ _csrf: hidden(form.text, '_csrf'), email, password: testPassword });
  expect(res.status, res.text).to.equal(303);
  return agent;
}

/**
 * Follows a member link as a person does: the link's page (a GET uses nothing, so a mail filter that
 * opens links cannot use it up), then its button. A browser already signed in as that member is let
 * in by the GET itself. Resolves with the answer that used the link (a 303 to the ticket by default).
 */
export async function openMemberLink(agent: TestAgent, path: string, status = 303): Promise<request.Response> {
  const page = await agent.get(path);
  if (page.status !== 200) {
    expect(page.status).to.equal(status);
    return page;
  }
  expect(page.text).to.include('action="/suivi/acces"');
  // The score the link carries: ticked among the radios of a rating link's page, else the hidden field.
  const note = /name="note" value="(\d)" checked/.exec(page.text)?.[1] ?? /type="hidden" name="note" value="([^"]*)"/.exec(page.text)?.[1] ?? '';
  return agent
    .post('/suivi/acces')
    .type('form')
    .send({ _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token'), note })
    .expect(status);
}

/** Text as Handlebars escaped it, read back (its escapeExpression replaces exactly these). */
function unescapeHtml(text: string): string {
  const named: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => named[entity] ?? entity);
}

/**
 * The fields a page marks refused, as a screen reader meets them: each input, select or textarea with
 * `aria-invalid="true"` (by its name) → the field message its `aria-describedby` points to
 * ('(no message)' when it points to none).
 */
export function refusedInputs(html: string): Record<string, string> {
  const messages = new Map([...html.matchAll(/<span class="field-error" id="([^"]+)">([^<]*)<\/span>/g)].map((m) => [m[1], unescapeHtml(m[2] ?? '')]));
  const out: Record<string, string> = {};
  for (const match of html.matchAll(/<(?:input|select|textarea)\b([^>]*)>/g)) {
    const attrs = match[1] ?? '';
    if (!attrs.includes('aria-invalid="true"')) continue;
    const name = /\bname="([^"]+)"/.exec(attrs)?.[1] ?? '(no name)';
    const ids = /aria-describedby="([^"]+)"/.exec(attrs)?.[1]?.split(' ') ?? [];
    out[name] = ids.map((id) => messages.get(id)).find((m) => m !== undefined) ?? '(no message)';
  }
  return out;
}
