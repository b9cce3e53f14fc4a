/**
 * The TNEF reader (tnef.ts) on streams the corpus does not cover: damaged, truncated, not TNEF,
 * and bounded work on a large one.
 */
import { expect } from 'chai';
import { readTnef } from '../../server/mail/inbound/tnef.js';
import { tnefStream } from '../fixtures/mail/tnef-fixture.js';

const pdf = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');

describe('TNEF reader', () => {
  it('reads the files, their long names and the HTML body encapsulated in compressed RTF', () => {
    const content = readTnef(tnefStream('attestation de 2025.pdf', pdf));
    expect(content?.attachments.map((a) => [a.filename, a.bytes.toString('latin1')])).to.deep.equal([['attestation de 2025.pdf', pdf.toString('latin1')]]);
    expect(content?.html).to.include("<p>Bonjour, voici l'attestation demandée pour mon dossier de coopérateur.</p>");
  });

  it('gives null for what is not TNEF, and what it could read of a truncated stream, without throwing', () => {
    expect(readTnef(Buffer.from('not a tnef stream'))).to.equal(null);
    const full = tnefStream('a.pdf', pdf);
    for (let cut = 6; cut < full.length; cut += 7) expect(() => readTnef(full.subarray(0, cut))).to.not.throw();
    const corrupt = Buffer.from(full);
    for (let i = 20; i < corrupt.length; i += 13) corrupt[i] = 0xff;
    expect(() => readTnef(corrupt)).to.not.throw();
  });

  it('reads a 20 MB stream in linear time (node-tnef needed seconds for 3 MB)', () => {
    const big = tnefStream('scan.pdf', Buffer.alloc(20 * 1024 * 1024, 0x25));
    const started = performance.now();
    const content = readTnef(big);
    expect(content?.attachments[0]?.bytes.length).to.equal(20 * 1024 * 1024);
    expect(performance.now() - started).to.be.below(500);
  });
});
