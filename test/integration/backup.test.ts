/**
 * Backup and restore on the embedded default (server/ops/backup.ts): a data folder of its own with
 * its own FerretDB, the demo data and a ticket with a file; a backup (.tar.gz) taken while tickets
 * are being created; a restore into a fresh folder, opened by a second FerretDB: the tickets, a
 * ticket's messages and the file's bytes are there. Restore refuses a folder whose database runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose, { type Types } from 'mongoose';
import { AttachmentModel } from '../../server/attachments/attachment.model.js';
import { attachmentStorage, storageKey } from '../../server/attachments/storage.js';
import { systemActor } from '../../server/auth/actor.js';
import { connectDatabase, ensureIndexes } from '../../server/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { seedDemoData } from '../../server/demo/demo.seed.js';
import { EscalationModel } from '../../server/tickets/escalation.model.js';
import '../../server/models.js';
import { backupDataDir, BackupError, restoreDataDir } from '../../server/ops/backup.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { createTicket } from '../../server/tickets/ticket.create.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { resetOfficeModels } from '../../server/routing/office-models.js';
import { clearRoutingCache } from '../../server/routing/routing.service.js';
import { resetTicketNumberCache } from '../../server/tickets/ticket-number.js';
import { resetTicketKeyCaches } from '../../server/tickets/ticket.keys.js';
import { clearEscalationCache } from '../../server/tickets/ticket.queries.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { silentLogger, testConfig } from '../helpers/config.js';

describe('backup and restore of the embedded data folder', function () {
  this.timeout(300_000);
  let root = '';
  let db: EmbeddedDatabase | null = null;
  let restoredDb: EmbeddedDatabase | null = null;

  before(async () => {
    // The other test files' connection (if any) is theirs: this file uses databases of its own.
    await mongoose.disconnect();
    // The caches of a database another file used (as useTestDatabase does for its own).
    resetTicketNumberCache();
    resetTicketKeyCaches();
    workingSet.reset();
    clearEscalationCache();
    clearRoutingCache();
    resetOfficeModels();
    root = await mkdtemp(path.join(os.tmpdir(), 'relais-backup-'));
  });

  after(async () => {
    await mongoose.disconnect();
    await db?.stop();
    await restoredDb?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('round-trips the demo data, taken while tickets are being created', async () => {
    const config = testConfig({ DATA_DIR: path.join(root, 'data') });
    db = await startEmbeddedDatabase({ toolsDir: config.toolsDir, dataDir: path.join(config.dataDir, 'db'), startTimeoutMs: 60_000 });
    await connectDatabase(db.uri, 'relais');
    await ensureIndexes();
    await seedDemoData({ config, logger: silentLogger });
    // The demo's handoffs read like real ones: varied, and tier 2's says what is left instead of repeating tier 1's.
    const escalations = await EscalationModel.find({}, { ticket: 1, toTier: 1, handoff: 1 }).lean();
    const handoffs = escalations.map((e) => e.handoff);
    expect(new Set(handoffs).size).to.be.at.least(handoffs.length * 0.6);
    const toSupport = new Map(escalations.filter((e) => e.toTier === 2).map((e) => [String(e.ticket), e.handoff]));
    const toAdmin = escalations.filter((e) => e.toTier === 3);
    expect(toAdmin).to.have.length.greaterThan(0);
    for (const e of toAdmin) expect(e.handoff).to.not.equal(toSupport.get(String(e.ticket)));

    const bytes = Buffer.from('%PDF-1.4 a payslip, for the backup test\n');
    const sha256 = storageKey(bytes);
    await attachmentStorage(config).put(sha256, bytes);
    const attachment = await AttachmentModel.create({
      filename: 'fiche.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
      sha256,
      uploadedBy: { kind: 'member', staff: null, member: null },
      source: 'web',
    });
    const filed = (n: number, attachments: Types.ObjectId[] = []) =>
      createTicket({
        actor: systemActor,
        subject: `Backup ${n}`,
        body: `Question ${n} posée pendant la sauvegarde.`,
        member: { name: 'Claire Martin', email: 'claire.martin@example.be' },
        channel: 'web',
        attachments,
        acknowledge: false,
      });
    const withFile = await filed(0, [attachment._id]);
    const messagesOf = async (ticket: Types.ObjectId) =>
      (await MessageModel.find({ ticket }).sort({ _id: 1 }).lean()).map((m) => ({ id: String(m._id), text: m.text }));
    const messagesBefore = await messagesOf(withFile._id);
    const countBefore = await TicketModel.countDocuments({});
    expect(countBefore).to.be.above(10);

    // Tickets keep being created until the backup is written.
    const target = path.join(root, 'backup.tar.gz');
    let done = false;
    let created = 0;
    const writer = (async () => {
      while (!done) await filed(++created);
    })();
    const manifest = await backupDataDir({ dataDir: config.dataDir, toolsDir: config.toolsDir, target }).finally(() => {
      done = true;
    });
    await writer;
    const countAfter = await TicketModel.countDocuments({});
    expect(countAfter).to.be.above(countBefore);
    expect(manifest.databases).to.include('relais.sqlite');
    expect(manifest.files.attachments).to.be.at.least(1);

    // Restoring onto the folder whose database runs is refused; nothing there changes.
    const refused = await restoreDataDir({ dataDir: config.dataDir, backup: target }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(BackupError);
    expect(String((refused as Error).message)).to.match(/stop Relais/);

    const fresh = path.join(root, 'restored');
    const restored = await restoreDataDir({ dataDir: fresh, backup: target });
    expect(restored.previous).to.equal(null);
    await mongoose.disconnect();
    restoredDb = await startEmbeddedDatabase({ toolsDir: config.toolsDir, dataDir: path.join(fresh, 'db'), startTimeoutMs: 60_000 });
    await connectDatabase(restoredDb.uri, 'relais');

    const count = await TicketModel.countDocuments({});
    expect(count).to.be.at.least(countBefore).and.at.most(countAfter);
    expect(await messagesOf(withFile._id)).to.deep.equal(messagesBefore);
    const file = await AttachmentModel.findById(attachment._id).lean();
    expect(String(file?.ticket)).to.equal(String(withFile._id));
    expect((await attachmentStorage({ dataDir: fresh }).read(sha256)).equals(bytes)).to.equal(true);
    // Every ticket the copy holds is whole: its first message is there too.
    const tickets = await TicketModel.find({}, { _id: 1 }).lean();
    const withMessages = new Set((await MessageModel.find({}, { ticket: 1 }).lean()).map((m) => String(m.ticket)));
    expect(tickets.filter((t) => !withMessages.has(String(t._id)))).to.deep.equal([]);
  });
});
