#!/usr/bin/env node
/**
 * The first step of `npm test`: make sure the real servers the tests start are on this machine.
 * The tests run their own instances on free loopback ports with their own configuration (never the
 * system services): Redis (Socket.io across instances), Dovecot (IMAP intake), Chromium (browser
 * tests through playwright-core), openssl (the SMTP STARTTLS test's certificate), and Go, which
 * builds the embedded database (FerretDB 1.24.2) on first use.
 *
 * Whatever is missing is installed from Debian's packages when this runs as root (or with
 * password-less sudo) on a Debian-like system; otherwise it says exactly what to install and stops.
 * Set RELAIS_SKIP_SERVER_INSTALL=1 to only check.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the tests need: how to find it, and the Debian package that brings it. */
const needs = [
  { what: 'Go (builds the embedded database)', found: () => onPath('go'), pkg: 'golang-go' },
  { what: 'redis-server', found: () => onPath('redis-server'), pkg: 'redis-server' },
  { what: 'Dovecot IMAP', found: () => existsSync('/usr/sbin/dovecot'), pkg: 'dovecot-imapd' },
  { what: 'Chromium', found: () => existsSync('/usr/bin/chromium'), pkg: 'chromium' },
  { what: 'openssl', found: () => onPath('openssl'), pkg: 'openssl' },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const missing = needs.filter((n) => !n.found());
if (missing.length === 0) process.exit(0);

const packages = missing.map((n) => n.pkg);
const list = missing.map((n) => `  - ${n.what} (Debian package ${n.pkg})`).join('\n');
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !root && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
const canInstall = process.env.RELAIS_SKIP_SERVER_INSTALL !== '1' && onPath('apt-get') && (root || sudo);

if (!canInstall) {
  console.error(
    `The tests start real servers that are not installed here:\n${list}\n\nInstall them, e.g.:\n  sudo apt-get install --no-install-recommends ${packages.join(' ')}\nthen run the tests again.`,
  );
  process.exit(1);
}

console.log(`Installing what the tests need from Debian: ${packages.join(', ')}`);
const run = (args) =>
  execFileSync(root ? args[0] : 'sudo', root ? args.slice(1) : ['-n', ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);

const still = needs.filter((n) => !n.found());
if (still.length > 0) {
  console.error(`Still missing after the install:\n${still.map((n) => `  - ${n.what}`).join('\n')}`);
  process.exit(1);
}
