/**
 * A person's own sessions: the list on "My account" (device, IP, last used), ending one of them, ending
 * all the others, and ending every one (a new password, a deactivation). Ending is immediate: every
 * request re-reads its session (auth.service.ts), and `auth.revoked` closes the live sockets.
 */
import type { Types } from 'mongoose';
import { domainEvents } from '../lib/domain-events.js';
import { NotFoundError } from '../lib/errors.js';
import { staffRecordChanged } from '../staff/staff-records.js';
import { StaffModel } from '../staff/staff.model.js';
import { SessionModel } from './session.model.js';

export interface PresentedSession {
  id: string;
  userAgent: string;
  ip: string;
  createdAt: string | null;
  lastUsedAt: string;
  expiresAt: string;
  current: boolean;
}

const objectId = /^[0-9a-f]{24}$/i;

/** The open sessions of a staff member, latest used first; `current` marks the one asking. */
export async function openSessions(staffId: Types.ObjectId | string, currentSessionId: string | undefined, now = new Date()): Promise<PresentedSession[]> {
  const rows = await SessionModel.find({ staff: staffId, revokedAt: null }).lean();
  return rows
    .filter((s) => s.expiresAt > now)
    .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime())
    .map((s) => ({
      id: String(s._id),
      userAgent: s.userAgent ?? '',
      ip: s.ip ?? '',
      createdAt: s.createdAt instanceof Date ? s.createdAt.toISOString() : null,
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      current: String(s._id) === currentSessionId,
    }));
}

/**
 * Ends one of the person's own sessions. Another person's session, or an unknown id, is "not found":
 * the answer does not say whether the id exists.
 */
export async function endOwnSession(staffId: Types.ObjectId | string, sessionId: string): Promise<void> {
  const session = objectId.test(sessionId) ? await SessionModel.findById(sessionId, { staff: 1, revokedAt: 1 }).lean() : null;
  if (!session || String(session.staff) !== String(staffId) || session.revokedAt) throw new NotFoundError('No such session.');
  await SessionModel.updateOne({ _id: session._id, revokedAt: null }, { $set: { revokedAt: new Date() } });
  domainEvents.publish('auth.revoked', { sessionId: String(session._id), staffId: null });
}

/** Ends every session of the person except `keep` (the one asking); returns how many ended. */
export async function endOtherSessions(staffId: Types.ObjectId | string, keep: string | undefined): Promise<number> {
  const others = (await SessionModel.find({ staff: staffId, revokedAt: null }, { _id: 1 }).lean()).filter((s) => String(s._id) !== keep);
  const now = new Date();
  for (const s of others) {
    await SessionModel.updateOne({ _id: s._id, revokedAt: null }, { $set: { revokedAt: now } });
    domainEvents.publish('auth.revoked', { sessionId: String(s._id), staffId: null });
  }
  return others.length;
}

/**
 * Ends every session of a staff member at once. The tokenVersion bump alone already refuses every
 * token and refresh (and every password link, which carries it); revoking the sessions keeps the list honest.
 */
export async function endAllSessions(staffId: Types.ObjectId | string): Promise<void> {
  await StaffModel.updateOne({ _id: staffId }, { $inc: { tokenVersion: 1 } });
  // Forgotten before the sessions are revoked: should that fail, the new version alone still refuses them.
  staffRecordChanged(staffId);
  await SessionModel.updateMany({ staff: staffId, revokedAt: null }, { $set: { revokedAt: new Date() } });
  domainEvents.publish('auth.revoked', { sessionId: null, staffId: String(staffId) });
}
