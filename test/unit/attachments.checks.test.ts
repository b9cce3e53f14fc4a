/**
 * Upload checks without I/O: display names, the 413/422 decisions with their structured
 * problems, size formatting and the attachment configuration.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkUploads, contentTypeHeader, uploadProblems } from '../../server/attachments/attachments.service.js';
import { displayName, sanitizeFilename } from '../../server/attachments/filenames.js';
import { formatSize } from '../../server/attachments/limits.js';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/config.problems.js';
import { AppError, PayloadTooLargeError, UnprocessableError } from '../../server/lib/errors.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'files');
const pdf = readFileSync(path.join(fixtures, 'sample.pdf'));
const png = readFileSync(path.join(fixtures, 'sample.png'));
const limits = { maxFiles: 3, maxBytes: 1000 };
const upload = (filename: string, bytes: Buffer) => ({ filename, bytes, declaredType: 'application/octet-stream' });

async function thrown(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  return expect.fail('expected a rejection');
}

describe('attachment display names', () => {
  it('keeps only the last path segment and drops control and direction characters', () => {
    expect(sanitizeFilename('C:\\Users\\claire\\Documents\\fiche.pdf')).to.equal('fiche.pdf');
    expect(sanitizeFilename('../../etc/passwd')).to.equal('passwd');
    expect(sanitizeFilename('facture\u202Efdp.exe')).to.equal('facturefdp.exe');
    expect(sanitizeFilename('a\u0000b\r\nc.txt')).to.equal('abc.txt');
    expect(sanitizeFilename('  .hidden.txt. ')).to.equal('hidden.txt');
    expect(sanitizeFilename('a<b>:"c"|?*.txt')).to.equal('a_b___c____.txt');
    expect(sanitizeFilename('CON.txt')).to.equal('_CON.txt');
    expect(sanitizeFilename('')).to.equal('attachment');
    expect(sanitizeFilename('///')).to.equal('attachment');
  });

  it('keeps non-ASCII names (NFC) and cuts long ones to 255 characters, extension included', () => {
    expect(sanitizeFilename('re\u0301sume\u0301 été.pdf')).to.equal('résumé été.pdf');
    const long = sanitizeFilename(`${'é'.repeat(300)}.pdf`);
    expect(long).to.have.length(255);
    expect(long.endsWith('.pdf')).to.equal(true);
    const emoji = sanitizeFilename(`${'😀'.repeat(200)}.txt`);
    expect(emoji.length).to.be.at.most(255);
    expect(emoji).not.to.match(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('gives the name the extension of the detected type', () => {
    expect(displayName('facture.exe', 'pdf')).to.equal('facture.exe.pdf');
    expect(displayName('scan', 'png')).to.equal('scan.png');
    expect(displayName('photo.JPEG', 'jpg', ['jpg', 'jpeg'])).to.equal('photo.JPEG');
    expect(displayName('notes.js', 'txt', ['txt'])).to.equal('notes.js.txt');
    expect(displayName(`${'a'.repeat(300)}.exe`, 'pdf'))
      .to.have.length(255)
      .and.match(/\.pdf$/);
  });
});

describe('upload checks (413 / 422)', () => {
  it('accepts allowed files, with the detected type, the storage key and a safe name', async () => {
    const checked = await checkUploads([upload('dossier/facture.exe', pdf), upload('photo', png)], [], limits);
    expect(checked.map((c) => [c.filename, c.contentType, c.extension])).to.deep.equal([
      ['facture.exe.pdf', 'application/pdf', 'pdf'],
      ['photo.png', 'image/png', 'png'],
    ]);
    expect(checked[0]?.sha256).to.equal(createHash('sha256').update(pdf).digest('hex'));
    expect(checked[0]?.bytes.equals(pdf)).to.equal(true);
  });

  it('answers 413 naming the file and the limit when a file was too large or one too many', async () => {
    const error = await thrown(
      checkUploads([upload('a.pdf', pdf)], [{ filename: 'énorme.pdf', reason: 'too_large' }], { maxFiles: 5, maxBytes: 10 * 1024 * 1024 }),
    );
    expect(error).to.be.instanceOf(PayloadTooLargeError);
    expect(error.status).to.equal(413);
    expect(error.code).to.equal('payload_too_large');
    expect(error.message).to.equal('"énorme.pdf" is larger than the limit of 10 MB per file.');
    expect(error.fields).to.deep.equal([{ path: 'attachments', message: error.message }]);
    expect(error.details).to.deep.equal({ problems: [{ file: 'énorme.pdf', problem: 'too_large', limit: 10 * 1024 * 1024 }] });

    const many = await thrown(checkUploads([upload('1.pdf', pdf)], [{ filename: '6.pdf', reason: 'too_many' }], limits));
    expect(many.status).to.equal(413);
    expect(many.message).to.contain('"6.pdf"').and.contain('at most 3 files');
  });

  it('enforces the limits itself for callers that did not parse with them (inbound email)', async () => {
    const { checked, problems } = await uploadProblems(
      [upload('a.pdf', pdf), upload('b.png', png), upload('c.pdf', pdf), upload('d.pdf', pdf), upload('big.pdf', Buffer.concat([pdf, Buffer.alloc(1000)]))],
      [],
      limits,
    );
    expect(checked.map((c) => c.filename)).to.deep.equal(['a.pdf', 'b.png', 'c.pdf']);
    expect(problems).to.deep.equal([
      { file: 'd.pdf', problem: 'too_many', limit: 3 },
      { file: 'big.pdf', problem: 'too_many', limit: 3 },
    ]);
    const sized = await uploadProblems([upload('big.pdf', Buffer.concat([pdf, Buffer.alloc(1000)]))], [], limits);
    expect(sized.problems).to.deep.equal([{ file: 'big.pdf', problem: 'too_large', limit: 1000 }]);
  });

  it('answers 422 naming the file and the allowed types for a refused type or an empty file', async () => {
    const error = await thrown(
      checkUploads([upload('ok.pdf', pdf), upload('page.html', Buffer.from('<html></html>')), upload('vide.txt', Buffer.alloc(0))], [], limits),
    );
    expect(error).to.be.instanceOf(UnprocessableError);
    expect(error.status).to.equal(422);
    expect(error.code).to.equal('unprocessable');
    expect(error.fields?.map((f) => f.message)).to.deep.equal([
      '"page.html" is not a type of file that can be attached. Allowed: PDF; images (PNG, JPEG, GIF, WebP, HEIC/HEIF, AVIF, TIFF); Word, Excel and PowerPoint (DOCX, XLSX, PPTX, DOC, XLS, PPT); OpenDocument (ODT, ODS, ODP); RTF; plain text and CSV; calendar invitations (ICS); archives (ZIP, 7z, RAR, gzip, bzip2, xz, tar).',
      '"vide.txt" is empty.',
    ]);
    expect(error.fields?.every((f) => f.path === 'attachments')).to.equal(true);
  });

  it('prefers 413 when some files are too large and others refused', async () => {
    const error = await thrown(checkUploads([upload('page.html', Buffer.from('<p>'))], [{ filename: 'big.pdf', reason: 'too_large' }], limits));
    expect(error.status).to.equal(413);
    expect(error.fields).to.have.length(2);
  });

  it('names refused files safely', async () => {
    const { problems } = await uploadProblems([upload('../x\u202E<b>.html', Buffer.from('<b>'))], [], limits);
    expect(problems).to.deep.equal([{ file: 'x_b_.html', problem: 'type_not_allowed' }]);
  });
});

describe('attachment limits and headers', () => {
  it('writes sizes as people read them', () => {
    expect(formatSize(10 * 1024 * 1024)).to.equal('10 MB');
    expect(formatSize(1.5 * 1024 * 1024)).to.equal('1.5 MB');
    expect(formatSize(2048)).to.equal('2 KB');
    expect(formatSize(1000)).to.equal('1000 bytes');
  });

  it('writes sizes in the page’s language: unit and decimal separator', () => {
    // Intl puts a narrow no-break space between number and unit in French: compare with plain spaces.
    const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
    expect(plain(formatSize(1.5 * 1024 * 1024, 'fr'))).to.equal('1,5 Mo');
    expect(plain(formatSize(2048, 'fr'))).to.equal('2 ko');
    expect(plain(formatSize(30, 'fr'))).to.equal('30 octets');
    expect(plain(formatSize(1.5 * 1024 * 1024, 'nl'))).to.equal('1,5 MB');
    expect(plain(formatSize(12.5 * 1024, 'nl'))).to.equal('12,5 kB');
    expect(plain(formatSize(1.5 * 1024 * 1024, 'en'))).to.equal('1.5 MB');
    expect(plain(formatSize(30, 'en'))).to.equal('30 bytes');
    // Dutch readers write "bytes" (CLDR says "193 byte").
    expect(plain(formatSize(193, 'nl'))).to.equal('193 bytes');
    expect(plain(formatSize(1, 'nl'))).to.equal('1 byte');
  });

  it('serves text as UTF-8 unless it carries its own charset', () => {
    expect(contentTypeHeader('text/plain')).to.equal('text/plain; charset=utf-8');
    expect(contentTypeHeader('text/csv; charset=windows-1252')).to.equal('text/csv; charset=windows-1252');
    expect(contentTypeHeader('application/pdf')).to.equal('application/pdf');
  });

  it('reads ATTACHMENT_MAX_FILES and ATTACHMENT_MAX_BYTES, with defaults 5 and 10 MiB', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-cfg-'));
    expect(loadConfig({ DATA_DIR: dataDir }).attachments).to.deep.equal({ maxFiles: 5, maxBytes: 10485760 });
    expect(loadConfig({ DATA_DIR: dataDir, ATTACHMENT_MAX_FILES: '2', ATTACHMENT_MAX_BYTES: '2048' }).attachments).to.deep.equal({
      maxFiles: 2,
      maxBytes: 2048,
    });
    expect(() => loadConfig({ DATA_DIR: dataDir, ATTACHMENT_MAX_FILES: '0', ATTACHMENT_MAX_BYTES: 'ten' }))
      .to.throw(ConfigError)
      .that.satisfies(
        (e: ConfigError) => e.problems.some((p) => p.startsWith('ATTACHMENT_MAX_FILES')) && e.problems.some((p) => p.startsWith('ATTACHMENT_MAX_BYTES')),
      );
  });
});
