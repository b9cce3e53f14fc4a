/**
 * A browser-like client of the staff pages: signs in through the form (the agent keeps the cookies)
 * and posts the pages' forms with their CSRF token, as a person does.
 */
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { testPassword } from './factories.js';

export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field in the page`);
  return match[1];
}

/** Signs in through the form; the answer is the redirect (303) with where it goes. */
export async function signInForm(agent: TestAgent, email: string, next?: string): Promise<request.Response> {
  const form = await agent.get(`/staff/login${next ? `?next=${encodeURIComponent(next)}` : ''}`).expect(200);
  return agent
    .post('/staff/login')
    .type('form')
    .send({ _csrf: hiddenField(form.text, '_csrf'), email, password: testPassword, ...(next ? { next } : {}) });
}

export async function pageAgent(app: Express, email: string): Promise<TestAgent> {
  const agent = request.agent(app);
  const res = await signInForm(agent, email);
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  return agent;
}

/** The session CSRF token a signed-in page carries (`<meta name="csrf-token">`). */
export async function pageCsrf(agent: TestAgent, path = '/staff/admin'): Promise<string> {
  const res = await agent.get(path);
  const match = /<meta name="csrf-token" content="([^"]*)"/.exec(res.text);
  if (!match?.[1]) throw new Error(`no csrf-token meta on ${path} (${res.status})`);
  return match[1];
}
