import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { EmbeddedDatabaseError, ensureFerretBinary } from '../../server/db/embedded.js';
import { useTestDatabase } from '../helpers/db.js';
import { testDatabaseUri } from '../helpers/global.js';
import { testApp } from '../helpers/http.js';
import { testConfig } from '../helpers/config.js';
import { publicDir } from '../../server/lib/paths.js';

describe('the Express app: health, errors, headers, languages', () => {
  const db = useTestDatabase();
  const app = testApp();

  it('answers /healthz and /readyz', async () => {
    expect((await request(app).get('/healthz')).body).to.deep.equal({ status: 'ok' });
    const ready = await request(app).get('/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.equal({ status: 'ready', database: 'ok' });
  });

  it('answers /readyz with 503 while the database is unreachable', async () => {
    await mongoose.disconnect();
    try {
      const res = await request(app).get('/readyz');
      expect(res.status).to.equal(503);
      expect(res.body.status).to.equal('unavailable');
    } finally {
      await mongoose.connect(testDatabaseUri(), { dbName: db.name() });
    }
  });

  it('serves no source map under /static in production (the client source stays private), and the bundle itself still', async () => {
    // A bundle and its map as `npm run build` may leave them (public/js is git-ignored).
    const name = `map-test-${process.pid}-${Date.now()}`;
    const dir = path.join(publicDir, 'js');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}.js`), 'export {};\n//# sourceMappingURL=x.js.map\n');
    writeFileSync(path.join(dir, `${name}.js.map`), '{"version":3,"sources":["client/secret.ts"],"mappings":""}');
    try {
      const production = testApp(testConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://relais.example' }));
      await request(production).get(`/static/js/${name}.js.map`).expect(404);
      await request(production).get(`/static/js/${name}.JS.MAP`).expect(404);
      await request(production).get(`/static/js/${name}.js`).expect(200);
      // Outside production the maps help debugging.
      await request(app).get(`/static/js/${name}.js.map`).expect(200);
    } finally {
      rmSync(path.join(dir, `${name}.js`), { force: true });
      rmSync(path.join(dir, `${name}.js.map`), { force: true });
    }
  });

  it('answers unknown addresses with a 404 page for browsers and JSON for programs', async () => {
    const html = await request(app).get('/no/such/page').set('Accept', 'text/html');
    expect(html.status).to.equal(404);
    expect(html.type).to.equal('text/html');
    expect(html.text).to.contain('Page introuvable');
    const json = await request(app).get('/api/v1/nothing-here');
    expect(json.status).to.equal(404);
    expect(json.body.error.code).to.equal('not_found');
  });

  it('sends security headers, a strict CSP and a request id, and no X-Powered-By', async () => {
    const res = await request(app).get('/').set('X-Request-Id', 'abc12345-req');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    expect(res.headers['x-request-id']).to.equal('abc12345-req');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.contain("object-src 'none'");
    expect(csp).to.contain("frame-ancestors 'none'");
    expect(csp).not.to.match(/unsafe-inline|https?:\/\//);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    const forged = await request(app).get('/').set('X-Request-Id', '<script>');
    expect(forged.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('serves static files under /static with nosniff', async () => {
    const res = await request(app).get('/static/css/app.css');
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('text/css');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
  });

  it('speaks French by default, Dutch or English by Accept-Language or ?lang=', async () => {
    // The home page is the members' help form.
    expect((await request(app).get('/')).text).to.contain('Poser une question');
    expect((await request(app).get('/').set('Accept-Language', 'nl-BE,nl;q=0.9,fr;q=0.5')).text).to.contain('Een vraag stellen');
    const en = await request(app).get('/?lang=en');
    expect(en.text).to.contain('Ask a question');
    expect(en.text).to.contain('<html lang="en">');
    expect(String(en.headers['set-cookie'])).to.contain('relais_lang=en');
  });
});

describe('building the embedded database', () => {
  it('says what to do when Go is missing, instead of a stack trace', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await ensureFerretBinary(mkdtempSync(path.join(os.tmpdir(), 'relais-nogo-')));
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(EmbeddedDatabaseError);
      expect((error as Error).message).to.match(/Go is not installed[\s\S]*MONGODB_URI/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
