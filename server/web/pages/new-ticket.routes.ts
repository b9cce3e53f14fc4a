/**
 * "New ticket" for a phone call or a visit, `/staff/new-ticket`: the staff member types what the
 * member asks, finds the member by e-mail address or member number, and the ticket is created through
 * the same command as the API's (`createTicket`), routed like any other. A plain form (CSRF token,
 * works without JavaScript); errors name their field, are shown next to it and the first one gets the
 * focus. Another office's member is never revealed: a member number finds only members of one's own
 * office (any other number reads "no member of your office has this number"), and for an address the
 * name typed is required unless the member belongs to one's office — the same answer as for an
 * unknown address — and `createTicket` withholds their details from the ticket.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { StaffActor } from '../../auth/actor.js';
import type { Config } from '../../config.js';
import { findMemberByEmail, findMemberByNumber } from '../../members/member-lookup.js';
import { createTicket } from '../../tickets/ticket.create.js';
import { canRead } from '../../tickets/ticket.policy.js';
import { priorities } from '../../lib/ticket.vocabulary.js';
import { loadCatalog, type PageCatalog } from './catalog.js';
import { labels } from './presenters.js';
import { pageActor, requirePageActor } from './page-auth.js';
import { renderStaffPage, type StaffPageTools } from './staff-page.js';

export const newTicketPath = '/staff/new-ticket';

const fieldOrder = ['channel', 'member', 'name', 'subject', 'text', 'category', 'priority'] as const;
type Field = (typeof fieldOrder)[number];

/** Every field is read as text (a form posts strings); each message is a key under `workflow.new_ticket.error`. */
const formSchema = z.object({
  channel: z.enum(['phone', 'visit'], { message: 'channel_invalid' }),
  member: z.string().trim().min(1, 'member_required').max(254, 'member_required'),
  name: z.string().trim().max(120, 'name_required'),
  subject: z.string().trim().min(1, 'subject_required').max(200, 'subject_too_long'),
  // Line breaks counted once (a form posts \r\n), as the page's own check counts them (client/lib/length-guard.ts).
  text: z
    .string()
    .transform((v) => v.replace(/\r\n?/g, '\n'))
    .pipe(z.string().trim().min(1, 'text_required').max(20_000, 'text_too_long')),
  category: z.string().trim().max(40, 'category_unknown'),
  priority: z.enum(priorities, { message: 'priority_invalid' }),
  acknowledge: z.string().optional(),
});
type FormValues = Record<Field, string> & { acknowledge: boolean };

const emptyValues: FormValues = { channel: 'phone', member: '', name: '', subject: '', text: '', category: '', priority: 'normal', acknowledge: true };

function read(body: unknown): FormValues {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  return {
    channel: text('channel'),
    member: text('member'),
    name: text('name'),
    subject: text('subject'),
    text: text('text'),
    category: text('category'),
    priority: text('priority') || 'normal',
    acknowledge: b.acknowledge === 'yes',
  };
}

const looksLikeEmail = (s: string): boolean => s.includes('@');
const emailSchema = z.email().max(254);

interface Problem {
  field: Field;
  key: string;
}

/** The member the form names, as `createTicket` takes it; or the field's problem. */
async function memberOf(actor: StaffActor, form: FormValues): Promise<{ member: { name: string; email: string; memberNumber?: string } } | Problem> {
  const typed = form.member.trim();
  const name = form.name.trim();
  if (looksLikeEmail(typed)) {
    if (!emailSchema.safeParse(typed).success) return { field: 'member', key: 'email_invalid' };
    const found = await findMemberByEmail<{ name: string; office?: unknown }>(typed, { name: 1, office: 1 });
    const ours = found && found.office && String(found.office) === String(actor.office);
    // Unknown here, or another office's member: only what was typed is used (and nothing is revealed).
    if (!ours && !name) return { field: 'name', key: 'name_required' };
    return { member: { name: ours && !name ? found.name : name, email: typed } };
  }
  const found = await findMemberByNumber<{ name: string; email: string; office?: unknown; memberNumber?: string | null }>(typed, {
    name: 1,
    email: 1,
    office: 1,
    memberNumber: 1,
  });
  if (!found || !found.office || String(found.office) !== String(actor.office)) return { field: 'member', key: 'member_unknown' };
  return { member: { name: found.name, email: found.email, memberNumber: found.memberNumber ?? undefined } };
}

async function render(req: Request, res: Response, tools: StaffPageTools, values: FormValues, problems: Problem[], status = 200, notice: string | null = null) {
  const t = res.locals.t;
  const catalog: PageCatalog = await loadCatalog(res.locals.locale);
  const l = labels(t);
  const errors: Partial<Record<Field, string>> = {};
  for (const p of problems) errors[p.field] ??= t(`workflow.new_ticket.error.${p.key}`);
  const first = fieldOrder.find((f) => errors[f]);
  await renderStaffPage(
    req,
    res,
    tools,
    'staff-new-ticket',
    'new_ticket',
    {
      title: t('workflow.new_ticket.title'),
      values,
      errors,
      autofocus: first ?? 'member',
      summary: problems.length > 0 ? t('workflow.new_ticket.summary') : null,
      notice,
      errorList: fieldOrder.filter((f) => errors[f]).map((f) => ({ field: f, text: errors[f] })),
      channels: (['phone', 'visit'] as const).map((c) => ({ value: c, label: t(`workflow.new_ticket.channel_${c}`), checked: values.channel === c })),
      categories: catalog.categories.map((c) => ({ ...c, selected: c.value === values.category })),
      priorities: priorities.map((p) => ({ value: p, label: l.priority(p), selected: p === values.priority })),
    },
    status,
  );
}

export function newTicketRoutes(_config: Config, tools: StaffPageTools): Router {
  const router = Router();

  router.get(newTicketPath, requirePageActor, async (req, res) => {
    await render(req, res, tools, emptyValues, []);
  });

  router.post(newTicketPath, requirePageActor, tools.csrf.protect, async (req, res) => {
    const actor = pageActor(req);
    const values = read(req.body);
    const parsed = formSchema.safeParse({ ...values, acknowledge: undefined });
    const problems: Problem[] = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ field: String(i.path[0]) as Field, key: /^[a-z_]+$/.test(i.message) ? i.message : 'member_required' }));
    const catalog = await loadCatalog(res.locals.locale);
    if (values.category && !catalog.categories.some((c) => c.value === values.category)) problems.push({ field: 'category', key: 'category_unknown' });
    const who = problems.some((p) => p.field === 'member') ? null : await memberOf(actor, values);
    if (who && 'field' in who) problems.push(who);
    if (problems.length > 0 || !parsed.success || !who || 'field' in who) {
      await render(req, res, tools, values, problems, 422);
      return;
    }
    const ticket = await createTicket({
      actor,
      subject: parsed.data.subject,
      body: parsed.data.text,
      member: who.member,
      channel: parsed.data.channel,
      category: parsed.data.category || null,
      priority: parsed.data.priority,
      // Filed at the staff member's office unless routing rules say otherwise.
      office: actor.office,
      acknowledge: values.acknowledge,
    });
    if (canRead(actor, ticket)) {
      res.redirect(303, `/staff/tickets/${String(ticket._id)}`);
      return;
    }
    await render(req, res, tools, emptyValues, [], 201, res.locals.t('workflow.new_ticket.created_elsewhere', { number: ticket.number }));
  });

  return router;
}
