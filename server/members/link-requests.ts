/**
 * Storing and reading "send me a link" requests (the model and why: link-request.model.ts).
 */
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import { LinkRequestModel, type LinkRequest } from './link-request.model.js';

export type { LinkRequest } from './link-request.model.js';

/** Stores a request for `email` (the same work whether or not the address is known); a waiting one for the address stands. */
export async function queueLinkRequest(email: string, locale: string, now = new Date()): Promise<void> {
  try {
    const request: LinkRequest = { _id: email.trim().toLowerCase(), mail: new Types.ObjectId(), locale, at: now };
    await LinkRequestModel.collection.insertOne(request as never);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** The requests waiting, oldest first (a small collection: bounded by the per-address and per-IP limits). */
export async function waitingLinkRequests(limit = 200): Promise<LinkRequest[]> {
  const rows = await LinkRequestModel.collection.find<LinkRequest>({}).limit(limit).toArray();
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Removes a request once it is worked; a newer request for the same address, stored since, stays. */
export async function dropLinkRequest(request: Pick<LinkRequest, '_id' | 'mail'>): Promise<void> {
  await LinkRequestModel.collection.deleteOne({ _id: request._id, mail: request.mail } as never);
}
