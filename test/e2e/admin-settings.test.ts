/**
 * The SLA policy page, the routing rules and the member mail texts in a real browser (server/index.ts
 * in its own process, demo data, Chromium): the administrator changes the normal policy's first
 * response and sees the recompute offered; creates a routing rule; sets an introduction for the
 * acknowledgement and sees it in the sandboxed preview, escaped; replaces its closing line; gives the
 * Dutch escalation notice an introduction and sees it previewed in Dutch. Accessibility checked with axe.
 * Screenshots: test-results/e2e/admin-settings/.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { runAxe, screenshot } from '../helpers/browser.js';
import { useE2eServer } from '../helpers/e2e.js';

const password = 'demo-password-123';
const serious = (found: Awaited<ReturnType<typeof runAxe>>) => found.filter((v) => v.impact === 'serious' || v.impact === 'critical');

describe('administration of policies, rules and mail texts in Chromium (real server, demo data)', function () {
  this.timeout(120_000);
  const e2e = useE2eServer({ screenshots: 'admin-settings', dataPrefix: 'relais-e2e-settings-', password, demoTickets: 5, publicUrl: true });
  let admin: Page | undefined;

  it('changes a policy and sees the preview and the recompute offer; creates a rule; previews a mail text', async () => {
    const context = await e2e.browser().newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-BE' });
    context.setDefaultTimeout(15_000);
    admin = await context.newPage();
    await admin.goto(`${e2e.base}/staff/login`);
    await admin.fill('#email', 'admin@relais.demo');
    await admin.fill('#password', password);
    await Promise.all([admin.waitForURL(/\/staff\/admin$/), admin.click('button[type=submit]')]);
    await admin.getByRole('link', { name: 'Politiques SLA' }).click();
    await admin.getByRole('link', { name: 'Priorité normale' }).click();
    await admin.getByLabel('Première réponse (h)').fill('2');
    await admin.locator('#policy-form button[type=submit]').click();
    await admin.locator('#recompute-button').waitFor();
    expect(await admin.locator('.preview-first-response').getAttribute('datetime')).to.match(/^\d{4}-/);
    await screenshot(admin, 'policy', true);
    expect(serious(await runAxe(admin))).to.deep.equal([]);

    await admin.goto(`${e2e.base}/staff/admin/routing`);
    await admin.locator('#rule-form input[name=name]').fill('Téléphone vers Liège');
    await admin.locator('#rule-form select[name=channel]').selectOption('phone');
    await admin.locator('#rule-form button[type=submit]').click();
    await admin.getByRole('link', { name: 'Téléphone vers Liège' }).waitFor();
    await screenshot(admin, 'routing', true);
    expect(serious(await runAxe(admin))).to.deep.equal([]);

    await admin.goto(`${e2e.base}/staff/admin/mail-settings/templates/ticket-acknowledgement/fr`);
    await admin.locator('textarea[name=intro]').fill('Nos bureaux sont fermés le 15 août. <script>alert(1)</script> Votre demande : {{ticketNumber}}');
    await admin.locator('#template-form button[type=submit]').click();
    await admin.locator('.notice-info').waitFor();
    const frame = admin.frameLocator('iframe.mail-html');
    await frame.locator('text=Nos bureaux sont fermés le 15 août.').waitFor();
    expect(await frame.locator('body').innerText()).to.include('<script>alert(1)</script> Votre demande : R-2026-000123');
    await screenshot(admin, 'template-preview', true);
    expect(serious(await runAxe(admin))).to.deep.equal([]);

    // The closing line of member mail, and a staff notification's introduction in Dutch.
    await admin.locator('textarea[name=closing]').fill('Au plaisir de vous lire,\nLa coopérative <b>Relais</b>');
    await admin.locator('#template-form button[type=submit]').click();
    await admin.locator('.notice-info').waitFor();
    await frame.locator('text=Au plaisir de vous lire,').waitFor();
    expect(await frame.locator('body').innerText())
      .to.include('La coopérative <b>Relais</b>')
      .and.not.include('Bien cordialement');
    await screenshot(admin, 'template-closing', true);
    // Captures leave the sandboxed frame blank in headless Chromium: its document, opened alone.
    const alone = await admin.context().newPage();
    await alone.goto(`${e2e.base}/staff/admin/mail-settings/templates/ticket-acknowledgement/fr/preview.html`);
    await screenshot(alone, 'template-closing-mail', true);
    await alone.close();
    await admin.goto(`${e2e.base}/staff/admin/mail-settings`);
    await admin.getByRole('heading', { name: 'Notifications à l’équipe' }).waitFor();
    await screenshot(admin, 'mail-texts-list', true);
    expect(serious(await runAxe(admin))).to.deep.equal([]);
    await admin.goto(`${e2e.base}/staff/admin/mail-settings/templates/staff-escalation/nl`);
    await admin.locator('textarea[name=intro]').fill('Graag vóór de middag behandelen ({{reasonLabel}}).');
    await admin.locator('#template-form button[type=submit]').click();
    await admin.locator('.notice-info').waitFor();
    const staffFrame = admin.frameLocator('iframe.mail-html');
    await staffFrame.locator('text=Graag vóór de middag behandelen (Looncorrectie).').waitFor();
    expect(await admin.locator('textarea[name=closing]').count()).to.equal(0);
    await screenshot(admin, 'staff-notice-nl', true);
    expect(serious(await runAxe(admin))).to.deep.equal([]);
  });
});
