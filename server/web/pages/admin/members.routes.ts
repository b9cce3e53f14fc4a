/**
 * `/staff/admin/members`: the members' data (GDPR), administrators only. Plain forms with the page's
 * CSRF token; every action goes through privacy/, as the API does.
 *
 *   GET  /staff/admin/members?q=                 find a member (address, member number, ticket number,
 *                                                else a name through the search index); the retention
 *                                                report; the latest erasures
 *   GET  /staff/admin/members/:id                the member: record, tickets, Export and Erase
 *   GET  /staff/admin/members/:id/export         the ZIP (`internal=0`: without internal notes)
 *   POST /staff/admin/members/:id/erase          erase (typed address + reason)
 *   POST /staff/admin/members/retention/:id/confirm   confirm the retention report
 */
import { shownErasedText, shownMemberName } from '../member-name.js';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../../config.js';
import { eraseBody } from '../../../privacy/privacy-admin.routes.js';
import { exportMember } from '../../../privacy/member-export.js';
import { latestErasures } from '../../../privacy/member-erasure.js';
import { eraseMemberAsAdministrator, findMemberExactly, memberForAdmin, membersOfTickets, type MemberCardView } from '../../../privacy/members-admin.js';
import { confirmRetentionReport, latestRetentionReport } from '../../../privacy/retention.js';
import { searchIndexer } from '../../../search/search.service.js';
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError } from '../../../lib/errors.js';
import { createFormatter } from '../format.js';
import { adminPath, pageActor, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage, doneNotice, formField, refusal, type FieldErrors } from './admin-page.js';

export const membersPath = `${adminPath}/members`;
const doneKeys = ['erased', 'confirmed'];
const idPattern = /^[0-9a-f]{24}$/;

/** Members whose name (or words of it) the search index knows: engine hits, without the staff policy (administrators only see who, not the tickets). */
async function membersByName(req: Request, q: string): Promise<MemberCardView[]> {
  const indexer = searchIndexer();
  if (!indexer) return [];
  const hits = await indexer.engine.search(q, { limit: 40, internal: false }).catch(() => null);
  return hits
    ? membersOfTickets(
        pageActor(req),
        hits.tickets.map((h) => h.id),
      )
    : [];
}

export function memberAdminPages(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  const guard = [requirePageActor, administratorPage(tools)];

  router.get(membersPath, ...guard, async (req, res) => {
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 254) : '';
    let results: MemberCardView[] | null = null;
    if (q) {
      const exact = await findMemberExactly(pageActor(req), q);
      if (exact) return res.redirect(303, `${membersPath}/${exact.id}`);
      results = await membersByName(req, q);
    }
    const [report, erasures] = await Promise.all([latestRetentionReport(), latestErasures(10)]);
    await renderStaffPage(req, res, tools, 'staff-admin-members', 'admin', {
      title: t('membersAdmin.title'),
      notice: doneNotice(req, t, 'membersAdmin.done', doneKeys),
      q,
      results: results?.map((m) => ({ ...m, href: `${membersPath}/${m.id}` })) ?? null,
      retention: {
        years: config.retention.memberYears,
        on: config.retention.memberYears > 0,
        report: report
          ? {
              id: String(report._id),
              at: fmt.dateTime(report.createdAt),
              cutoff: fmt.dateTime(report.cutoff),
              pending: report.state === 'pending',
              state: t(`membersAdmin.retention.state.${report.state}`),
              more: report.more,
              members: report.members.map((m) => ({ ...m, lastActive: fmt.dateTime(m.lastActiveAt), href: `${membersPath}/${m.id}` })),
              action: `${membersPath}/retention/${String(report._id)}/confirm`,
            }
          : null,
      },
      erasures: erasures.map((e) => ({
        pseudonym: shownMemberName(e.pseudonym, t),
        href: `${membersPath}/${e._id}`,
        at: fmt.dateTime(e.startedAt),
        by: e.by.name,
        source: t(`membersAdmin.source.${e.source}`),
        done: !!e.finishedAt,
        counts: e.counts,
      })),
    });
  });

  async function showMember(req: Request, res: Response, id: string, props: { status?: number; error?: string; invalid?: FieldErrors; reason?: string } = {}) {
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const member = idPattern.test(id) ? await memberForAdmin(pageActor(req), id) : null;
    if (!member) {
      await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('membersAdmin.title'), text: t('admin.errors.not_found') }, 404);
      return;
    }
    await renderStaffPage(
      req,
      res,
      tools,
      'staff-admin-member',
      'admin',
      {
        title: shownMemberName(member.name, t),
        notice: doneNotice(req, t, 'membersAdmin.done', doneKeys),
        error: props.error ?? null,
        invalid: props.invalid ?? {},
        member: {
          ...member,
          created: member.createdAt ? fmt.dateTime(member.createdAt) : '—',
          lastActive: member.lastActiveAt ? fmt.dateTime(member.lastActiveAt) : '—',
          tickets: member.tickets.map((tk) => ({
            ...tk,
            subject: shownErasedText(tk.subject, t),
            href: `/staff/tickets/${tk.id}`,
            status: t(`status.${tk.status}`),
            created: fmt.dateTime(tk.createdAt),
          })),
          erasure: member.erasure
            ? {
                ...member.erasure,
                pseudonym: shownMemberName(member.erasure.pseudonym, t),
                at: fmt.dateTime(member.erasure.at),
                source: t(`membersAdmin.source.${member.erasure.source}`),
                done: !!member.erasure.finishedAt,
              }
            : null,
        },
        exportHref: `${membersPath}/${member.id}/export`,
        exportLeanHref: `${membersPath}/${member.id}/export?internal=0`,
        eraseAction: `${membersPath}/${member.id}/erase`,
        reason: props.reason ?? '',
      },
      props.status ?? 200,
    );
  }

  router.get(`${membersPath}/:id`, ...guard, async (req, res) => showMember(req, res, String(req.params.id)));

  router.get(`${membersPath}/:id/export`, ...guard, async (req, res) => {
    const id = String(req.params.id);
    if (!idPattern.test(id)) return showMember(req, res, id);
    const result = await exportMember(pageActor(req), id, {
      includeInternal: req.query.internal !== '0',
      dataDir: config.dataDir,
      ip: req.ip,
      timeZone: config.timeZone,
      defaultLocale: config.defaultLocale,
    });
    res.set({ 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${result.filename}"`, 'Cache-Control': 'no-store' });
    result.archive.pipe(res);
  });

  router.post(`${membersPath}/:id/erase`, ...guard, tools.csrf.protect, async (req, res) => {
    const id = String(req.params.id);
    const parsed = eraseBody.safeParse({ confirm: formField(req.body, 'confirm'), reason: formField(req.body, 'reason') });
    try {
      if (!parsed.success) throw new BadRequestError('invalid', fieldProblems(parsed.error));
      if (!idPattern.test(id)) return showMember(req, res, id);
      await eraseMemberAsAdministrator(pageActor(req), id, { ...parsed.data, ip: req.ip }, { dataDir: config.dataDir });
    } catch (error) {
      const r = refusal(error, res.locals.t, { reason: 'membersAdmin.erase.reason_label' });
      const error422 = r.status === 422 ? res.locals.t('membersAdmin.erase.mismatch') : r.error;
      return showMember(req, res, id, { status: r.status, error: error422, invalid: r.invalid, reason: formField(req.body, 'reason') });
    }
    res.redirect(303, `${membersPath}/${id}?done=erased`);
  });

  router.post(`${membersPath}/retention/:id/confirm`, ...guard, tools.csrf.protect, async (req, res) => {
    try {
      await confirmRetentionReport(pageActor(req), String(req.params.id), { ip: req.ip });
    } catch (error) {
      refusal(error, res.locals.t);
      return res.redirect(303, membersPath);
    }
    res.redirect(303, `${membersPath}?done=confirmed`);
  });

  return router;
}
