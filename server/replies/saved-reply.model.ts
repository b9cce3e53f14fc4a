/**
 * `saved_replies`: answers staff insert into the reply box, in French, Dutch and English.
 * `personal` ones belong to their `owner`; `shared` ones to an `office` (its supervisors manage them)
 * or, with `office: null`, to the whole organisation (administrators manage those). A few hundred
 * at most: listing reads them by owner and by scope, each with its index.
 */
import { Schema, model, type Types } from 'mongoose';

export const savedReplyScopes = ['shared', 'personal'] as const;
export type SavedReplyScope = (typeof savedReplyScopes)[number];
export const maxSavedReplyBody = 20_000;

const body = { type: String, default: '', maxlength: maxSavedReplyBody };
const titleIn = { type: String, default: '', trim: true, maxlength: 120 };

const savedReplySchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 120 },
    /** The title in each language, when it was given one; `title` stands in for the others. */
    titles: { fr: titleIn, nl: titleIn, en: titleIn },
    body: { fr: body, nl: body, en: body },
    scope: { type: String, enum: savedReplyScopes, required: true },
    owner: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    office: { type: Schema.Types.ObjectId, ref: 'Office', default: null },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
  },
  { collection: 'saved_replies', timestamps: true, versionKey: false },
);
savedReplySchema.index({ owner: 1 });
savedReplySchema.index({ scope: 1, office: 1 });

export interface SavedReply {
  _id: Types.ObjectId;
  title: string;
  titles?: { fr?: string; nl?: string; en?: string };
  body: { fr: string; nl: string; en: string };
  scope: SavedReplyScope;
  owner: Types.ObjectId | null;
  office: Types.ObjectId | null;
  updatedBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

export const SavedReplyModel = model('SavedReply', savedReplySchema);
