/**
 * The away-advisor handoff: a supervisor sends every open ticket a person holds back to its team's
 * queue, where automatic assignment can take them (auto-assignment.ts).
 *
 *   POST /staff/:id/handoff { reason }   every open ticket the person holds goes back to its queue
 *
 * Who: a supervisor of the person's office. The person is looked up first (404 for an unknown or
 * malformed id), then the right checked (403), then the body; each ticket is still checked by the
 * ticket policy (a ticket escalated outside the office is skipped, with why).
 */
import { z } from 'zod';
import { hasRole, sameId, type StaffActor } from '../auth/actor.js';
import { requireActor } from '../auth/current.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { StaffModel } from '../staff/staff.model.js';
import { reassignTicket } from '../tickets/ticket.moves.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import { can } from '../tickets/ticket.policy.js';
import { heldTickets } from '../tickets/ticket-list.queries.js';

/** The API document groups it with the routing switches (routing/routing-config.routes.ts). */
const tag = 'Routing';
const anyId = { params: z.strictObject({ id: z.string().max(200) }) };
const objectId = /^[0-9a-f]{24}$/i;
// The reason is optional in the schema so that an unknown person answers 404 (and a stranger 403)
// before the body is judged; handOff then requires it.
const handoffBody = { body: z.strictObject({ reason: z.string().trim().min(3).max(500).optional() }) };

/** Hands every open ticket a person holds back to its queue (a supervisor of the person's office). */
export async function handOff(
  actor: StaffActor,
  id: string,
  reasonGiven: string | undefined,
): Promise<{ handedOff: string[]; skipped: Array<{ ticket: string; why: string }> }> {
  const person = objectId.test(id) ? await StaffModel.findById(id, { name: 1, office: 1 }).lean() : null;
  if (!person) throw new NotFoundError('No such staff member.');
  if (!hasRole(actor, 'supervisor') || !sameId(actor.office, person.office))
    throw new ForbiddenError("Only a supervisor of this person's office can hand their tickets off.");
  const reason = reasonGiven?.trim();
  if (!reason) throw new BadRequestError('Say why (the reason is recorded on every ticket).', [{ path: 'reason', message: 'required' }]);
  const held = await heldTickets(person._id);
  const handedOff: string[] = [];
  const skipped: Array<{ ticket: string; why: string }> = [];
  for (const { _id } of held) {
    const ticket = await loadTicket(String(_id));
    if (!ticket || !sameId(ticket.assignee, person._id)) continue;
    if (!can(actor, 'reassign', ticket)) {
      skipped.push({ ticket: ticket.number, why: 'outside your office (ask its supervisor)' });
      continue;
    }
    try {
      await reassignTicket({ actor, ticketId: String(ticket._id), version: ticket.version, team: String(ticket.team), reason });
      handedOff.push(ticket.number);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      skipped.push({ ticket: ticket.number, why: 'changed at the same moment' });
    }
  }
  return { handedOff, skipped };
}

export function handoffRoutes(): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/staff/:id/handoff',
      tag,
      summary: "Hand every open ticket a person holds back to its queue, with a reason (a supervisor of the person's office)",
      access: { kind: 'staff', policy: 'configure_routing' },
      ...anyId,
      ...handoffBody,
      handler: async (req, res) => {
        const actor = requireActor(req);
        const result = await handOff(actor, String(req.params.id), valid(req, handoffBody).body.reason);
        req.log.info(
          { person: String(req.params.id), handedOff: result.handedOff.length, skipped: result.skipped.length, by: String(actor.id) },
          'tickets handed off',
        );
        res.json(result);
      },
    }),
  ];
}
