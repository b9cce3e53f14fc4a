/**
 * `/api/v1/inbound…`: administrators list received messages (the quarantine by default), read one
 * (its record and what its bytes say), download its raw bytes, and decide — reprocess, force a
 * ticket, discard with a note — each decision recorded with who made it. The role is checked first
 * in every handler: to anyone else, every id answers the same 403.
 */
import { z } from 'zod';
import { requireActor } from '../../auth/current.js';
import { route, type RouteSpec } from '../../lib/route-table.js';
import type { InboundPipeline } from './pipeline.js';
import { actOnManyInbound } from './inbound-bulk.js';
import { valid } from '../../lib/validate.js';
import {
  actOnInboundMail,
  assertMayAdministerInbound,
  DISCARD_NOTE_MAX,
  INBOUND_ID_MAX,
  inboundFilters,
  inboundMailOr404,
  listInboundPage,
  presentInboundMail,
  presentInboundOutcome,
  type InboundAction,
} from './inbound-admin.js';
import { readInboundMessage } from './inbound-reading.js';

const tag = 'Incoming mail';
const access = { kind: 'staff', policy: 'administer_mail' } as const;
const byId = { params: z.strictObject({ id: z.string().max(INBOUND_ID_MAX) }) };
const list = { query: z.strictObject({ show: z.enum(inboundFilters).default('quarantined'), before: z.string().max(100).optional() }) };
// Optional here so that the role is checked before the note (the service requires it for a discard).
const decision = {
  ...byId,
  body: z.strictObject({
    note: z
      .string()
      .max(DISCARD_NOTE_MAX * 2)
      .optional(),
  }),
};

// The bound (200) is checked by the service, to answer 413 rather than a validation error.
const many = {
  body: z.strictObject({
    action: z.enum(['discard', 'reprocess']),
    ids: z.array(z.string().max(INBOUND_ID_MAX)).min(1, 'select at least one message').max(10_000),
    note: z
      .string()
      .max(DISCARD_NOTE_MAX * 2)
      .optional(),
  }),
};

export function inboundAdminRoutes(pipeline: InboundPipeline): RouteSpec[] {
  const act = (action: InboundAction, summary: string): RouteSpec =>
    route({
      method: 'post',
      path: `/inbound/:id/${action}`,
      tag,
      summary,
      access,
      ...decision,
      handler: async (req, res) => {
        const actor = requireActor(req);
        assertMayAdministerInbound(actor);
        const { params, body } = valid(req, decision);
        const { mail, outcome } = await actOnInboundMail(pipeline, { id: params.id, action, actor, note: body.note });
        req.log.info({ inbound: mail._id, action, by: String(actor.id), status: mail.status, outcome: mail.outcome?.kind }, 'decision on a received message');
        res.json({ inbound: presentInboundMail(mail), outcome: presentInboundOutcome(outcome) });
      },
    });

  return [
    route({
      method: 'get',
      path: '/inbound',
      tag,
      access,
      ...list,
      summary: 'Received messages, newest first, 50 a page: quarantined (default), all, or discarded (administrators only)',
      handler: async (req, res) => {
        assertMayAdministerInbound(requireActor(req));
        const { query } = valid(req, list);
        const page = await listInboundPage({ filter: query.show, before: query.before });
        res.json({ messages: page.messages.map(presentInboundMail), nextCursor: page.nextCursor });
      },
    }),
    route({
      method: 'get',
      path: '/inbound/:id',
      tag,
      access,
      ...byId,
      summary: 'One received message: its record, outcome and history, and its headers, text and attachment list read from its bytes (administrators only)',
      handler: async (req, res) => {
        assertMayAdministerInbound(requireActor(req));
        const { params } = valid(req, byId);
        const mail = await inboundMailOr404(params.id);
        const reading = await readInboundMessage(await pipeline.raw(mail._id));
        res.json({
          inbound: presentInboundMail(mail),
          content: {
            parseFailure: reading.parseFailure,
            headers: reading.headers,
            rawHeaderBlock: reading.rawHeaderBlock,
            text: reading.text,
            textTruncated: reading.textTruncated,
            hasHtml: reading.html !== null,
            attachments: reading.attachments,
            warnings: reading.warnings,
          },
        });
      },
    }),
    route({
      method: 'get',
      path: '/inbound/:id/raw',
      tag,
      access,
      ...byId,
      summary: 'The raw bytes of a received message, as they came (message/rfc822, as a download; administrators only)',
      handler: async (req, res) => {
        const actor = requireActor(req);
        assertMayAdministerInbound(actor);
        const { params } = valid(req, byId);
        const mail = await inboundMailOr404(params.id);
        const raw = await pipeline.raw(mail._id);
        req.log.info({ inbound: mail._id, by: String(actor.id) }, 'received message downloaded');
        res.set({
          'Content-Type': 'message/rfc822',
          'Content-Disposition': `attachment; filename="message-${mail._id.slice(0, 12)}.eml"`,
          'X-Content-Type-Options': 'nosniff',
        });
        res.send(raw);
      },
    }),
    route({
      method: 'post',
      path: '/inbound/bulk',
      tag,
      summary: 'Discard or reprocess many messages with one note (at most 200): a result per message (administrators only)',
      access,
      ...many,
      // The role before the body: to anyone else, this route answers 403 whatever they send.
      before: [
        (req, _res, next) => {
          assertMayAdministerInbound(requireActor(req));
          next();
        },
      ],
      handler: async (req, res) => {
        const actor = requireActor(req);
        assertMayAdministerInbound(actor);
        const { body } = valid(req, many);
        const outcome = await actOnManyInbound(pipeline, { ids: body.ids, action: body.action, actor, note: body.note });
        req.log.info({ action: body.action, by: String(actor.id), done: outcome.done, refused: outcome.refused }, 'decision on received messages');
        res.json(outcome);
      },
    }),
    act('reprocess', 'Apply the inbound rules to a quarantined, discarded or stuck message again; recorded with who asked (administrators only)'),
    act('force', 'Make a ticket of a quarantined or discarded message whatever the rules said; recorded with who decided (administrators only)'),
    act(
      'attach',
      "Add a follow-up refused as not the member's (forged_follow_up) to the ticket it cites, in the member's name, the sender's address said above it; recorded with who vouched (administrators only; 409 for any other message)",
    ),
    act('discard', 'Set a quarantined or stuck message aside, with a required note; the bytes are kept and the decision recorded (administrators only)'),
  ];
}
