/**
 * Does the time to answer tell whether an address is known? (issue 14, "constant-time answers".)
 * Sends, alternately, requests naming a known address and an unknown one to the endpoints that take
 * an address from anyone — the help form (`POST /aide`), "send me a link" (`POST /suivi/lien`) and
 * "email me an unlock link" (`POST /api/v1/auth/unlock-request`) — and prints the time to answer of
 * each kind (p50, mean, p90) and the difference of the medians. Run alone on a quiet machine:
 *
 *   node --import tsx bench/address-timing.ts [samples per kind, default 60] [other members, default 0] [name filter]
 *
 * The other members (written raw, in bulk) make the members collection the size of a real one.
 *
 * Not a `*.bench.ts`: it reports a difference, not a ratio against a baseline.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { createApp } from '../server/app.js';
import { createLoginThrottle } from '../server/auth/login-throttle.js';
import { hashPassword } from '../server/auth/password.js';
import { loadConfig } from '../server/config.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../server/db/connection.js';
import { createLogger } from '../server/lib/logger.js';
import { MemberModel } from '../server/members/member.model.js';
import '../server/models.js';
import { OfficeModel } from '../server/offices/office.model.js';
import { clearRoutingCache } from '../server/routing/routing.service.js';
import { StaffModel } from '../server/staff/staff.model.js';
import { TeamModel } from '../server/teams/team.model.js';
import { benchDatabaseUri, listenLocal, percentile, stopBenchDatabase } from './lib.js';

const samples = Number(process.argv[2] ?? 60);
const fillerMembers = Number(process.argv[3] ?? 0);
/** Only the comparisons whose name contains this (e.g. `login`). */
const only = process.argv[4] ?? '';
const warmup = 10;
const unlimited = { limit: 1e9, windowMs: 60_000 };

interface Page {
  cookie: string;
  fields: Record<string, string>;
}

/** GETs a form page and keeps its cookies and hidden fields, as a browser would. */
async function formPage(url: string): Promise<Page> {
  const res = await fetch(url);
  const html = await res.text();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  return { cookie, fields };
}

/** Milliseconds until the answer's status line and body are in. */
async function timed(send: () => Promise<Response>, expected: number): Promise<number> {
  const start = performance.now();
  const res = await send();
  await res.arrayBuffer();
  const ms = performance.now() - start;
  if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}`);
  return ms;
}

function summary(values: number[]): string {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return `p50 ${percentile(values, 50).toFixed(2)} ms, mean ${mean.toFixed(2)} ms, p90 ${percentile(values, 90).toFixed(2)} ms`;
}

async function compare(name: string, request: (known: boolean, i: number) => Promise<number>): Promise<void> {
  if (only && !name.includes(only)) return;
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < warmup; i += 1) await request(i % 2 === 0, -1 - i);
  for (let i = 0; i < samples; i += 1) {
    // Alternating, and which goes first too, so both kinds see the same collection sizes, machine load and order.
    if (i % 2 === 0) {
      known.push(await request(true, i));
      unknown.push(await request(false, i));
    } else {
      unknown.push(await request(false, i));
      known.push(await request(true, i));
    }
  }
  const diff = percentile(known, 50) - percentile(unknown, 50);
  process.stdout.write(`${name}\n  known:   ${summary(known)}\n  unknown: ${summary(unknown)}\n  median difference (known − unknown): ${diff.toFixed(2)} ms\n`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-address-timing-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), CSRF_SECRET: 'y'.repeat(40), LOG_LEVEL: 'silent' });
  await connectDatabase(await benchDatabaseUri(), `timing_${randomBytes(4).toString('hex')}`);
  let server: { url: string; close: () => Promise<void> } | undefined;
  try {
    await ensureIndexes();
    const office = await OfficeModel.create({ code: 'timing', name: 'Timing', isDefault: true });
    const team = await TeamModel.create({ code: 'timing-conseil', name: 'Conseil', tier: 1, office: office._id });
    await TeamModel.create({ code: 'timing-soutien', name: 'Soutien', tier: 2 });
    await TeamModel.create({ code: 'timing-admin', name: 'Administratif', tier: 3 });
    clearRoutingCache();
    const total = samples + warmup;
    for (let i = 0; i < total; i += 1) await MemberModel.create({ name: `Member ${i}`, email: `known${i}@timing.example`, office: office._id });
    for (let done = 0; done < fillerMembers; done += 1000) {
      const batch = Array.from({ length: Math.min(1000, fillerMembers - done) }, (_, k) => ({
        name: `Other ${done + k}`,
        email: `other${done + k}@filler.example`,
        office: office._id,
        language: 'fr',
        createdAt: new Date(),
      }));
      await MemberModel.collection.insertMany(batch);
    }
    const passwordHash = await hashPassword('correct horse battery staple');
    for (let i = 0; i < total; i += 1) {
      await StaffModel.create({ name: `Staff ${i}`, email: `staff${i}@timing.example`, roles: ['advisor'], team: team._id, office: office._id, passwordHash });
    }
    const app = createApp({
      config,
      logger: createLogger({ level: 'silent' }),
      api: {
        auth: { throttle: createLoginThrottle({ perIp: unlimited, perAccount: unlimited, unlockRequests: { perIp: unlimited, perAddress: unlimited } }) },
      },
      publicForms: { limits: { formPerIp: unlimited, formPerEmail: unlimited, linkPerIp: unlimited, linkPerEmail: unlimited } },
    });
    server = await listenLocal(http.createServer(app));
    const base = server.url;
    const address = (known: boolean, i: number, kind: string) =>
      known ? `${kind}${i < 0 ? total + i : i}@timing.example` : `new-${randomBytes(6).toString('hex')}@timing.example`;

    await compare('POST /aide (help form)', async (known, i) => {
      const page = await formPage(`${base}/aide`);
      const form = new FormData();
      for (const [k, v] of Object.entries(page.fields)) form.set(k, v);
      form.set('name', 'Claire Martin');
      form.set('email', address(known, i, 'known'));
      form.set('memberNumber', '');
      form.set('category', '');
      form.set('subject', 'Fiche de paie');
      form.set('message', 'Bonjour, une question sur ma fiche de paie.');
      form.set('website_url', '');
      return timed(() => fetch(`${base}/aide`, { method: 'POST', body: form, headers: { cookie: page.cookie }, redirect: 'manual' }), 303);
    });

    await compare('POST /suivi/lien (send me a link)', async (known, i) => {
      const page = await formPage(`${base}/suivi`);
      const body = new URLSearchParams({ ...page.fields, email: address(known, i, 'known') });
      return timed(() => fetch(`${base}/suivi/lien`, { method: 'POST', body, headers: { cookie: page.cookie }, redirect: 'manual' }), 303);
    });

    await compare('POST /api/v1/auth/unlock-request (email me an unlock link)', async (known, i) =>
      timed(
        () =>
          fetch(`${base}/api/v1/auth/unlock-request`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: address(known, i, 'staff') }),
          }),
        202,
      ),
    );

    await compare('POST /api/v1/auth/login (a wrong password)', async (known, i) =>
      timed(
        () =>
          fetch(`${base}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: address(known, i, 'staff'), password: 'not the password' }),
          }),
        401,
      ),
    );
  } finally {
    await server?.close();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
    await stopBenchDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
