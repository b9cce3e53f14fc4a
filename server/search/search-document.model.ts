/**
 * `search_documents`: the search index of the MongoDB adapter (mongo.engine.ts), one document per
 * ticket (`<gen>:t:<ticket>`) and per message (`<gen>:m:<ticket>:<message>`), in generations so a
 * rebuild writes beside the live one. Each carries where its ticket is (tier, office, team, holder) and
 * who follows it (member's office, workers) for the scope filter. The text index is created by the adapter when it starts, not declared here:
 * the embedded FerretDB has no text indexes, and every database Relais starts on builds its models' indexes.
 */
import { Schema, model } from 'mongoose';

const searchDocumentSchema = new Schema(
  {
    _id: { type: String, required: true },
    gen: { type: Number, required: true },
    kind: { type: String, enum: ['t', 'm'], required: true },
    ticket: { type: String, required: true },
    v: { type: Number, default: 0 },
    /** Found whole (lower-cased): the ticket number and its short forms, the address, the member number. */
    keys: { type: [String], default: [] },
    subject: String,
    name: String,
    email: String,
    all: String,
    text: String,
    /** MongoDB's text-index language for this document (`language_override`). */
    textLanguage: { type: String, default: 'none' },
    internal: { type: Boolean, default: false },
    tier: Number,
    office: String,
    team: String,
    assignee: String,
    /** Followers, for the same filter: the office of the ticket's member, the staff who worked on it. */
    memberOffice: String,
    workers: { type: [String], default: undefined },
  },
  { collection: 'search_documents', versionKey: false },
);
searchDocumentSchema.index({ gen: 1, ticket: 1 });
searchDocumentSchema.index({ gen: 1, keys: 1 });

export type SearchDocument = {
  _id: string;
  gen: number;
  kind: 't' | 'm';
  ticket: string;
  v: number;
  keys: string[];
  subject?: string;
  name?: string;
  email?: string;
  all?: string;
  text?: string;
  textLanguage: string;
  internal: boolean;
  tier?: number;
  office?: string;
  team?: string;
  assignee?: string;
  memberOffice?: string;
  workers?: string[];
};

export const SearchDocumentModel = model<SearchDocument>('SearchDocument', searchDocumentSchema);
