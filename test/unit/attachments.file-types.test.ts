/**
 * The attachment allow-list, decided by content: real small samples of each allowed type
 * (test/fixtures/files, written by make-fixtures.py there) and disguised refusals.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { detectFileType } from '../../server/attachments/file-types.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'files');
const sample = (name: string): Buffer => readFileSync(path.join(fixtures, name));

async function accepted(bytes: Buffer, name: string): Promise<{ contentType: string; extension: string }> {
  const result = await detectFileType(bytes, name);
  if (!result.ok) expect.fail(`${name} was refused: ${result.reason}`);
  return { contentType: result.contentType, extension: result.extension };
}

async function refusal(bytes: Buffer, name: string): Promise<string> {
  const result = await detectFileType(bytes, name);
  if (result.ok) expect.fail(`${name} was accepted as ${result.contentType}`);
  return result.reason;
}

describe('attachment file types (by content)', () => {
  const allowed: [string, string, string][] = [
    ['sample.pdf', 'application/pdf', 'pdf'],
    ['sample.png', 'image/png', 'png'],
    ['sample.jpg', 'image/jpeg', 'jpg'],
    ['sample.gif', 'image/gif', 'gif'],
    ['sample.webp', 'image/webp', 'webp'],
    ['sample.heic', 'image/heic', 'heic'],
    ['sample.tif', 'image/tiff', 'tif'],
    ['sample.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
    ['sample.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
    ['sample.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'pptx'],
    ['sample.odt', 'application/vnd.oasis.opendocument.text', 'odt'],
    ['sample.ods', 'application/vnd.oasis.opendocument.spreadsheet', 'ods'],
    ['sample.doc', 'application/msword', 'doc'],
    ['sample.xls', 'application/vnd.ms-excel', 'xls'],
    ['sample.rtf', 'application/rtf', 'rtf'],
    ['sample.txt', 'text/plain', 'txt'],
    ['sample.csv', 'text/csv', 'csv'],
  ];
  for (const [file, contentType, extension] of allowed) {
    it(`accepts ${file} as ${contentType}`, async () => {
      expect(await accepted(sample(file), file)).to.deep.equal({ contentType, extension });
    });
  }

  it('decides by content, not by name: a PDF named .exe or without a name is a PDF', async () => {
    expect(await accepted(sample('sample.pdf'), 'facture.exe')).to.deep.equal({ contentType: 'application/pdf', extension: 'pdf' });
    expect(await accepted(sample('sample.png'), '')).to.deep.equal({ contentType: 'image/png', extension: 'png' });
    expect(await accepted(sample('sample.docx'), 'contrat.pdf')).to.include({ extension: 'docx' });
  });

  it('refuses an executable renamed .pdf', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
    expect(await refusal(exe, 'facture.pdf')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...Buffer.alloc(56)]), 'photo.jpg')).to.equal('type_not_allowed');
  });

  it('refuses HTML, SVG and XML whatever their name, even after a byte-order mark or white space', async () => {
    expect(await refusal(Buffer.from('<!doctype html><script>alert(1)</script>'), 'notes.txt')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'photo.png')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), 'scan.png')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from('\uFEFF \r\n\t<html><body>hi</body></html>'), 'lettre.csv')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from('\u200B<script>alert(1)</script>'), 'a.txt')).to.equal('type_not_allowed');
  });

  it('accepts compressed archives as what they are (stored, never unpacked), whatever their name', async () => {
    expect(await accepted(sample('archive.zip'), 'documents.zip')).to.deep.equal({ contentType: 'application/zip', extension: 'zip' });
    expect(await accepted(sample('archive.zip'), 'documents.docx')).to.deep.equal({ contentType: 'application/zip', extension: 'zip' });
    expect(await accepted(gzipSync(Buffer.from('relevé')), 'releve.txt.gz')).to.deep.equal({ contentType: 'application/gzip', extension: 'gz' });
    const sevenZip = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]), Buffer.alloc(24)]);
    expect(await accepted(sevenZip, 'photos.7z')).to.deep.equal({ contentType: 'application/x-7z-compressed', extension: '7z' });
  });

  it('accepts a calendar invitation (iCalendar) by its content', async () => {
    const ics = Buffer.from('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Réunion\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
    expect(await accepted(ics, 'invite.ics')).to.deep.equal({ contentType: 'text/calendar', extension: 'ics' });
    expect(await accepted(ics, 'invite')).to.deep.equal({ contentType: 'text/calendar', extension: 'ics' });
  });

  it('refuses macro-enabled Office files and compound files that are not Office documents', async () => {
    expect(await refusal(sample('macros.docm'), 'contrat.docx')).to.equal('type_not_allowed');
    expect(await refusal(sample('installer.msi'), 'contrat.doc')).to.equal('type_not_allowed');
  });

  it('refuses binary data that is not text: NUL bytes, control characters, UTF-16', async () => {
    expect(await refusal(Buffer.from('abc\0def'), 'a.txt')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from('abc\x1b[31mred'), 'a.txt')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from('\uFEFFhello', 'utf16le'), 'a.txt')).to.equal('type_not_allowed');
    expect(await refusal(Buffer.from([0xc2, 0x85, 0x41]), 'a.txt')).to.equal('type_not_allowed'); // UTF-8 for the C1 control NEL
  });

  it('accepts Windows-1252 text and says so in its type', async () => {
    expect(await accepted(sample('windows-1252.txt'), 'export.txt')).to.deep.equal({ contentType: 'text/plain; charset=windows-1252', extension: 'txt' });
    expect(await accepted(sample('windows-1252.txt'), 'export.CSV')).to.deep.equal({ contentType: 'text/csv; charset=windows-1252', extension: 'csv' });
  });

  it('takes text as plain text whatever other extension it has (a script is never served as a script)', async () => {
    expect(await accepted(Buffer.from('alert(document.cookie)\n'), 'notes.js')).to.deep.equal({ contentType: 'text/plain', extension: 'txt' });
  });

  it('reports an empty file as empty', async () => {
    expect(await refusal(Buffer.alloc(0), 'vide.pdf')).to.equal('empty');
  });

  it('never throws on random bytes', async () => {
    for (let i = 0; i < 200; i += 1) {
      const bytes = Buffer.from(Array.from({ length: (i * 37) % 700 }, (_, j) => (i * 131 + j * 17) % 256));
      const result = await detectFileType(bytes, `f${i}.bin`);
      expect(result.ok === true || result.ok === false).to.equal(true);
    }
    // Truncated containers: the first bytes of a real ZIP-based and compound document.
    for (const file of ['sample.docx', 'sample.odt', 'sample.doc']) {
      const bytes = sample(file);
      for (const cut of [4, 30, 100, 513, bytes.length - 1]) await detectFileType(bytes.subarray(0, cut), file);
    }
  });
});
