/**
 * The key collections kept beside the tickets (what each holds: ticket.keys.ts, which reads and
 * writes them). Their documents are small and addressed by `_id` only.
 */
import { Schema, model, type Types } from 'mongoose';

const numberSchema = new Schema(
  { _id: { type: String, required: true }, ticket: { type: Schema.Types.ObjectId, required: true } },
  { collection: 'ticket_numbers', versionKey: false },
);
export const TicketNumberModel = model<{ _id: string; ticket: Types.ObjectId }>('TicketNumber', numberSchema);

const memberTicketSchema = new Schema(
  { _id: { type: String, required: true }, ticket: { type: Schema.Types.ObjectId, required: true } },
  { collection: 'member_tickets', versionKey: false },
);
export const MemberTicketModel = model<{ _id: string; ticket: Types.ObjectId }>('MemberTicket', memberTicketSchema);

/**
 * `email_message_ids`: `_id` = the `Message-ID` of a mail that became a message → its ticket, so a
 * reply that names it in `In-Reply-To`/`References` finds the ticket with one read by `_id`.
 * Written by the journal with the message (journal-writes.ts applyWrite), so a replay writes it too.
 */
const emailIdSchema = new Schema(
  { _id: { type: String, required: true }, ticket: { type: Schema.Types.ObjectId, required: true } },
  { collection: 'email_message_ids', versionKey: false },
);
export const EmailMessageIdModel = model<{ _id: string; ticket: Types.ObjectId }>('EmailMessageId', emailIdSchema);

const workingSchema = new Schema(
  { _id: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, required: true } },
  { collection: 'working_tickets', versionKey: false },
);
export const WorkingTicketModel = model<{ _id: Types.ObjectId; at: Date }>('WorkingTicket', workingSchema);

const daySchema = new Schema(
  {
    _id: { type: String, required: true },
    ticket: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number },
    place: { type: Schema.Types.Mixed },
    at: { type: Date },
  },
  { collection: 'ticket_days', versionKey: false },
);
export const TicketDayModel = model<{ _id: string; ticket: Types.ObjectId; seq?: number; place?: DonePlace; at?: Date }>('TicketDay', daySchema);

/**
 * Where a ticket was when it became done, and what it was about, kept on its `d:` key: a done ticket
 * does not move and is not edited (every move and every change of category needs it reopened first,
 * and its next resolution writes a new key; its language never changes), so a history list tests the
 * work scope and the list's filters on the key and reads only the tickets that pass. Keys written
 * before it have none; keys written before the category and language were added have only the place.
 */
export interface DonePlace {
  office: Types.ObjectId;
  tier: number;
  team: Types.ObjectId;
  assignee: Types.ObjectId | null;
  category?: string | null;
  language?: string;
}
