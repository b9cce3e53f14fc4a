/**
 * Demo data for the embedded default (never in production): four offices, their
 * tier-1 teams, the support (tier 2) and administrative (tier 3) teams, staff
 * accounts, and about 200 tickets with realistic histories, made through the same
 * commands as the API so every ticket's history and explanation are real.
 * Idempotent: a marker document records that the seed ran.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mongoose, { type Types } from 'mongoose';
import { hashPassword } from '../auth/password.js';
import { toStaffActor, type StaffActor } from '../auth/actor.js';
import { CategoryModel, ReasonCodeModel } from '../catalog/category.model.js';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { MemberModel } from '../members/member.model.js';
import { OfficeModel } from '../offices/office.model.js';
import { RoutingRuleModel } from '../routing/routing-rule.model.js';
import { StaffModel, type StaffRole } from '../staff/staff.model.js';
import { TeamModel, type Tier } from '../teams/team.model.js';
import { TicketModel } from '../tickets/ticket.model.js';
import { defaultCalendar } from '../sla/calendar.js';
import { SlaCalendarModel } from '../sla/calendar.model.js';
import { clearSlaCache } from '../sla/engine.js';
import { ensureSlaReasonCode } from '../sla/actions.js';
import { SlaPolicyModel, defaultPolicies } from '../sla/policy.js';
import { playTicketStory } from './demo.stories.js';
import { demoCategories, demoMembers, demoReasonCodes, demoSavedReplies, demoTicketTemplates } from './demo.data.js';
import { SavedReplyModel } from '../replies/saved-reply.model.js';

export interface DemoAccount {
  email: string;
  description: string;
}

export interface DemoSeedResult {
  created: boolean;
  password: string;
  passwordGenerated: boolean;
  accounts: DemoAccount[];
  ticketCount: number;
}

// Place names as each language writes them (Charleroi is the same in all three).
const offices = [
  { code: 'liege', name: 'Liège', labels: { fr: 'Liège', nl: 'Luik', en: 'Liège' } },
  { code: 'charleroi', name: 'Charleroi', labels: { fr: 'Charleroi', nl: 'Charleroi', en: 'Charleroi' } },
  { code: 'mons', name: 'Mons', labels: { fr: 'Mons', nl: 'Bergen', en: 'Mons' } },
  { code: 'bruxelles', name: 'Bruxelles', labels: { fr: 'Bruxelles', nl: 'Brussel', en: 'Brussels' }, isDefault: true },
] as const;

interface StaffSeed {
  email: string;
  name: string;
  roles: StaffRole[];
  team: string | null;
  office: string | null;
  languages: string[];
  description: string;
  listed: boolean;
}

const staffSeeds: StaffSeed[] = [
  {
    email: 'conseiller.liege@relais.demo',
    name: 'Julie Lambert',
    roles: ['advisor'],
    team: 'conseil-liege',
    office: 'liege',
    languages: ['fr', 'en'],
    description: 'advisor, tier 1, Liège',
    listed: true,
  },
  {
    email: 'conseiller.charleroi@relais.demo',
    name: 'Karim Benali',
    roles: ['advisor'],
    team: 'conseil-charleroi',
    office: 'charleroi',
    languages: ['fr'],
    description: 'advisor, tier 1, Charleroi',
    listed: true,
  },
  {
    email: 'conseiller.mons@relais.demo',
    name: 'Sophie Delvaux',
    roles: ['advisor'],
    team: 'conseil-mons',
    office: 'mons',
    languages: ['fr'],
    description: 'advisor, tier 1, Mons',
    listed: true,
  },
  {
    email: 'conseiller.bruxelles@relais.demo',
    name: 'Pieter Janssens',
    roles: ['advisor'],
    team: 'conseil-bruxelles',
    office: 'bruxelles',
    languages: ['nl', 'fr', 'en'],
    description: 'advisor, tier 1, Bruxelles (NL/FR/EN)',
    listed: true,
  },
  {
    email: 'soutien@relais.demo',
    name: 'Amélie Renard',
    roles: ['support'],
    team: 'soutien',
    office: null,
    languages: ['fr', 'nl'],
    description: 'support team, tier 2',
    listed: true,
  },
  {
    email: 'administratif@relais.demo',
    name: 'Marc Dumont',
    roles: ['administrative'],
    team: 'administratif',
    office: null,
    languages: ['fr', 'nl'],
    description: 'administrative team, tier 3',
    listed: true,
  },
  {
    email: 'superviseur.liege@relais.demo',
    name: 'Isabelle Collard',
    roles: ['supervisor'],
    team: null,
    office: 'liege',
    languages: ['fr', 'nl'],
    description: 'supervisor, Liège',
    listed: true,
  },
  {
    email: 'admin@relais.demo',
    name: 'Thomas Lejeune',
    roles: ['administrator'],
    team: null,
    office: null,
    languages: ['fr', 'nl', 'en'],
    description: 'administrator',
    listed: true,
  },
  {
    email: 'nadia.liege@relais.demo',
    name: 'Nadia El Amrani',
    roles: ['advisor'],
    team: 'conseil-liege',
    office: 'liege',
    languages: ['fr'],
    description: 'advisor, tier 1, Liège',
    listed: false,
  },
  {
    email: 'luc.charleroi@relais.demo',
    name: 'Luc Maes',
    roles: ['advisor'],
    team: 'conseil-charleroi',
    office: 'charleroi',
    languages: ['fr', 'nl'],
    description: 'advisor, tier 1, Charleroi',
    listed: false,
  },
  {
    email: 'els.soutien@relais.demo',
    name: 'Els Peeters',
    roles: ['support'],
    team: 'soutien',
    office: null,
    languages: ['nl', 'fr'],
    description: 'support team, tier 2',
    listed: false,
  },
];

/** The demo password: DEMO_PASSWORD, or one generated once and kept in the data folder. */
function demoPassword(config: Config): { password: string; generated: boolean } {
  if (config.demoPassword) return { password: config.demoPassword, generated: false };
  const file = path.join(config.dataDir, 'demo-password.txt');
  if (existsSync(file)) return { password: readFileSync(file, 'utf8').trim(), generated: true };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(9).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, generated: true };
}

const markerId = 'demo_seed';

/** Seeds the demo data once; later calls only report what is there. */
export async function seedDemoData({ config, logger }: { config: Config; logger: Logger }): Promise<DemoSeedResult> {
  const { password, generated } = demoPassword(config);
  const accounts = staffSeeds.filter((s) => s.listed).map((s) => ({ email: s.email, description: s.description }));
  const meta = mongoose.connection.collection<{ _id: string; at: Date }>('meta');
  if (await meta.findOne({ _id: markerId })) {
    return { created: false, password, passwordGenerated: generated, accounts, ticketCount: await TicketModel.estimatedDocumentCount() };
  }
  logger.info('Seeding demo data (first start)…');

  const officeIds = new Map<string, Types.ObjectId>();
  for (const o of offices) officeIds.set(o.code, (await OfficeModel.create({ ...o, routingModel: 'tiered' }))._id);

  const teamIds = new Map<string, { id: Types.ObjectId; tier: Tier }>();
  const teamSeeds: { code: string; name: string; labels: { fr: string; nl: string; en: string }; tier: Tier; office: string | null }[] = [
    ...offices.map((o) => ({
      code: `conseil-${o.code}`,
      name: `Conseil ${o.name}`,
      labels: { fr: `Conseil ${o.labels.fr}`, nl: `Advies ${o.labels.nl}`, en: `Advice ${o.labels.en}` },
      tier: 1 as Tier,
      office: o.code,
    })),
    { code: 'soutien', name: 'Équipe de soutien', labels: { fr: 'Équipe de soutien', nl: 'Ondersteuningsteam', en: 'Support team' }, tier: 2, office: null },
    {
      code: 'administratif',
      name: 'Équipe administrative',
      labels: { fr: 'Équipe administrative', nl: 'Administratief team', en: 'Administrative team' },
      tier: 3,
      office: null,
    },
  ];
  for (const t of teamSeeds) {
    const team = await TeamModel.create({ code: t.code, name: t.name, labels: t.labels, tier: t.tier, office: t.office ? officeIds.get(t.office) : null });
    teamIds.set(t.code, { id: team._id, tier: t.tier });
  }

  const passwordHash = await hashPassword(password);
  const actors = new Map<string, StaffActor>();
  for (const s of staffSeeds) {
    const team = s.team ? teamIds.get(s.team) : undefined;
    const doc = await StaffModel.create({
      email: s.email,
      name: s.name,
      roles: s.roles,
      team: team?.id ?? null,
      office: s.office ? officeIds.get(s.office) : null,
      languages: s.languages as ('fr' | 'nl' | 'en' | 'de')[],
      passwordHash,
    });
    actors.set(s.email, toStaffActor(doc.toObject(), team?.tier ?? null));
  }

  await CategoryModel.insertMany(demoCategories.map((c) => ({ ...c })));
  // A few shared saved replies, so the reply box's picker (`::`) shows what it is for on first start.
  const author = [...actors.values()].find((a) => a.roles.includes('administrator')) ?? [...actors.values()][0];
  if (author)
    await SavedReplyModel.insertMany(
      demoSavedReplies.map((r) => ({
        title: r.title,
        titles: { ...r.titles },
        body: { ...r.body },
        scope: 'shared',
        owner: null,
        office: null,
        updatedBy: author.id,
      })),
    );
  await ReasonCodeModel.insertMany(demoReasonCodes.map((r) => ({ ...r, appliesTo: [...r.appliesTo] })));
  const bruxelles = teamIds.get('conseil-bruxelles');
  if (bruxelles) await RoutingRuleModel.create({ name: 'Boîte hulp@ → Bruxelles', order: 10, match: { mailbox: 'hulp@relais.demo' }, team: bruxelles.id });

  // SLA: the starting policies, a default calendar (Belgian holidays) and the reason code of
  // automatic escalations (offered in no dialog: only Relais uses it), before any ticket is played.
  await SlaPolicyModel.insertMany(defaultPolicies());
  const calendar = defaultCalendar();
  await SlaCalendarModel.create({
    office: null,
    name: calendar.name,
    labels: { fr: 'Belgique', nl: 'België', en: 'Belgium' },
    timeZone: calendar.timeZone,
    hours: calendar.hours,
    holidays: { country: 'BE' },
    closures: [],
  });
  await ensureSlaReasonCode();
  clearSlaCache();

  for (const m of demoMembers)
    await MemberModel.create({ name: m.name, email: m.email, memberNumber: m.memberNumber, language: m.language, office: officeIds.get(m.office) ?? null });

  // About 200 tickets over the last five weeks, each with a story through the tiers.
  const target = config.demoTickets;
  const now = Date.now();
  for (let i = 0; i < target; i += 1) {
    const template = demoTicketTemplates[i % demoTicketTemplates.length];
    if (!template) continue;
    // A member who writes in the template's language, varied across tickets.
    const pool = demoMembers.filter((m) => m.language === template.language);
    const member = pool.length > 0 ? pool[(i * 7) % pool.length] : demoMembers[i % demoMembers.length];
    if (!member) continue;
    const createdAt = new Date(now - ((target - i) / target) * 35 * 24 * 3600 * 1000 - (i % 9) * 3600 * 1000);
    await playTicketStory({
      index: i,
      total: target,
      template,
      member,
      createdAt,
      actors,
      officeCodeOf: (id) => [...officeIds].find(([, v]) => String(v) === String(id))?.[0] ?? 'bruxelles',
    });
  }

  await meta.insertOne({ _id: markerId, at: new Date() });
  const ticketCount = await TicketModel.estimatedDocumentCount();
  logger.info({ tickets: ticketCount }, 'demo data ready');
  return { created: true, password, passwordGenerated: generated, accounts, ticketCount };
}
