/**
 * Mutation fuzzing of the inbound analysis: corpus messages truncated, corrupted, with headers
 * duplicated, bytes inserted, lines dropped or line ends changed. `parseRaw` must always return a
 * ParseResult (never throw), and classify/content must never throw on what it accepts. The event
 * loop's longest blocks during the run are measured and printed (never asserted), as are the times
 * of a few hostile messages built for the purpose.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { authenticationVerdict, detectAutomatic, isFromOwnAddress, replyToAddress, senderAddress, threadRefs } from '../../server/mail/inbound/classify.js';
import { detectLanguage } from '../../server/mail/inbound/content.js';
import { messageContent } from '../../server/mail/inbound/message-content.js';
import { parseRaw, type ParseResult } from '../../server/mail/inbound/parse.js';
import { corpusContext, corpusMessage, loadManifest } from '../fixtures/mail/manifest.js';

const NUM_RUNS = 400;
const corpus = loadManifest()
  .filter((e) => !e.runtime)
  .map(corpusMessage)
  .filter((raw) => raw.length > 0 && raw.length <= 64 * 1024);

/** Everything the pipeline will call on an accepted message. */
async function analyze(result: ParseResult): Promise<void> {
  expect(result).to.have.property('ok').that.is.a('boolean');
  if (!result.ok) {
    expect(result.reason).to.be.oneOf(['too_large', 'too_many_parts', 'headers_too_large', 'unparseable', 'timeout']);
    return;
  }
  const { mail } = result;
  detectAutomatic(mail, { mailFrom: '' });
  detectAutomatic(mail);
  isFromOwnAddress(mail, corpusContext.ownAddresses);
  threadRefs(mail, { ...corpusContext, envelopeRecipients: ['support+Abcdefgh12@relais.demo'] });
  senderAddress(mail);
  replyToAddress(mail);
  authenticationVerdict(mail, corpusContext.trustedAuthservIds);
  const content = await messageContent(mail);
  detectLanguage(content.text);
  if (content.fullText.trim() !== '') expect(content.text.trim()).to.not.equal('');
}

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'corrupt'; at: number; bytes: Uint8Array }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'insertText'; at: number; text: string }
  | { kind: 'duplicateHeader'; line: number; times: number }
  | { kind: 'dropLine'; line: number }
  | { kind: 'lineEnds'; to: '\n' | '\r' | '\r\r\n' };

const hostileSnippets = [
  '\r\n--',
  '\r\nContent-Type: multipart/mixed; boundary=""\r\n',
  '\r\nContent-Type: multipart/alternative; boundary="x"\r\n\r\n--x\r\n',
  '\r\nContent-Transfer-Encoding: base64\r\n',
  '\r\nContent-Transfer-Encoding: quoted-printable\r\n',
  'charset=utf-7',
  '=?UTF-8?B?',
  '=?x?Q?=FF=FE?=',
  '\u0000\u0000',
  '<'.repeat(200),
  '<html><body><div><div><div>',
  '\r\nContent-Type: message/rfc822\r\n\r\n',
  '\r\nContent-Type: multipart/report; report-type=delivery-status\r\n',
  '\r\nReferences: <a@b> <c@d> x@y\r\n',
  '\r\nAuto-Submitted: auto-replied\r\n',
  '\r\n\r\n',
  "filename*0*=utf-8''%E2%80; filename*1*=%93",
];

/** A relative position in the message; unbiased (fast-check otherwise favours 0 and 1, the two ends). */
const at = fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((n) => n / 1_000_000);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  at.map((a) => ({ kind: 'truncate' as const, at: a })),
  fc.record({ kind: fc.constant('corrupt' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('insertText' as const), at, text: fc.constantFrom(...hostileSnippets) }),
  fc.record({ kind: fc.constant('duplicateHeader' as const), line: fc.nat(40), times: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('dropLine' as const), line: fc.nat(200) }),
  fc.record({ kind: fc.constant('lineEnds' as const), to: fc.constantFrom('\n' as const, '\r' as const, '\r\r\n' as const) }),
);

function mutate(raw: Buffer, m: Mutation): Buffer {
  const position = (a: number): number => Math.floor(a * raw.length);
  switch (m.kind) {
    case 'truncate':
      return raw.subarray(0, position(m.at));
    case 'corrupt': {
      const copy = Buffer.from(raw);
      Buffer.from(m.bytes).copy(copy, Math.min(position(m.at), Math.max(copy.length - 1, 0)));
      return copy.subarray(0, raw.length);
    }
    case 'insert':
    case 'insertText': {
      const piece = m.kind === 'insert' ? Buffer.from(m.bytes) : Buffer.from(m.text, 'latin1');
      return Buffer.concat([raw.subarray(0, position(m.at)), piece, raw.subarray(position(m.at))]);
    }
    case 'duplicateHeader': {
      const text = raw.toString('latin1');
      const headerEnd = text.search(/\r?\n\r?\n/);
      const lines = (headerEnd === -1 ? text : text.slice(0, headerEnd)).split('\n');
      const line = lines[m.line % lines.length] ?? '';
      lines.splice(m.line % lines.length, 0, ...Array<string>(m.times).fill(line));
      return Buffer.from(lines.join('\n') + (headerEnd === -1 ? '' : text.slice(headerEnd)), 'latin1');
    }
    case 'dropLine': {
      const lines = raw.toString('latin1').split('\n');
      lines.splice(m.line % lines.length, 1);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 'lineEnds':
      return Buffer.from(raw.toString('latin1').replace(/\r?\n/g, m.to), 'latin1');
  }
}

function ms(histogram: IntervalHistogram, percentile?: number): string {
  return ((percentile === undefined ? histogram.max : histogram.percentile(percentile)) / 1e6).toFixed(1);
}

describe('inbound mail fuzzing', () => {
  it(`never throws on ${NUM_RUNS} mutated corpus messages (event-loop delay printed)`, async () => {
    expect(corpus.length).to.be.greaterThan(60);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const outcomes = new Map<string, number>();
    const started = performance.now();
    delay.enable();
    await fc.assert(
      fc.asyncProperty(fc.nat(corpus.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (index, mutations) => {
        const raw = mutations.reduce(mutate, corpus[index] ?? Buffer.alloc(0));
        const result = await parseRaw(raw, { timeoutMs: 5000 });
        const key = result.ok ? 'ok' : result.reason;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        await analyze(result);
      }),
      { numRuns: NUM_RUNS },
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    delay.disable();
    console.log(
      `      ${NUM_RUNS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s; results ${JSON.stringify(Object.fromEntries(outcomes))}; ` +
        `event-loop delay p50 ${ms(delay, 50)} ms, p99 ${ms(delay, 99)} ms, max ${ms(delay)} ms`,
    );
  });

  it('handles hostile messages built for the purpose (times and event-loop delay printed)', async () => {
    const head = (contentType: string, extra = ''): string =>
      `From: a@example.be\r\nTo: support@relais.demo\r\nSubject: x\r\nMessage-ID: <h@example.be>\r\n${extra}MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`;
    let nested = 'Content-Type: text/plain\r\n\r\nfond\r\n';
    for (let depth = 0; depth < 150; depth += 1)
      nested = `Content-Type: multipart/mixed; boundary="d${depth}"\r\n\r\n--d${depth}\r\n${nested}\r\n--d${depth}--\r\n`;
    const hostile: Record<string, Buffer> = {
      'multipart nested 150 deep': Buffer.from(`From: a@example.be\r\nSubject: x\r\nMIME-Version: 1.0\r\n${nested}`),
      '490 parts (just under the limit)': Buffer.from(
        head('multipart/mixed; boundary="p"') +
          Array.from({ length: 490 }, (_, i) => `--p\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('') +
          '--p--\r\n',
      ),
      '200 KB Subject line': Buffer.from(head('text/plain', `X-Long: ${'a'.repeat(200 * 1024)}\r\n`) + 'x\r\n'),
      'References with 20,000 ids': Buffer.from(
        head('text/plain', `References: ${Array.from({ length: 20_000 }, (_, i) => `<${i}@x>`).join(' ')}\r\n`) + 'x\r\n',
      ),
      'To with 5,000 token addresses': Buffer.from(
        head('text/plain', `To: ${Array.from({ length: 5000 }, (_, i) => `support+tok${i}abcdef@relais.demo`).join(', ')}\r\n`) + 'x\r\n',
      ),
      '3 MB of "<br" HTML without ">"': Buffer.from(head('text/html; charset=utf-8') + '<br'.repeat(1024 * 1024) + '\r\n'),
      '1 MB of nested <div> HTML': Buffer.from(head('text/html; charset=utf-8') + '<div>'.repeat(200_000) + 'fond\r\n'),
      '2 MB quoted-printable text': Buffer.from(
        head('text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable\r\n') + '=C3=A9t=C3=A9 '.repeat(150_000) + '\r\n',
      ),
      '4 MB single line of text': Buffer.from(head('text/plain; charset=utf-8') + 'On '.repeat(1_400_000) + '\r\n'),
    };
    const report: string[] = [];
    for (const [name, raw] of Object.entries(hostile)) {
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const started = performance.now();
      const result = await parseRaw(raw);
      await analyze(result);
      const elapsed = performance.now() - started;
      // Let the sampling timer fire once more, so a block at the very end (analyze) is counted.
      await new Promise((resolve) => setTimeout(resolve, 5));
      delay.disable();
      report.push(`${name}: ${result.ok ? 'ok' : result.reason} in ${elapsed.toFixed(0)} ms, longest block ${ms(delay)} ms`);
    }
    console.log(`      ${report.join('\n      ')}`);
  });
});
