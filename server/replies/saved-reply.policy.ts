/**
 * Who may read and manage a saved reply. Reading: one's own personal replies, and the shared ones of
 * the whole organisation or of one's office (administrators read every shared one). Managing: one's
 * own personal replies; shared ones of an office by that office's supervisors; every shared one by
 * administrators. Nobody reads or manages another person's personal replies. Fail-closed: what is
 * not allowed here is refused.
 */
import { hasRole, sameId, type StaffActor } from '../auth/actor.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { Types } from 'mongoose';
import type { SavedReply, SavedReplyScope } from './saved-reply.model.js';

type Placed = Pick<SavedReply, 'scope' | 'owner' | 'office'>;

export function canReadSavedReply(actor: StaffActor, reply: Placed): boolean {
  if (reply.scope === 'personal') return sameId(reply.owner, actor.id);
  return reply.office === null || sameId(reply.office, actor.office) || hasRole(actor, 'administrator');
}

export function canManageSavedReply(actor: StaffActor, reply: Placed): boolean {
  if (reply.scope === 'personal') return sameId(reply.owner, actor.id);
  if (hasRole(actor, 'administrator')) return true;
  return hasRole(actor, 'supervisor') && reply.office !== null && sameId(reply.office, actor.office);
}

/** May the actor create a reply with this scope and office? (Shared: supervisors for their office, administrators for any.) */
export function canCreateSavedReply(actor: StaffActor, scope: SavedReplyScope, office: Types.ObjectId | null): boolean {
  return canManageSavedReply(actor, { scope, owner: actor.id, office });
}

/** Throws 404 when the actor may not even read the reply (existence is not revealed), 403 when they may read but not manage it. */
export function authorizeSavedReply(actor: StaffActor, action: 'read' | 'manage', reply: Placed | null): asserts reply is Placed {
  if (!reply || !canReadSavedReply(actor, reply)) throw new NotFoundError('No such saved reply.');
  if (action === 'manage' && !canManageSavedReply(actor, reply))
    throw new ForbiddenError('Only its owner, or for a shared reply its office’s supervisors and the administrators, may change this saved reply.');
}
