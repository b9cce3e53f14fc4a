/**
 * "Send me a link" requests waiting to be worked (`member_link_requests`, `_id` = the lower-cased
 * address). The page answers as soon as the request is stored, before anyone looks the address up,
 * so its timing says nothing about whether the address is a member's (issue 14.4); a worker
 * (mail/member-link-mail.ts) looks it up and queues the mail afterwards. Stored, not held in memory:
 * a stop between the answer and the mail loses nothing.
 *
 * The `_id` is the serialization point: while a request for an address waits, another one for the
 * same address is the same request. The outbox id of its mail is fixed when the request is stored,
 * so two workers, or a worker restarted half-way, store that mail once.
 */
import { Schema, model, type Types } from 'mongoose';

export interface LinkRequest {
  _id: string;
  /** The outbox id of the mail this request sends (if the address is a member's). */
  mail: Types.ObjectId;
  /** The language of the page the request came from (used when the member has none). */
  locale: string;
  at: Date;
}

const linkRequestSchema = new Schema<LinkRequest>(
  {
    _id: { type: String, required: true },
    mail: { type: Schema.Types.ObjectId, required: true },
    locale: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'member_link_requests', versionKey: false },
);
export const LinkRequestModel = model<LinkRequest>('MemberLinkRequest', linkRequestSchema);
