/**
 * The inbound spool (server/mail/inbound/spool.ts), on real files: what a 250 waits for. Records
 * read back whole and in order, a torn or damaged tail ends the read; deliveries appended together
 * all reach the file; a file whose messages are all in the database is emptied, and removed at a
 * clean close, and replaced when a long stream grows it; a file left by a stop is taken over at the next start (never one a live process
 * writes), its messages admitted once and the file removed; an owner whose file was taken over
 * writes what it still holds to a new one.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { bytesOf, type InboundPending } from '../../server/mail/inbound/inbound.model.js';
import { createInboundSpool, decodeRecords, encodeRecord, orphanSpools, recoverSpools } from '../../server/mail/inbound/spool.js';
import { silentLogger } from '../helpers/config.js';

function pending(n: number): InboundPending {
  return {
    _id: `hash-${n}`,
    raw: Buffer.from(`Subject: question ${n}\r\n\r\nBonjour ${'é'.repeat(n)}`),
    source: 'smtp',
    mailbox: 'support@relais.demo',
    envelope: { from: `m${n}@example.be`, to: ['support@relais.demo'] },
    client: { ip: '127.0.0.1', helo: 'mx.example.be' },
    truncated: false,
    routing: { category: null, office: null },
    receivedAt: new Date(Date.UTC(2026, 11, 6, 9, 0, n)),
    plannedTicket: new Types.ObjectId(),
  };
}

const spoolFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.spool')).map((f) => path.join(dir, f));
const idsIn = async (file: string): Promise<string[]> => decodeRecords(await readFile(file)).records.map((r) => r._id);
const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_');

describe('inbound spool: the file a 250 waits for', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'relais-spool-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads records back whole and in order, bytes, ids and dates included; a torn or damaged tail ends the read', () => {
    const [a, b] = [pending(1), pending(2)];
    const both = Buffer.concat([encodeRecord(a), encodeRecord(b)]);
    const read = decodeRecords(both);
    expect(read.damagedAt).to.equal(null);
    expect(read.records.map((r) => r._id)).to.deep.equal(['hash-1', 'hash-2']);
    const back = read.records[1];
    if (!back) throw new Error('no second record');
    expect(String(back.plannedTicket)).to.equal(String(b.plannedTicket));
    expect(back.receivedAt.getTime()).to.equal(b.receivedAt.getTime());
    expect(bytesOf(back.raw as Buffer).toString()).to.equal((b.raw as Buffer).toString());

    const torn = both.subarray(0, both.length - 3);
    expect(decodeRecords(torn)).to.deep.include({ damagedAt: encodeRecord(a).length });
    expect(decodeRecords(torn).records).to.have.length(1);
    const damaged = Buffer.from(both);
    const at = encodeRecord(a).length + 20;
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0xff, at);
    expect(decodeRecords(damaged).records.map((r) => r._id)).to.deep.equal(['hash-1']);
  });

  it('writes deliveries appended together, empties the file once all are in the database, removes it at a clean close', async () => {
    const spool = createInboundSpool(dir, silentLogger);
    const many = Array.from({ length: 25 }, (_, i) => pending(i));
    await Promise.all(many.map((p) => spool.append(p)));
    const [file, ...others] = await spoolFiles(dir);
    if (!file) throw new Error('no spool file');
    expect(others).to.have.length(0);
    expect(await idsIn(file)).to.have.members(many.map((p) => p._id));
    for (const p of many.slice(0, 24)) await spool.release(p);
    expect((await stat(file)).size, 'one message is not in the database yet').to.be.above(0);
    await spool.release(many[24] as InboundPending);
    expect((await stat(file)).size).to.equal(0);
    await spool.append(pending(99));
    expect(await idsIn(file)).to.deep.equal(['hash-99']);
    await spool.release(pending(99)); // another delivery of those bytes: not this one
    expect(await idsIn(file)).to.deep.equal(['hash-99']);
    await spool.close();
    expect(await spoolFiles(dir), 'a file that holds a message stays for the next start').to.deep.equal([file]);
    const refused = await spool.append(pending(100)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(refused)).to.match(/closed/);

    const clean = createInboundSpool(path.join(dir, 'clean'), silentLogger);
    const one = pending(7);
    await clean.append(one);
    await clean.release(one);
    await clean.close();
    expect(await spoolFiles(path.join(dir, 'clean'))).to.deep.equal([]);
  });

  it('takes over a file its stopped writer left, admits each message once and removes it; never a live writer’s file', async () => {
    const left = createInboundSpool(dir, silentLogger);
    const [a, b] = [pending(1), pending(2)];
    await left.append(a);
    await left.append(b);
    const live = createInboundSpool(dir, silentLogger);
    await live.append(pending(3));
    await left.close(); // the stop: a and b were never admitted

    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const record = encodeRecord(pending(4));
    const file = (n: string) => path.join(dir, n);
    await writeFile(file(`${host}~${dead}~gone~1.spool`), record);
    await writeFile(file(`${host}~${process.ppid}~alive~1.spool`), record);
    await writeFile(file(`${host}~${process.ppid}~lapsed~1.spool`), record);
    await writeFile(file(`other-host~12~fresh~1.spool`), record);
    await writeFile(file(`other-host~13~stale~1.spool`), record);
    const old = new Date(Date.now() - 6 * 60_000);
    await utimes(file(`other-host~13~stale~1.spool`), old, old);
    await utimes(file(`${host}~${process.ppid}~lapsed~1.spool`), old, old); // a live pid whose lease ran out: a reused pid

    const orphans = (await orphanSpools(dir)).map((f) => path.basename(f));
    expect(orphans).to.have.length(4);
    for (const name of [`${host}~${dead}~gone~1.spool`, `other-host~13~stale~1.spool`, `${host}~${process.ppid}~lapsed~1.spool`])
      expect(orphans).to.include(name);
    expect(orphans.filter((f) => f.includes('alive') || f.includes('fresh'))).to.deep.equal([]);

    const admitted = await recoverSpools(dir, async (p) => p._id, silentLogger);
    expect(admitted.sort()).to.deep.equal(['hash-1', 'hash-2', 'hash-4', 'hash-4', 'hash-4']);
    expect(await recoverSpools(dir, async (p) => p._id, silentLogger)).to.deep.equal([]);
    const remaining = (await spoolFiles(dir)).map((f) => path.basename(f));
    expect(remaining).to.have.length(3); // the live spool's, the live process's, the fresh one of another host
    await live.close();
  });

  it('takes the messages the database accepts and keeps, in a file of their own, those it refuses', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(path.join(dir, `${host}~${dead}~x~1.spool`), Buffer.concat([1, 2, 3].map((n) => encodeRecord(pending(n)))));
    const refusing = async (p: InboundPending) => {
      if (p._id === 'hash-2') throw new Error('document refused');
      return p._id;
    };
    expect(await recoverSpools(dir, refusing, silentLogger)).to.deep.equal(['hash-1', 'hash-3']);
    const files = await spoolFiles(dir);
    expect(files).to.have.length(1);
    expect(await idsIn(files[0] as string)).to.deep.equal(['hash-2']);
    // Not open in this process: the next pass takes it.
    expect(await recoverSpools(dir, async (p) => p._id, silentLogger)).to.deep.equal(['hash-2']);
    expect(await spoolFiles(dir)).to.deep.equal([]);
  });

  it('keeps a file with a damaged record after taking the messages before it, renamed so it is not taken again', async () => {
    const good = encodeRecord(pending(1));
    const damaged = encodeRecord(pending(2));
    damaged.writeUInt8(damaged.readUInt8(30) ^ 0xff, 30);
    await writeFile(
      path.join(dir, `${host}~${spawnSync(process.execPath, ['-e', '']).pid}~x~1.spool`),
      Buffer.concat([good, damaged, encodeRecord(pending(3))]),
    );
    expect(await recoverSpools(dir, async (p) => p._id, silentLogger)).to.deep.equal(['hash-1']);
    const kept = (await readdir(dir)).filter((f) => f.endsWith('.damaged'));
    expect(kept).to.have.length(1);
    expect(await spoolFiles(dir)).to.deep.equal([]);
  });

  it('replaces a file grown past its size by one holding only what is not in the database yet', async () => {
    const spool = createInboundSpool(dir, silentLogger, { rotateBytes: 2_000 });
    const waiting = pending(1); // never admitted during the stream
    await spool.append(waiting);
    for (let i = 2; i < 40; i += 1) {
      const p = pending(i);
      await spool.append(p);
      await spool.release(p);
    }
    const files = await spoolFiles(dir);
    expect(files).to.have.length(1);
    expect((await stat(files[0] as string)).size).to.be.below(4_000);
    const ids = await idsIn(files[0] as string);
    expect(ids).to.include('hash-1');
    expect(ids.length).to.be.below(20);
    await spool.release(waiting);
    await spool.close();
    expect(await spoolFiles(dir)).to.deep.equal([]);
  });

  it('writes what it still holds to a new file when its file was taken over while it lived (renamed by a taker)', async () => {
    const spool = createInboundSpool(dir, silentLogger);
    const [a, b] = [pending(1), pending(2)];
    await spool.append(a);
    const [first] = await spoolFiles(dir);
    if (!first) throw new Error('no spool file');
    // A taker renames a file before reading it: the writer sees its name gone and writes again.
    renameSync(first, `${first}.claimed`);
    await spool.append(b);
    const [second, ...others] = await spoolFiles(dir);
    expect(others).to.have.length(0);
    expect(second).to.not.equal(first);
    expect(await idsIn(second as string)).to.deep.equal(['hash-1', 'hash-2']);
    await spool.release(a);
    await spool.release(b);
    await spool.close();
  });
});
