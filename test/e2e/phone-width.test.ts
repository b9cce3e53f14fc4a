/**
 * Every staff page on a small phone (360 px) in Dutch, the language with the longest words: no page
 * wider than the screen, and no word of a heading, a column header or a button broken across two
 * lines (a soft hyphen's break excepted). A sweep of this kind found the housekeeping table cutting
 * its task names letter by letter, a wide table widening the whole page through its hidden labels,
 * the queue's tabs at 464 px and "Standaardantwoord / en".
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';

const pages = {
  'conseiller.liege@relais.demo': ['/staff/queue', '/staff/history', '/staff/replies', '/staff/account', '/staff/new-ticket', '/staff/search?q=attestation'],
  'superviseur.liege@relais.demo': ['/staff/board', '/staff/reports', '/staff/reports/compare'],
  'admin@relais.demo': [
    '/staff/admin',
    '/staff/admin/audit',
    '/staff/admin/categories',
    '/staff/admin/offices',
    '/staff/admin/staff',
    '/staff/admin/calendars',
    '/staff/admin/housekeeping',
    '/staff/mail',
    '/staff/inbound',
  ],
} as const;

/** What is wrong with the page as shown: its width, and words cut across lines in headings, headers, labels and buttons. */
function faults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`page ${document.documentElement.scrollWidth} px wide`);
    for (const el of Array.from(document.querySelectorAll('h1, h2, h3, th, button, .btn, .topnav a, .views a'))) {
      if ((el as HTMLElement).offsetParent === null) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          if (m[0].includes('\u00ad') || m[0].includes('-')) continue; // a break there is a hyphenation
          const range = document.createRange();
          range.setStart(node, m.index ?? 0);
          range.setEnd(node, (m.index ?? 0) + m[0].length);
          const lines = new Set(
            Array.from(range.getClientRects())
              .filter((r) => r.width > 0)
              .map((r) => Math.round(r.top)),
          );
          if (lines.size > 1) out.push(`"${m[0]}" cut in ${el.tagName.toLowerCase()}`);
        }
      }
    }
    return out;
  });
}

describe('every staff page on a 360 px phone in Dutch', function () {
  this.timeout(180_000);
  const e2e = useE2eServer({ screenshots: 'phone-width', dataPrefix: 'relais-e2e-phone-width-', password, demoTickets: 40 });

  for (const [email, paths] of Object.entries(pages)) {
    it(`fits the screen, words whole: ${email.split('@')[0]}`, async () => {
      const session = await e2e.signIn(email, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'nl-BE' });
      try {
        const found: string[] = [];
        for (const path of paths) {
          await session.page.goto(`${e2e.base}${path}${path.includes('?') ? '&' : '?'}lang=nl`);
          for (const fault of await faults(session.page)) found.push(`${path}: ${fault}`);
        }
        expect(found).to.deep.equal([]);
      } finally {
        await session.context.close();
      }
    });
  }

  it('claiming on a phone brings the reply box into view without opening the keyboard, and offers no keyboard shortcut', async () => {
    const session = await e2e.signIn('conseiller.liege@relais.demo', {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'fr-BE',
    });
    try {
      const { page } = session;
      await page.goto(`${e2e.base}/staff/queue`);
      expect(await page.isVisible('.kbd-hint')).to.equal(false);
      // A request just filed by phone, free to take.
      const res = await fetch(`${e2e.base}/api/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await e2e.token('conseiller.liege@relais.demo')}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: 'Attestation pour la mutuelle',
          body: 'Le membre a appelé.',
          member: { name: 'Anne Collard', email: 'anne.collard@example.be' },
          office: 'liege',
        }),
      });
      const { ticket } = (await res.json()) as { ticket: { id: string } };
      await page.goto(`${e2e.base}/staff/tickets/${ticket.id}`);
      await page.waitForSelector('[data-action="claim"]');
      expect(await page.isVisible('#composer-kbd')).to.equal(false);
      await page.tap('[data-action="claim"]');
      await page.waitForSelector('[data-action="release"]');
      // Focus on the reply mode (in view), not the text box: the on-screen keyboard stays closed (QA on a phone).
      await page.waitForFunction(() => document.activeElement instanceof HTMLInputElement && document.activeElement.name === 'mode');
      expect(await page.evaluate(() => document.activeElement?.id ?? '')).to.not.equal('composer-text');
      const box = await page.locator('#composer input[name="mode"]:checked').boundingBox();
      expect(box?.y ?? -1).to.be.within(0, 844);
    } finally {
      await session.context.close();
    }
  });
});
