/**
 * The MongoDB search adapter's writes, on the real (embedded) database: placements follow a move onto
 * the messages, a rebuild writes a new generation and drops the old one, an older version never
 * overwrites a newer one. Its queries need `$text`, which FerretDB lacks: they are checked as objects
 * (test/unit/search.mongo.test.ts) and untested against MongoDB here.
 */
import { expect } from 'chai';
import { SearchDocumentModel } from '../../server/search/search-document.model.js';
import type { TicketSearchDoc } from '../../server/search/search.engine.js';
import { mongoEngine } from '../../server/search/mongo.engine.js';
import { useTestDatabase } from '../helpers/db.js';

const ticket = (over: Partial<TicketSearchDoc> = {}): TicketSearchDoc => ({
  id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  v: 1,
  number: 'R-2026-000001',
  subject: 'Fiche de paie',
  name: 'Frédéric Dubois',
  email: 'f@example.be',
  memberNumber: '',
  category: '',
  lang: 'fr',
  tier: 1,
  office: 'liege',
  team: 'liege-t1',
  assignee: '',
  memberOffice: 'liege',
  workers: [],
  ...over,
});

describe('search: the MongoDB adapter’s writes (on the embedded database)', () => {
  useTestDatabase();

  it('puts the ticket’s placement on its messages, and moves them with it', async () => {
    const engine = mongoEngine();
    await engine.beginRebuild();
    await engine.commitRebuild();
    await engine.write({ tickets: [ticket()], messages: [{ id: 'm1', ticket: ticket().id, lang: 'fr', text: 'Bonjour', internal: false }] });
    const gen = (await SearchDocumentModel.findOne({ kind: 't' }).lean())?.gen;
    expect(await SearchDocumentModel.findById(`${gen}:m:${ticket().id}:m1`).lean()).to.include({ tier: 1, office: 'liege', assignee: 'none' });
    await engine.write({
      tickets: [ticket({ v: 2, tier: 2, office: 'liege', team: 'support', assignee: 'bbbbbbbbbbbbbbbbbbbbbbbb', workers: ['cccccccccccccccccccccccc'] })],
      messages: [],
    });
    const moved = await SearchDocumentModel.findById(`${gen}:m:${ticket().id}:m1`).lean();
    expect(moved).to.include({ tier: 2, team: 'support', assignee: 'bbbbbbbbbbbbbbbbbbbbbbbb', memberOffice: 'liege' });
    // Its followers follow too: the one who handed it on still finds its messages.
    expect(moved?.workers).to.deep.equal(['cccccccccccccccccccccccc']);
    // An older version (a rebuild's read racing a live write) does not win.
    await engine.write({ tickets: [ticket({ v: 1, subject: 'Ancien' })], messages: [] });
    expect(await SearchDocumentModel.findById(`${gen}:t:${ticket().id}`).lean()).to.include({ v: 2, subject: 'Fiche de paie' });
  });

  it('is never asked for near words: a text index has none (a search with a typing error finds nothing there)', async () => {
    const engine = mongoEngine();
    expect(engine.forgivesTypos).to.equal(false);
    expect(await engine.search('Frederik Duboiss', { limit: 20, internal: true, fuzzy: true })).to.deep.equal({ tickets: [], more: false });
  });

  it('rebuilds into a new generation, takes live writes in both meanwhile, and drops the old one', async () => {
    const engine = mongoEngine();
    await engine.beginRebuild();
    await engine.commitRebuild();
    await engine.write({ tickets: [ticket()], messages: [] });
    expect((await engine.health()).complete).to.equal(true);
    await engine.beginRebuild();
    expect((await engine.health()).building).to.equal(true);
    await engine.writeRebuild({ tickets: [ticket({ id: 'cccccccccccccccccccccccc' })], messages: [] });
    await engine.write({ tickets: [ticket({ v: 3, subject: 'Live' })], messages: [] });
    await engine.commitRebuild();
    const docs = await SearchDocumentModel.find({}).lean();
    expect(new Set(docs.map((d) => d.gen)).size).to.equal(1);
    expect(docs.map((d) => d.ticket).sort()).to.deep.equal([ticket().id, 'cccccccccccccccccccccccc']);
    expect(docs.find((d) => d.ticket === ticket().id)).to.include({ subject: 'Live', v: 3 });
    expect(await engine.health()).to.include({ complete: true, building: false, docs: 2 });
  });
});
