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
  const note = /name="note" value="([^"]*)"/.exec(page.text)?.[1] ?? '';
  return agent
    .post('/suivi/acces')
    .type('form')
    .send({ _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token'), note })
    .expect(status);
}
