/**
 * The audit page (`/staff/admin/audit`) and its API (`GET /api/v1/admin/audit`): latest first, one
 * kind of record at a time, pages continued from a cursor (never a skip), who / when / action /
 * target and each changed field before → after, escaped.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { recordAudit } from '../../server/audit/audit.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { pageAgent } from '../helpers/page-agent.js';

describe('audit page and API', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
    const admin = org.staff.administrator;
    // 55 category changes a millisecond apart, then one calendar change with markup in its label.
    const base = Date.now() - 3_600_000;
    await AuditEntryModel.insertMany(
      Array.from({ length: 55 }, (_, i) => ({
        at: new Date(base + i),
        actor: admin.id,
        actorName: admin.name,
        action: 'category.update',
        target: { kind: 'category', id: `cat_${i}`, label: `Catégorie ${i}` },
        before: { order: i },
        after: { order: i + 1 },
      })),
    );
    await recordAudit(admin, {
      action: 'calendar.closure.add',
      target: { kind: 'calendar', id: 'x', label: '<script>alert(1)</script> Liège' },
      before: { closures: ['2026-12-24'] },
      after: { closures: ['2026-12-24', '2026-12-31'] },
    });
  });

  it('shows the latest first with who, the action, the target and before → after, escaped', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const res = await agent.get('/staff/admin/audit').expect(200);
    const rows = res.text.split('<tr class="audit-entry">').slice(1);
    expect(rows).to.have.length(50);
    expect(rows[0]).to.include('Fermeture ajoutée').and.include('Thomas Lejeune');
    expect(rows[0]).to.include('&lt;script&gt;alert(1)&lt;/script&gt; Liège').and.not.include('<script>alert');
    expect(rows[0]).to.include('<span class="audit-field">Fermetures</span>');
    expect(rows[0]).to.include('<del class="audit-before">24 déc. 2026</del>').and.include('<ins class="audit-after">24 déc. 2026, 31 déc. 2026</ins>');
    expect(rows[1]).to.include('Catégorie 54').and.include('<del class="audit-before">54</del>');
  });

  it('says each change in words: field names, the team an id names, yes/no, days by name; an unchanged field is left out', async () => {
    const admin = org.staff.administrator;
    await recordAudit(admin, {
      action: 'staff.update',
      target: { kind: 'staff', id: String(admin.id), label: 'Paul Hennaut' },
      before: { team: null, active: true, roles: ['advisor'], languages: ['fr'] },
      after: { team: String(org.teams.liege), active: false, roles: ['advisor', 'supervisor'], languages: ['fr'] },
    });
    await recordAudit(admin, {
      action: 'calendar.update',
      target: { kind: 'calendar', id: 'y', label: 'Belgique' },
      before: { hours: { 1: '09:00–17:00', 2: null } },
      after: { hours: { 1: '08:30–16:30', 2: null } },
    });
    const agent = await pageAgent(app, org.staff.administrator.email);
    const [calendar, staff] = (await agent.get('/staff/admin/audit').expect(200)).text.split('<tr class="audit-entry">').slice(1);
    expect(staff).to.include('<span class="audit-field">Équipe</span> <del class="audit-before">—</del>');
    expect(staff).to.match(/<ins class="audit-after">Conseil Liège<\/ins>/);
    expect(staff).to.include('<span class="audit-field">Actif</span> <del class="audit-before">oui</del>').and.include('<ins class="audit-after">non</ins>');
    expect(staff).to.include('<ins class="audit-after">Conseiller·e, Superviseur·e</ins>');
    expect(staff)
      .to.not.include('Langues')
      .and.not.match(/[0-9a-f]{24}/);
    expect(calendar).to.include('<span class="audit-field">Heures d’ouverture</span> <del class="audit-before">lun. : 09:00–17:00</del>');
  });

  it('says stored codes with the forms’ words: a person’s state, what a breach does, targets in hours, a category’s label; no id (QA)', async () => {
    const admin = org.staff.administrator;
    await recordAudit(admin, {
      action: 'staff.update',
      target: { kind: 'staff', id: String(admin.id), label: 'Léa Martin' },
      before: { status: 'invited' },
      after: { status: 'active' },
    });
    await recordAudit(admin, {
      action: 'sla_policy.create',
      target: { kind: 'sla_policy', id: 'p1', label: 'Factures' },
      before: null,
      after: {
        id: '6b1665daf1b8420cb48afbbd',
        targets: { firstResponseMinutes: 120, nextResponseMinutes: 90, resolutionMinutes: 45, acceptanceMinutes: { 1: 120, 2: 240 } },
        onBreach: { acceptance: 'none', resolution: 'alert_supervisors' },
        appliesTo: { categories: ['invoices'] },
      },
    });
    const agent = await pageAgent(app, org.staff.administrator.email);
    const [policy, staff] = (await agent.get('/staff/admin/audit').expect(200)).text.split('<tr class="audit-entry">').slice(1);
    expect(staff).to.include('<del class="audit-before">Invité</del>').and.include('<ins class="audit-after">Actif</ins>');
    expect(policy).to.include('Première réponse : 2 h').and.include('Réponse suivante : 1,5 h').and.include('Résolution : 45 min');
    expect(policy).to.include('Prise en charge : Rien').and.include('Alerter les superviseur·es');
    expect(policy).to.include('Catégories : Factures').and.not.include('invoices');
    expect(policy).not.to.include('Identifiant').and.not.to.include('6b1665daf1b8420cb48afbbd');
    const dutch = (await agent.get('/staff/admin/audit?lang=nl').expect(200)).text;
    expect(policy).to.include('niveau 1 : 2 h').and.include('niveau 2 : 4 h');
    expect(dutch).to.include('<ins class="audit-after">Actief</ins>').and.include('Facturen').and.include('Eerste antwoord: 2 u');
  });

  it('names what an entry is about as it is called now, in the page’s language; what is gone keeps the stored label (QA)', async () => {
    const admin = org.staff.administrator;
    await recordAudit(admin, { action: 'category.update', target: { kind: 'category', id: 'invoices', label: 'Factures' }, after: { active: true } });
    await recordAudit(admin, { action: 'team.update', target: { kind: 'team', id: String(org.teams.liege), label: 'Ancien nom' }, after: { active: true } });
    await recordAudit(admin, {
      action: 'category.update',
      target: { kind: 'category', id: 'retired-one', label: 'Ancienne catégorie' },
      after: { active: false },
    });
    try {
      const agent = await pageAgent(app, org.staff.administrator.email);
      const [gone, team, category] = (await agent.get('/staff/admin/audit?lang=nl').expect(200)).text.split('<tr class="audit-entry">').slice(1);
      expect(category).to.include('Facturen').and.not.include('Factures');
      expect(team).to.include('Conseil Liège').and.not.include('Ancien nom');
      expect(gone).to.include('Ancienne catégorie');
    } finally {
      // The other cases count and page this file's entries.
      await AuditEntryModel.deleteMany({
        'target.label': { $in: ['Factures', 'Ancien nom', 'Ancienne catégorie'] },
        action: { $in: ['category.update', 'team.update'] },
      });
    }
  });

  it('filters by kind and pages on from a cursor until the end', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const first = await agent.get('/staff/admin/audit?kind=category').expect(200);
    const firstRows = first.text.split('<tr class="audit-entry">').slice(1);
    expect(firstRows).to.have.length(50);
    expect(first.text).not.to.include('Fermeture ajoutée');
    const next = /href="([^"]+)" rel="next"/
      .exec(first.text)?.[1]
      ?.replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    expect(next).to.match(/^\/staff\/admin\/audit\?kind=category&before=/);
    const second = await agent.get(next ?? '').expect(200);
    const secondRows = second.text.split('<tr class="audit-entry">').slice(1);
    expect(secondRows.map((r) => /Catégorie (\d+)/.exec(r)?.[1])).to.deep.equal(['4', '3', '2', '1', '0']);
    expect(second.text).not.to.include('rel="next"');
    const calendar = await agent.get('/staff/admin/audit?kind=calendar').expect(200);
    expect(calendar.text.split('<tr class="audit-entry">')).to.have.length(1 + (await AuditEntryModel.countDocuments({ 'target.kind': 'calendar' })));
  });

  it('answers 400 to a malformed cursor or kind', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    await agent.get('/staff/admin/audit?before=yesterday').expect(400);
    await agent.get('/staff/admin/audit?kind=%24where').expect(400);
  });

  it('serves the same pages as JSON to administrators only', async () => {
    const token = await login(app, org.staff.administrator.email);
    const res = await request(app).get('/api/v1/admin/audit?kind=category').set('Authorization', `Bearer ${token}`).expect(200);
    const body = res.body as { entries: { action: string; actor: { name: string }; before: unknown }[]; next: string | null };
    expect(body.entries).to.have.length(50);
    expect(body.entries[0]).to.deep.include({ action: 'category.update', before: { order: 54 } });
    expect(body.entries[0]?.actor.name).to.equal('Thomas Lejeune');
    const rest = await request(app)
      .get(`/api/v1/admin/audit?kind=category&before=${encodeURIComponent(body.next ?? '')}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect((rest.body as { entries: unknown[]; next: null }).entries).to.have.length(5);
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app).get('/api/v1/admin/audit').set('Authorization', `Bearer ${supervisor}`).expect(403);
  });
});
