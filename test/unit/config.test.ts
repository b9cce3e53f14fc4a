import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/config.problems.js';

describe('config', () => {
  const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'relais-cfg-'));

  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.port).to.equal(3000);
    expect(config.host).to.equal('127.0.0.1');
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.defaultLocale).to.equal('fr');
    expect(config.timeZone).to.equal('Europe/Brussels');
    expect(config.demoData).to.equal(true);
    expect(config.publicUrl).to.equal('http://127.0.0.1:3000');
    expect(Object.isFrozen(config)).to.equal(true);
    // The demo's domain also receives at hulp@ (its routing rule's mailbox); another domain has no extra address unless set.
    expect(config.inbound.extraAddresses).to.deep.equal(['hulp@relais.demo']);
    expect(loadConfig({ DATA_DIR: dataDir(), MAIL_FROM: 'Aide <aide@smart.example>' }).inbound.extraAddresses).to.deep.equal([]);
    expect(loadConfig({ DATA_DIR: dataDir(), INBOUND_EXTRA_ADDRESSES: 'hulp@smart.example' }).inbound.extraAddresses).to.deep.equal(['hulp@smart.example']);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'http://nope', DEFAULT_LOCALE: 'de', TIME_ZONE: 'Mars/Olympus' });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).to.match(/PORT/);
      expect(problems).to.match(/MONGODB_URI: must start with mongodb/);
      expect(problems).to.match(/DEFAULT_LOCALE/);
      expect(problems).to.match(/TIME_ZONE: must be an IANA time zone/);
    }
  });

  it('requires secrets and a public URL in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/relais' }))
      .to.throw(ConfigError)
      .with.property('problems')
      .that.satisfies((p: string[]) => p.some((x) => x.startsWith('JWT_SECRET')) && p.some((x) => x.startsWith('PUBLIC_URL')));
  });

  it('never seeds demo data in production', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://db/relais',
      JWT_SECRET: 'a'.repeat(40),
      CSRF_SECRET: 'b'.repeat(40),
      PUBLIC_URL: 'https://help.example.org',
    });
    expect(config.demoData).to.equal(false);
  });

  it('generates secrets once outside production and keeps them in the data folder', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.jwt.secret).to.have.length.greaterThan(40);
    expect(second.jwt.secret).to.equal(first.jwt.secret);
    expect(existsSync(path.join(dir, 'secrets.json'))).to.equal(true);
    expect(readFileSync(path.join(dir, 'secrets.json'), 'utf8')).to.contain(first.csrfSecret);
  });

  it('parses durations', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), ACCESS_TOKEN_TTL: '5m', SESSION_TTL: '2h' });
    expect(config.jwt.accessTtl).to.equal(300);
    expect(config.jwt.sessionTtl).to.equal(7200);
  });
});
