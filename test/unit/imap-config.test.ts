/**
 * IMAP_MAILBOXES: the JSON array of mailboxes read by the IMAP intake, taken apart into typed
 * mailboxes; every problem listed at once, and never with the password in it.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/config.problems.js';

function load(value: unknown) {
  return loadConfig({
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'relais-imap-config-')),
    IMAP_MAILBOXES: typeof value === 'string' ? value : JSON.stringify(value),
  });
}

function problems(value: unknown): string[] {
  try {
    load(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('IMAP_MAILBOXES configuration', function () {
  it('is an empty list when unset', function () {
    expect(loadConfig({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'relais-imap-config-')) }).imapMailboxes).to.deep.equal([]);
  });

  it('takes each URL apart, decodes user and password, and fills the defaults', function () {
    const [plain, tls] = load([
      { name: 'support', url: 'imap://support%40relais.test:p%40ss%3Aw%23rd@127.0.0.1:1143', team: 'SUPPORT', office: 'LIEGE' },
      {
        name: 'billing',
        url: 'imaps://billing@mail.example.org',
        password: 'from-the-field',
        folder: 'Factures',
        processedFolder: 'Factures/Traités',
        category: 'BILLING',
        pollSeconds: 30,
      },
    ]).imapMailboxes;
    expect(plain).to.deep.equal({
      name: 'support',
      host: '127.0.0.1',
      port: 1143,
      secure: false,
      user: 'support@relais.test',
      password: 'p@ss:w#rd',
      folder: 'INBOX',
      processedFolder: null,
      team: 'SUPPORT',
      category: undefined,
      office: 'LIEGE',
      pollSeconds: 60,
    });
    expect(tls).to.include({
      host: 'mail.example.org',
      port: 993,
      secure: true,
      user: 'billing',
      password: 'from-the-field',
      folder: 'Factures',
      processedFolder: 'Factures/Traités',
      category: 'BILLING',
      pollSeconds: 30,
    });
  });

  it('lets the password field win over the one in the URL', function () {
    const [mailbox] = load([{ name: 'a', url: 'imap://u:old@host', password: 'new' }]).imapMailboxes;
    expect(mailbox?.password).to.equal('new');
    expect(mailbox?.port).to.equal(143);
  });

  it('refuses text that is not a JSON array of mailboxes', function () {
    expect(problems('support@example.org')[0]).to.match(/^IMAP_MAILBOXES: must be a JSON array/);
    expect(problems({ name: 'a', url: 'imap://u:p@h' })[0]).to.match(/^IMAP_MAILBOXES: /);
  });

  it('lists every problem of every mailbox, without ever showing a password', function () {
    const list = problems([
      { name: 'a', url: 'http://u:secret-one@h' },
      { name: 'b', url: 'imap://u@h' },
      { name: 'b', url: 'imap://:secret-two@h' },
      { name: 'c', url: 'imap://u:secret-three@h', processedFolder: 'INBOX' },
      { name: 'd', url: 'imap://u:secret-four@h', pollSeconds: 0, pasword: 'typo' },
    ]);
    const text = list.join('\n');
    expect(text).to.match(/IMAP_MAILBOXES\.0\.url: must look like imap:/);
    expect(text).to.match(/IMAP_MAILBOXES\.4\.pollSeconds: /);
    expect(text).to.match(/IMAP_MAILBOXES\.4.*pasword/);
    expect(text).not.to.match(/secret-/);
  });

  it('checks what the schema cannot: user, password, unique names, a processed folder other than the watched one', function () {
    const text = problems([
      { name: 'b', url: 'imap://u@h' },
      { name: 'b', url: 'imap://:secret-two@h' },
      { name: 'c', url: 'imap://u:secret-three@h', processedFolder: 'INBOX' },
    ]).join('\n');
    expect(text).to.include('IMAP_MAILBOXES.0: needs a password');
    expect(text).to.include('IMAP_MAILBOXES.1.name: "b" names two mailboxes');
    expect(text).to.include('IMAP_MAILBOXES.1.url: needs a user name');
    expect(text).to.include('IMAP_MAILBOXES.2.processedFolder: must differ from folder');
    expect(text).not.to.match(/secret-/);
  });
});
