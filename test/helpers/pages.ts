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
