/**
 * The members' data API (administrators only; every other role gets 403 before anything is read):
 *
 *   GET  /admin/members?q=                 the member an address, member number, ticket number or id names
 *   GET  /admin/members/:id                one member: record, tickets in brief, erasure
 *   GET  /admin/members/:id/export         everything about them as a ZIP (`internal=false` leaves internal notes out); audited
 *   POST /admin/members/:id/erase          erase them: `{ confirm: <their address>, reason }`; audited
 *   GET  /admin/retention                  the latest retention report (dry run, or its progress)
 *   POST /admin/retention/:id/confirm      confirm it: the housekeeping job erases its members; audited
 */
import { z } from 'zod';
import { requireActor } from '../auth/current.js';
import { administratorsOnly } from '../auth/administrator.js';
import type { Config } from '../config.js';
import { NotFoundError } from '../lib/errors.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { exportMember } from './member-export.js';
import { eraseMemberAsAdministrator, findMemberExactly, memberForAdmin } from './members-admin.js';
import { confirmRetentionReport, latestRetentionReport } from './retention.js';

const tag = 'Administration';
const access = { kind: 'staff', policy: 'administer' } as const;
const before = [administratorsOnly];
const byId = { params: z.strictObject({ id: z.string().max(64) }) };
const find = { query: z.strictObject({ q: z.string().trim().min(1).max(254) }) };
const exportQuery = { ...byId, query: z.strictObject({ internal: z.enum(['true', 'false']).optional() }) };
export const eraseBody = z.strictObject({
  confirm: z.string().trim().min(1).max(254),
  reason: z.string().trim().min(3).max(1000),
});
const erase = { ...byId, body: eraseBody };

export function privacyAdminRoutes(config: Config): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/admin/members',
      tag,
      summary: 'Find a member by address, member number, ticket number or id (administrators)',
      access,
      before,
      ...find,
      handler: async (req, res) => {
        res.json({ member: await findMemberExactly(requireActor(req), valid(req, find).query.q) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/members/:id',
      tag,
      summary: "A member's record, tickets in brief and erasure (administrators)",
      access,
      before,
      ...byId,
      handler: async (req, res) => {
        const member = await memberForAdmin(requireActor(req), valid(req, byId).params.id);
        if (!member) throw new NotFoundError('No such member.');
        res.json({ member });
      },
    }),
    route({
      method: 'get',
      path: '/admin/members/:id/export',
      tag,
      summary: 'Everything about a member as a ZIP of JSON and files (administrators; audited)',
      access,
      before,
      ...exportQuery,
      handler: async (req, res) => {
        const { params, query } = valid(req, exportQuery);
        const result = await exportMember(requireActor(req), params.id, {
          includeInternal: query.internal !== 'false',
          dataDir: config.dataDir,
          ip: req.ip,
          timeZone: config.timeZone,
          defaultLocale: config.defaultLocale,
        });
        res.set({ 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${result.filename}"`, 'Cache-Control': 'no-store' });
        result.archive.pipe(res);
      },
    }),
    route({
      method: 'post',
      path: '/admin/members/:id/erase',
      tag,
      summary: "Erase a member's personal data; the tickets' figures stay (administrators; audited)",
      access,
      before,
      ...erase,
      handler: async (req, res) => {
        const { params, body } = valid(req, erase);
        const erasure = await eraseMemberAsAdministrator(requireActor(req), params.id, { ...body, ip: req.ip }, { dataDir: config.dataDir });
        res.json({ erasure: { member: erasure._id, pseudonym: erasure.pseudonym, counts: erasure.counts, finishedAt: erasure.finishedAt } });
      },
    }),
    route({
      method: 'get',
      path: '/admin/retention',
      tag,
      summary: 'The latest retention report: who would be erased, or the progress of a confirmed one (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json({ years: config.retention.memberYears, report: await latestRetentionReport() });
      },
    }),
    route({
      method: 'post',
      path: '/admin/retention/:id/confirm',
      tag,
      summary: 'Confirm the latest retention report: its members are erased by the housekeeping job (administrators; audited)',
      access,
      before,
      ...byId,
      handler: async (req, res) => {
        const report = await confirmRetentionReport(requireActor(req), valid(req, byId).params.id, { ip: req.ip });
        res.json({ report: { id: String(report._id), state: report.state, members: report.members.length } });
      },
    }),
  ];
}
