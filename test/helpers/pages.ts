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

/**
 * Follows a member link as a person does: its page (a GET uses nothing, so a mail filter opening
 * links cannot use it up), then its button, whose POST uses the link and answers 303 to the ticket.
 */
export async function openMemberLink(agent: TestAgent, path: string): Promise<request.Response> {
  const page = await agent.get(path).expect(200);
  expect(page.text).to.include('action="/suivi/acces"');
  const note = /name="note" value="([^"]*)"/.exec(page.text)?.[1] ?? '';
  return agent
    .post('/suivi/acces')
    .type('form')
    .send({ _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token'), note })
    .expect(303);
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
