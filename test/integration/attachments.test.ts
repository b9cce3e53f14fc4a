/**
 * Attachments end to end: multipart parsing through a real Express app and real HTTP,
 * the file storage on disk, saving and linking against the real database, and the staff
 * download route with its authorization and headers.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { checkUploads, linkAttachments, listAttachmentsOf, saveAttachments } from '../../server/attachments/attachments.service.js';
import { readableAttachment } from '../../server/tickets/ticket-attachments.js';
import type { Attachment } from '../../server/attachments/attachment.model.js';
import { attachmentStorage, createFileStorage, storageKey, type AttachmentStorage } from '../../server/attachments/storage.js';
import { parseMultipart, type MultipartLimits } from '../../server/attachments/uploads.js';
import type { Config } from '../../server/config.js';
import { addNote } from '../../server/tickets/ticket.commands.js';
import { MessageModel, type Message } from '../../server/tickets/message.model.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { errorHandler } from '../../server/web/error-handler.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { openMemberLink, signedIn } from '../helpers/pages.js';
import { memberLinkUrl } from '../../server/members/member-links.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'files');
const pdf = readFileSync(path.join(fixtures, 'sample.pdf'));
const png = readFileSync(path.join(fixtures, 'sample.png'));

interface ParsedJson {
  fields: Record<string, string>;
  files: { filename: string; size: number; sha256: string; declaredType: string }[];
  rejected: { filename: string; reason: string }[];
}
interface ErrorJson {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

/** A bare app whose one route parses a multipart body and answers what it found. */
function uploadApp(limits: MultipartLimits): Express {
  const app = express();
  app.post('/api/upload', async (req, res) => {
    const parsed = await parseMultipart(req, limits);
    res.json({
      fields: parsed.fields,
      files: parsed.files.map((f) => ({ filename: f.filename, size: f.bytes.length, sha256: storageKey(f.bytes), declaredType: f.declaredType })),
      rejected: parsed.rejected,
    });
  });
  app.use(errorHandler);
  return app;
}

/** A multipart body written by hand, for what a browser or an attacker sends and supertest cannot. */
function rawMultipart(boundary: string, parts: { headers: string; body: string | Buffer }[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}\r\n${p.headers}\r\n\r\n`), Buffer.from(p.body), Buffer.from('\r\n'));
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

describe('attachments: multipart parsing', () => {
  const limits = { maxFiles: 2, maxBytes: 1000, maxFieldBytes: 2000 };
  const app = uploadApp(limits);

  it('keeps the text fields and the files, in order, with their declared names and types', async () => {
    const res = await request(app)
      .post('/api/upload')
      .field('subject', 'Fiche de paie')
      .field('body', 'Bonjour, voici ma fiche — été 2024.')
      .attach('attachments', pdf, { filename: 'fiche.pdf', contentType: 'application/pdf' })
      .attach('attachments', png, { filename: 'photo.png', contentType: 'image/png' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const body = res.body as ParsedJson;
    expect(body.fields).to.deep.equal({ subject: 'Fiche de paie', body: 'Bonjour, voici ma fiche — été 2024.' });
    expect(body.files).to.deep.equal([
      { filename: 'fiche.pdf', size: pdf.length, sha256: storageKey(pdf), declaredType: 'application/pdf' },
      { filename: 'photo.png', size: png.length, sha256: storageKey(png), declaredType: 'image/png' },
    ]);
    expect(body.rejected).to.deep.equal([]);
  });

  it('reports a file over the limit without losing the fields or the other files; a file of exactly the limit passes', async () => {
    const res = await request(app)
      .post('/api/upload')
      .field('subject', 'Gros fichier')
      .attach('attachments', Buffer.alloc(5000, 1), 'gros.bin')
      .attach('attachments', Buffer.alloc(1000, 2), 'juste.bin')
      .field('after', 'toujours là');
    expect(res.status).to.equal(200);
    const body = res.body as ParsedJson;
    expect(body.fields).to.deep.equal({ subject: 'Gros fichier', after: 'toujours là' });
    expect(body.files.map((f) => [f.filename, f.size])).to.deep.equal([['juste.bin', 1000]]);
    expect(body.rejected).to.deep.equal([{ filename: 'gros.bin', reason: 'too_large' }]);
  });

  it('reports the files past the count limit by name', async () => {
    const res = await request(app)
      .post('/api/upload')
      .attach('attachments', pdf, '1.pdf')
      .attach('attachments', png, '2.png')
      .attach('attachments', pdf, '3.pdf')
      .attach('attachments', Buffer.alloc(3000), '4.pdf')
      .field('subject', 'Trop de fichiers');
    expect(res.status).to.equal(200);
    const body = res.body as ParsedJson;
    expect(body.files.map((f) => f.filename)).to.deep.equal(['1.pdf', '2.png']);
    expect(body.rejected).to.deep.equal([
      { filename: '3.pdf', reason: 'too_many' },
      { filename: '4.pdf', reason: 'too_many' },
    ]);
    expect(body.fields).to.deep.equal({ subject: 'Trop de fichiers' });
  });

  it('decodes non-ASCII file names, raw UTF-8 and RFC 5987 alike', async () => {
    let res = await request(app).post('/api/upload').attach('attachments', pdf, 'Résumé – été 2024 ✓.pdf');
    expect((res.body as ParsedJson).files[0]?.filename).to.equal('Résumé – été 2024 ✓.pdf');
    const boundary = 'relais-boundary-5987';
    res = await request(app)
      .post('/api/upload')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(
        rawMultipart(boundary, [
          {
            headers: 'Content-Disposition: form-data; name="attachments"; filename*=UTF-8\'\'na%C3%AFve%20%E2%82%AC.pdf\r\nContent-Type: application/pdf',
            body: pdf,
          },
        ]),
      );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((res.body as ParsedJson).files[0]?.filename).to.equal('naïve €.pdf');
  });

  it('ignores empty file inputs (no file chosen), other file fields when one is named, and keeps the first of repeated fields', async () => {
    const boundary = 'relais-boundary-empty';
    const body = rawMultipart(boundary, [
      { headers: 'Content-Disposition: form-data; name="subject"', body: 'premier' },
      { headers: 'Content-Disposition: form-data; name="subject"', body: 'second' },
      { headers: 'Content-Disposition: form-data; name="__proto__"', body: 'pollution' },
      { headers: 'Content-Disposition: form-data; name="attachments"; filename=""\r\nContent-Type: application/octet-stream', body: '' },
      { headers: 'Content-Disposition: form-data; name="avatar"; filename="avatar.png"\r\nContent-Type: image/png', body: png },
      { headers: 'Content-Disposition: form-data; name="attachments"; filename="vraie.pdf"\r\nContent-Type: application/pdf', body: pdf },
    ]);
    const res = await request(uploadApp({ ...limits, fileField: 'attachments' }))
      .post('/api/upload')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const parsed = res.body as ParsedJson;
    expect(parsed.files.map((f) => f.filename)).to.deep.equal(['vraie.pdf']);
    expect(parsed.rejected).to.deep.equal([]);
    expect(parsed.fields.subject).to.equal('premier');
    expect(Object.getPrototypeOf(parsed.fields)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).pollution).to.equal(undefined);
  });

  it('answers 400, never a crash, to malformed or non-multipart bodies', async () => {
    const boundary = 'relais-boundary-bad';
    const cases: { type: string; body: string | Buffer }[] = [
      { type: 'multipart/form-data', body: '--x\r\n' }, // no boundary
      {
        type: `multipart/form-data; boundary=${boundary}`,
        body: rawMultipart(boundary, [{ headers: 'Content-Disposition: form-data; name="a"', body: 'cut' }], false),
      },
      {
        type: `multipart/form-data; boundary=${boundary}`,
        body: rawMultipart(boundary, [{ headers: 'Content-Disposition: form-data; name="f"; filename="a.pdf"', body: pdf }], false),
      },
      { type: `multipart/form-data; boundary=${boundary}`, body: `--${boundary}\r\nthis is not a header\r\n\r\nvalue\r\n--${boundary}--\r\n` },
      { type: `multipart/form-data; boundary=${boundary}`, body: '' },
      { type: 'application/json', body: '{"subject":"x"}' },
    ];
    for (const c of cases) {
      const res = await request(app).post('/api/upload').set('Content-Type', c.type).send(c.body);
      expect(res.status, `${c.type}: ${JSON.stringify(res.body)}`).to.equal(400);
      expect((res.body as ErrorJson).error.code).to.equal('bad_request');
    }
    // Still serving.
    const ok = await request(app).post('/api/upload').field('a', 'b');
    expect(ok.status).to.equal(200);
  });

  it('answers 413 stating the limits when a text field or the whole request is too large', async () => {
    let res = await request(app).post('/api/upload').field('body', 'x'.repeat(3000));
    expect(res.status).to.equal(413);
    expect((res.body as ErrorJson).error.message).to.equal('The field "body" is too long (limit 2 KB).');

    // Over the declared length: refused before reading.
    const bound = 2 * 1000 + 2 * 2000 + 256 * 1024;
    const boundary = 'relais-boundary-huge';
    const huge = rawMultipart(
      boundary,
      Array.from({ length: 4 }, (_, i) => ({ headers: `Content-Disposition: form-data; name="f"; filename="${i}.bin"`, body: Buffer.alloc(bound / 3) })),
    );
    res = await request(app).post('/api/upload').set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(huge);
    expect(res.status).to.equal(413);
    const error = (res.body as ErrorJson).error;
    expect(error.code).to.equal('payload_too_large');
    expect(error.message).to.equal('The request is too large: at most 2 files of 1000 bytes each can be sent.');
    expect(error.fields).to.deep.equal([{ path: 'attachments', message: error.message }]);
  });

  it('refuses a request declaring a huge Content-Length from the header, without reading the body, and closes the connection', async function () {
    this.timeout(10_000);
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const boundary = 'relais-boundary-declared';
      // Ten gigabytes declared, a few hundred bytes sent, and the request never ended: only an
      // answer given from the header can arrive (reading to the end would wait forever).
      const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/upload',
            headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(10 * 1024 ** 3) },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
            res.on('error', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
          },
        );
        req.on('error', (error) => reject(error));
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n`);
        req.write(Buffer.alloc(512, 7));
      });
      expect(answer.status).to.equal(413);
      expect(answer.connection).to.equal('close');
      expect((JSON.parse(answer.body) as ErrorJson).error.code).to.equal('payload_too_large');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('counts the bytes of a chunked request (no length declared) and answers 413 once past the bound', async () => {
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const boundary = 'relais-boundary-chunked';
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/upload',
            headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n`);
        for (let i = 0; i < 20; i += 1) req.write(Buffer.alloc(32 * 1024, 7));
        req.end(`\r\n--${boundary}--\r\n`);
      });
      expect(answer.status).to.equal(413);
      expect((JSON.parse(answer.body) as ErrorJson).error.code).to.equal('payload_too_large');
    } finally {
      server.close();
    }
  });

  it('survives a client that goes away in the middle of a file', async () => {
    let outcome: unknown;
    const aborting = express();
    aborting.post('/api/upload', async (req, res) => {
      try {
        await parseMultipart(req, limits);
        outcome = 'resolved';
      } catch (error) {
        outcome = error;
      }
      res.end();
    });
    const server = aborting.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const boundary = 'relais-boundary-abort';
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/upload',
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' },
      });
      req.on('error', () => undefined);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.pdf"\r\n\r\n%PDF-1.4 partial`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      req.destroy();
      for (let i = 0; i < 50 && outcome === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(outcome).to.be.instanceOf(Error);
      expect((outcome as { status?: number }).status).to.equal(400);
    } finally {
      server.close();
    }
  });
});

describe('attachments: file storage', () => {
  let dir: string;
  let storage: AttachmentStorage;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'relais-attachments-'));
    storage = createFileStorage(dir);
  });

  it('stores content-addressed, sharded files and reads them back whole or streamed', async () => {
    const key = storageKey(pdf);
    expect(await storage.exists(key)).to.equal(false);
    await storage.put(key, pdf);
    expect(existsSync(path.join(dir, key.slice(0, 2), key.slice(2, 4), key))).to.equal(true);
    expect(await storage.exists(key)).to.equal(true);
    expect((await storage.read(key)).equals(pdf)).to.equal(true);
    const chunks: Buffer[] = [];
    for await (const chunk of storage.stream(key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(pdf)).to.equal(true);
    await storage.remove(key);
    expect(await storage.exists(key)).to.equal(false);
    await storage.remove(key); // already gone: nothing happens
    try {
      await storage.read(key);
      expect.fail('read of a removed file');
    } catch (error) {
      expect((error as { status?: number }).status).to.equal(404);
    }
  });

  it('is idempotent: the same bytes twice, even at once, are one file and no temporary file is left', async () => {
    const key = storageKey(png);
    await Promise.all([storage.put(key, png), storage.put(key, png), storage.put(key, png)]);
    await storage.put(key, png);
    const shard = path.join(dir, key.slice(0, 2), key.slice(2, 4));
    expect(readdirSync(shard)).to.deep.equal([key]);
    expect((await storage.read(key)).equals(png)).to.equal(true);
  });

  it('refuses keys that are not a SHA-256 (no path traversal) and bytes that do not match their key', async () => {
    for (const key of ['../../etc/passwd', `${'a'.repeat(62)}/x`, 'A'.repeat(64), 'a'.repeat(63), '', `..${'a'.repeat(62)}`]) {
      let refused = 0;
      for (const attempt of [
        () => storage.put(key, pdf),
        () => storage.read(key),
        () => storage.remove(key),
        () => storage.exists(key),
        async () => storage.stream(key),
      ]) {
        try {
          await attempt();
        } catch {
          refused += 1;
        }
      }
      expect(refused, key).to.equal(5);
    }
    try {
      await storage.put(storageKey(png), pdf);
      expect.fail('mismatched key accepted');
    } catch (error) {
      expect((error as Error).message).to.match(/not the SHA-256/);
    }
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('keeps one storage per data folder, in <DATA_DIR>/attachments', async () => {
    const config = { dataDir: dir };
    expect(attachmentStorage(config)).to.equal(attachmentStorage({ dataDir: `${dir}/` }));
    expect(attachmentStorage(config)).not.to.equal(attachmentStorage({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'relais-other-')) }));
    const key = storageKey(pdf);
    await attachmentStorage(config).put(key, pdf);
    expect(existsSync(path.join(dir, 'attachments', key.slice(0, 2), key.slice(2, 4), key))).to.equal(true);
  });
});

describe('attachments: saving, linking and downloading', () => {
  useTestDatabase();
  let config: Config;
  let app: Express;
  let org: Org;
  let storage: AttachmentStorage;
  let ticket: Ticket;
  let firstMessage: Message;
  const limits = { maxFiles: 5, maxBytes: 10 * 1024 * 1024 };

  before(async () => {
    config = testConfig();
    app = testApp(config);
    org = await buildOrg();
    storage = attachmentStorage(config);
    ticket = await buildTicket(org);
    const message = await MessageModel.findOne({ ticket: ticket._id }).lean<Message>();
    if (!message) throw new Error('the ticket has no first message');
    firstMessage = message;
  });

  async function saved(files: { filename: string; bytes: Buffer }[], link?: { ticket: Types.ObjectId; message: Types.ObjectId }): Promise<Attachment[]> {
    const checked = await checkUploads(
      files.map((f) => ({ ...f, declaredType: 'application/octet-stream' })),
      [],
      limits,
    );
    const attachments = await saveAttachments(checked, { storage, uploadedBy: { kind: 'member', staff: null, member: ticket.member }, source: 'web' });
    if (link)
      await linkAttachments(
        attachments.map((a) => a._id),
        link.ticket,
        link.message,
      );
    return attachments;
  }

  const binary = (res: request.Response, cb: (error: Error | null, body: Buffer) => void): void => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };

  it('saves bytes then metadata, links to a message, and lists by message', async () => {
    const at = new Date('2024-03-01T10:00:00Z');
    const checked = await checkUploads(
      [
        { filename: 'fiche.pdf', bytes: pdf, declaredType: 'x' },
        { filename: 'photo', bytes: png, declaredType: 'x' },
      ],
      [],
      limits,
    );
    const [a, b] = await saveAttachments(checked, {
      storage,
      uploadedBy: { kind: 'staff', staff: org.staff.advisorLiege.id, member: null },
      source: 'staff',
      at,
    });
    if (!a || !b) throw new Error('two attachments expected');
    expect(await storage.exists(a.sha256)).to.equal(true);
    expect(a).to.deep.include({
      filename: 'fiche.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      ticket: null,
      message: null,
      source: 'staff',
      inline: false,
      contentId: null,
      createdAt: at,
    });
    expect(b.filename).to.equal('photo.png');

    expect(await listAttachmentsOf([firstMessage._id])).to.deep.equal([]);
    await linkAttachments([a._id, b._id], ticket._id, firstMessage._id);
    await linkAttachments([a._id], ticket._id, firstMessage._id); // again: harmless
    const listed = await listAttachmentsOf([firstMessage._id, new Types.ObjectId()]);
    expect(listed.map((x) => [x.filename, String(x.ticket), String(x.message)])).to.deep.equal([
      ['fiche.pdf', String(ticket._id), String(firstMessage._id)],
      ['photo.png', String(ticket._id), String(firstMessage._id)],
    ]);
    expect(await listAttachmentsOf([])).to.deep.equal([]);

    // Never moved to another message.
    try {
      await linkAttachments([a._id], ticket._id, new Types.ObjectId());
      expect.fail('an attachment moved to another message');
    } catch (error) {
      expect((error as { status?: number }).status).to.equal(409);
    }
    expect(await saveAttachments([], { storage, uploadedBy: { kind: 'system', staff: null, member: null }, source: 'email' })).to.deep.equal([]);
  });

  it('lets staff who may read the ticket download it, as an attachment nobody can render', async () => {
    const [attachment] = await saved([{ filename: 'Résumé été 2024.pdf', bytes: pdf }], { ticket: ticket._id, message: firstMessage._id });
    if (!attachment) throw new Error('no attachment');
    const token = await login(app, org.staff.advisorLiege.email);
    const res = await request(app)
      .get(`/api/v1/attachments/${String(attachment._id)}`)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse(binary);
    expect(res.status).to.equal(200);
    expect((res.body as Buffer).equals(pdf)).to.equal(true);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-length']).to.equal(String(pdf.length));
    expect(res.headers['content-disposition']).to.equal(
      'attachment; filename="R?sum? ?t? 2024.pdf"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%20%C3%A9t%C3%A9%202024.pdf',
    );
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
    expect(res.headers['cache-control']).to.equal('private, no-store');

    // The supervisor of the office too; text is served as UTF-8 under a name that cannot run.
    const [text] = await saved([{ filename: 'notes.js', bytes: Buffer.from('alert(1)\n') }], { ticket: ticket._id, message: firstMessage._id });
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    const res2 = await request(app)
      .get(`/api/v1/attachments/${String(text?._id)}`)
      .set('Authorization', `Bearer ${supervisor}`)
      .buffer(true)
      .parse(binary);
    expect(res2.status).to.equal(200);
    expect(res2.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(res2.headers['content-disposition']).to.equal('attachment; filename=notes.js.txt');
  });

  it('answers 404 to staff who may not read the ticket, and for unknown, malformed or unlinked attachments; 401 without a token', async () => {
    const [linked] = await saved([{ filename: 'a.pdf', bytes: pdf }], { ticket: ticket._id, message: firstMessage._id });
    const [unlinked] = await saved([{ filename: 'b.png', bytes: png }]);
    const charleroi = await login(app, org.staff.advisorCharleroi.email);
    const liege = await login(app, org.staff.advisorLiege.email);
    const get = (id: string, token?: string) => {
      const req = request(app).get(`/api/v1/attachments/${id}`);
      return token ? req.set('Authorization', `Bearer ${token}`) : req;
    };
    const res = await get(String(linked?._id), charleroi);
    expect(res.status).to.equal(404);
    expect((res.body as ErrorJson).error.code).to.equal('not_found');
    expect(res.headers['content-disposition']).to.equal(undefined);
    expect((await get(String(linked?._id))).status).to.equal(401);
    expect((await get(String(new Types.ObjectId()), liege)).status).to.equal(404);
    expect((await get('not-an-id', liege)).status).to.equal(404);
    expect((await get('%24ne', liege)).status).to.equal(404);
    expect((await get(String(unlinked?._id), liege)).status).to.equal(404);
  });

  it('answers 404 (and logs) when the file is missing from the storage', async () => {
    const bytes = Buffer.from('Contenu unique pour ce test.\n');
    const [attachment] = await saved([{ filename: 'perdu.txt', bytes }], { ticket: ticket._id, message: firstMessage._id });
    await storage.remove(storageKey(bytes));
    const res = await request(app)
      .get(`/api/v1/attachments/${String(attachment?._id)}`)
      .set('Authorization', `Bearer ${await login(app, org.staff.advisorLiege.email)}`);
    expect(res.status).to.equal(404);
    expect(res.headers['content-disposition']).to.equal(undefined);
  });

  it('shows a photo small above its name on the staff and the member page; a PDF stays a name (both through the authorized routes)', async () => {
    const own = await buildTicket(org);
    const message = await MessageModel.findOne({ ticket: own._id }).lean<Message>();
    if (!message) throw new Error('the ticket has no first message');
    const [photo, doc] = await saved(
      [
        { filename: 'toiture.png', bytes: png },
        { filename: 'devis.pdf', bytes: pdf },
      ],
      { ticket: own._id, message: message._id },
    );
    // As a message written with them lists them (the request came with its files).
    await MessageModel.updateOne({ _id: message._id }, { $set: { attachments: [photo?._id, doc?._id] } });
    const staffPage = (await (await signedIn(app, org.staff.advisorLiege.email)).get(`/staff/tickets/${String(own._id)}`).expect(200)).text;
    expect(staffPage).to.include(
      `<li class="has-preview"><a href="/api/v1/attachments/${String(photo?._id)}" download><img class="file-thumb" src="/api/v1/attachments/${String(photo?._id)}" alt="" loading="lazy">toiture.png</a>`,
    );
    expect(staffPage).to.include(`<li><a href="/api/v1/attachments/${String(doc?._id)}" download>devis.pdf</a>`);
    const agent = request.agent(app);
    const opened = await openMemberLink(agent, new URL(memberLinkUrl(config, { memberId: String(own.member), ticketId: String(own._id) })).pathname);
    const memberPage = (await agent.get(opened.headers.location as string).expect(200)).text;
    expect(memberPage).to.include(`<img class="file-thumb" src="/suivi/pieces/${String(photo?._id)}" alt="" loading="lazy">toiture.png</a>`);
    expect(memberPage).to.include(`<li><a href="/suivi/pieces/${String(doc?._id)}" download>devis.pdf</a>`);
    // The picture's bytes come with the member's session only, as a download nothing renders as a page.
    const bytes = await agent.get(`/suivi/pieces/${String(photo?._id)}`).expect(200);
    expect(bytes.headers['content-type']).to.equal('image/png');
    expect(bytes.headers['content-security-policy']).to.include('sandbox');
    await request(app)
      .get(`/suivi/pieces/${String(photo?._id)}`)
      .expect(401);
  });

  it("shows a member the attachments of their public messages only, never an internal note's", async () => {
    const own = await buildTicket(org);
    const message = await MessageModel.findOne({ ticket: own._id }).lean<Message>();
    await addNote({ actor: org.staff.advisorLiege, ticketId: String(own._id), version: own.version, text: 'Note interne avec pièce jointe' });
    const note = await MessageModel.findOne({ ticket: own._id, visibility: 'internal' }).lean<Message>();
    if (!message || !note) throw new Error('messages missing');
    const [onMessage] = await saved([{ filename: 'public.pdf', bytes: pdf }], { ticket: own._id, message: message._id });
    const [onNote] = await saved([{ filename: 'interne.png', bytes: png }], { ticket: own._id, message: note._id });
    const member = { kind: 'member' as const, id: own.member, name: 'Claire Martin', email: 'claire@example.be' };
    expect(String((await readableAttachment(member, String(onMessage?._id)))._id)).to.equal(String(onMessage?._id));
    for (const [actor, id] of [
      [member, onNote],
      [{ ...member, id: new Types.ObjectId() }, onMessage],
    ] as const) {
      try {
        await readableAttachment(actor, String(id?._id));
        expect.fail('a member read an attachment they may not');
      } catch (error) {
        expect((error as { status?: number }).status).to.equal(404);
      }
    }
    // Staff read both.
    expect(String((await readableAttachment(org.staff.advisorLiege, String(onNote?._id)))._id)).to.equal(String(onNote?._id));
  });
});
