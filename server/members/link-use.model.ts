/**
 * `member_link_uses`: one document per member link that opened a session (`_id` = the link's id).
 * The unique `_id` is what makes a link single-use, on FerretDB as on MongoDB: of two browsers
 * following the same link, one insert wins. Kept until the links expire: housekeeping
 * (server/housekeeping/) deletes those older than MEMBER_LINK_TTL by `at`.
 */
import { Schema, model, type Types } from 'mongoose';

export interface LinkUse {
  _id: string;
  member: Types.ObjectId;
  at: Date;
}

const linkUseSchema = new Schema<LinkUse>(
  {
    _id: { type: String, required: true },
    member: { type: Schema.Types.ObjectId, ref: 'Member', required: true },
    at: { type: Date, required: true },
  },
  { collection: 'member_link_uses', versionKey: false },
);
linkUseSchema.index({ at: 1 });
export const LinkUseModel = model<LinkUse>('MemberLinkUse', linkUseSchema);
