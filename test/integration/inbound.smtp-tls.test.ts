/** The SMTP receiver offers STARTTLS when a key and certificate are configured, and only then. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { InboundMailModel } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { startInboundSmtp, type InboundSmtp } from '../../server/mail/inbound/smtp-receiver.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=relais.test'], {
    stdio: 'ignore',
  });
  return { key, cert };
}

const message = (subject: string) =>
  `From: Marie <marie@example.be>\r\nTo: support@relais.demo\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.be>\r\n\r\nBonjour.\r\n`;

describe('inbound SMTP receiver and STARTTLS', function () {
  this.timeout(30_000);
  useTestDatabase();
  const running: InboundSmtp[] = [];
  after(async () => {
    for (const r of running) await r.stop();
  });

  it('upgrades to TLS when a certificate is configured', async () => {
    const { key, cert } = selfSignedCertificate();
    const config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_SMTP_PORT: '0', INBOUND_SMTP_TLS_KEY: key, INBOUND_SMTP_TLS_CERT: cert });
    const smtp = await startInboundSmtp({ config, pipeline: createInboundPipeline({ config, logger: silentLogger }), logger: silentLogger });
    running.push(smtp);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
    const info = await transport.sendMail({ envelope: { from: 'marie@example.be', to: ['support@relais.demo'] }, raw: message('Chiffre') });
    expect(info.response).to.match(/^250/);
    await smtp.idle();
    expect(await InboundMailModel.countDocuments({ subject: 'Chiffre' })).to.equal(1);
  });

  it('does not offer STARTTLS without a certificate (a client that requires it gives up)', async () => {
    const config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_SMTP_PORT: '0' });
    const smtp = await startInboundSmtp({ config, pipeline: createInboundPipeline({ config, logger: silentLogger }), logger: silentLogger });
    running.push(smtp);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: true });
    const error = await transport
      .sendMail({ envelope: { from: 'marie@example.be', to: ['support@relais.demo'] }, raw: message('Clair') })
      .catch((e: Error) => e);
    expect(error).to.be.instanceOf(Error);
    expect(String((error as Error).message)).to.match(/STARTTLS/i);
  });

  it('refuses a configuration with a key but no certificate, at start, with a readable message', () => {
    expect(() => testConfig({ INBOUND_SMTP_TLS_KEY: '/etc/relais/key.pem' })).to.throw(/INBOUND_SMTP_TLS_KEY and INBOUND_SMTP_TLS_CERT/);
  });
});
