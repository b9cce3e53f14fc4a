/**
 * Runs every message of the inbound corpus (test/fixtures/mail/manifest.json) through parse,
 * classify and content, and checks every expectation except `outcome` (the pipeline's tests do).
 */
import { expect } from 'chai';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { authenticationVerdict, detectAutomatic, isFromOwnAddress, replyToAddress, senderAddress, threadRefs } from '../../server/mail/inbound/classify.js';
import { detectLanguage } from '../../server/mail/inbound/content.js';
import { messageContent } from '../../server/mail/inbound/message-content.js';
import { parseRaw } from '../../server/mail/inbound/parse.js';
import { corpusContext, corpusMessage, loadManifest, runtimeMessage } from '../fixtures/mail/manifest.js';

const manifest = loadManifest();

describe('inbound mail corpus', () => {
  it('has at least 65 messages covering every category and outcome', () => {
    expect(manifest.length).to.be.at.least(65);
    const categories = new Set(manifest.map((e) => e.category));
    for (const c of ['follow_up', 'new_ticket', 'charset', 'broken_mime', 'limits', 'auto_reply', 'bounce', 'machine', 'bulk', 'own', 'spoofed', 'dedup'])
      expect(categories).to.include(c);
    const outcomes = new Set(manifest.map((e) => e.expect.outcome));
    for (const o of ['new_ticket', 'follow_up', 'bounce', 'auto_reply', 'machine', 'ignored_own', 'duplicate', 'quarantine']) expect(outcomes).to.include(o);
  });

  for (const entry of manifest) {
    it(`${entry.file}: ${entry.description}`, async () => {
      const e = entry.expect;
      const result = await parseRaw(corpusMessage(entry));
      if (e.parse !== 'ok') {
        expect(result.ok, JSON.stringify(result.ok ? result.warnings : result)).to.equal(false);
        if (!result.ok) expect(result.reason).to.equal(e.parse);
        return;
      }
      if (!result.ok) expect.fail(`parse failed: ${result.reason} (${result.detail})`);
      const { mail, warnings } = result;
      for (const w of e.warnings ?? [])
        expect(
          warnings.some((x) => x.startsWith(w)),
          `warning ${w} in ${warnings.join(', ')}`,
        ).to.equal(true);
      if (e.subject !== undefined) expect(mail.subject ?? '').to.equal(e.subject);
      if (e.from !== undefined) expect(senderAddress(mail)?.address ?? null).to.equal(e.from);
      if (e.fromName !== undefined) expect(senderAddress(mail)?.name ?? null).to.equal(e.fromName);
      if (e.replyTo !== undefined) expect(replyToAddress(mail)?.address ?? null).to.equal(e.replyTo);
      expect(isFromOwnAddress(mail, corpusContext.ownAddresses)).to.equal(e.ownAddress ?? false);

      const automatic = detectAutomatic(mail);
      expect(automatic.kind, automatic.reason).to.equal(e.automatic ?? 'none');
      if (e.automaticReason) expect(automatic.reason.startsWith(e.automaticReason), automatic.reason).to.equal(true);
      if (e.bounce) {
        const { diagnosticIncludes, ...fields } = e.bounce;
        expect(automatic.bounce).to.include(fields);
        if (diagnosticIncludes) expect(automatic.bounce?.diagnostic ?? '').to.include(diagnosticIncludes);
      }

      const refs = threadRefs(mail, corpusContext);
      expect(refs.ticketNumbers).to.deep.equal(e.ticketNumbers ?? []);
      expect(refs.replyTokens).to.deep.equal(e.replyTokens ?? []);
      if (e.referencedTicketNumbers) expect(refs.referencedTicketNumbers).to.deep.equal(e.referencedTicketNumbers);
      if (e.ownOutboxIds) expect(refs.ownOutboxIds).to.deep.equal(e.ownOutboxIds);
      if (e.messageIds) expect(refs.messageIds).to.deep.equal(e.messageIds);
      if (e.dmarc !== undefined) expect(authenticationVerdict(mail, corpusContext.trustedAuthservIds).dmarc).to.equal(e.dmarc);

      const content = await messageContent(mail);
      if (content.fullText !== '') expect(content.text.trim()).to.not.equal('');
      for (const s of e.textIncludes ?? []) expect(content.text).to.include(s);
      for (const s of e.textExcludes ?? []) expect(content.text).to.not.include(s);
      if (e.textEmpty) expect(content.text).to.equal('');
      for (const s of e.quotedIncludes ?? []) expect(content.quoted ?? '').to.include(s);
      if (e.html === null) expect(content.html).to.equal(null);
      for (const s of e.htmlIncludes ?? []) expect(content.html ?? '').to.include(s);
      for (const s of e.htmlExcludes ?? []) expect(content.html ?? '').to.not.include(s);
      expect(content.inlineImages).to.deep.equal(e.inlineImages ?? []);
      expect(content.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, inline: a.inline }))).to.deep.equal(
        (e.attachments ?? []).map((a) => ({ inline: false, ...a })),
      );
      if (e.language !== undefined) expect(detectLanguage(content.text)).to.equal(e.language);
    });
  }

  it('refuses thousands of parts in a pre-scan, before the parser builds them (timings printed, not asserted)', async () => {
    const raw = runtimeMessage('many_parts');
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    let started = performance.now();
    const refused = await parseRaw(raw);
    const refusedMs = performance.now() - started;
    const refusedMax = delay.max / 1e6;
    delay.reset();
    started = performance.now();
    const parsed = await parseRaw(raw, { maxParts: 100_000 });
    const parsedMs = performance.now() - started;
    delay.disable();
    expect(refused.ok).to.equal(false);
    expect(parsed.ok).to.equal(true);
    console.log(
      `      5,000 parts (${raw.length} bytes): refused by the pre-scan in ${refusedMs.toFixed(1)} ms (longest event-loop block ${refusedMax.toFixed(1)} ms); ` +
        `fully parsed with the limit lifted in ${parsedMs.toFixed(0)} ms (longest block ${(delay.max / 1e6).toFixed(1)} ms)`,
    );
  });

  it('refuses a 30 MB message by its size without reading it (timing printed, not asserted)', async () => {
    const raw = runtimeMessage('huge');
    const started = performance.now();
    const result = await parseRaw(raw);
    expect(result).to.include({ ok: false, reason: 'too_large' });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const parsedStarted = performance.now();
    const parsed = await parseRaw(raw, { maxBytes: 64 * 1024 * 1024 });
    delay.disable();
    expect(parsed.ok).to.equal(true);
    console.log(
      `      30 MB: refused in ${(performance.now() - started - (performance.now() - parsedStarted)).toFixed(1)} ms; ` +
        `parsed with the limit lifted in ${(performance.now() - parsedStarted).toFixed(0)} ms, longest event-loop block ${(delay.max / 1e6).toFixed(1)} ms`,
    );
  });
});
