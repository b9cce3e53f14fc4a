/**
 * Header repairs before mailparser (header-repair.ts) on the cases the corpus does not pin down.
 */
import { expect } from 'chai';
import { decodeUtf7, repairHeaderBlock } from '../../server/mail/inbound/header-repair.js';
import { parseRaw } from '../../server/mail/inbound/parse.js';

async function subjectOf(subject: Buffer | string): Promise<string> {
  const raw = Buffer.concat([Buffer.from('From: a@example.be\r\nSubject: '), Buffer.from(subject as never), Buffer.from('\r\n\r\nx\r\n')]);
  const result = await parseRaw(raw);
  if (!result.ok) throw new Error(result.detail);
  return result.mail.subject ?? '';
}

describe('header repairs', () => {
  it('decodes UTF-7, including "+-" and text right after a closed run', () => {
    expect(decodeUtf7('1 +- 1 = 2')).to.equal('1 + 1 = 2');
    expect(decodeUtf7('Hi Mom -+Jjo--!')).to.equal('Hi Mom -☺-!');
    expect(decodeUtf7('+ZeVnLIqe-')).to.equal('日本語');
  });

  it('decodes a B encoded word in UTF-7 too', async () => {
    expect(await subjectOf(`=?utf-7?B?${Buffer.from('Pr+AOk-avis').toString('base64')}?=`)).to.equal('Préavis');
  });

  it('reads raw UTF-8 inside a UTF-8 encoded word as before', async () => {
    expect(await subjectOf(Buffer.from('=?UTF-8?Q?Fr\u00f6sche?=', 'utf8'))).to.equal('Frösche');
  });

  it('leaves a clean header block as the very same buffer', () => {
    const block = Buffer.from('Subject: =?UTF-8?Q?caf=C3=A9?=\r\nX-A: b\r\n');
    const repairs: string[] = [];
    expect(repairHeaderBlock(block, false, repairs)).to.equal(block);
    expect(repairs).to.deep.equal([]);
  });

  it('does not touch quoted display names or comments while repairing addresses', async () => {
    const raw = Buffer.from('From: "A <x@y> B" <a . b @ example.be>\r\nSubject: s\r\n\r\nx\r\n');
    const result = await parseRaw(raw);
    if (!result.ok) throw new Error(result.detail);
    expect(result.mail.from?.value[0]).to.deep.include({ address: 'a.b@example.be', name: 'A <x@y> B' });
  });
});
