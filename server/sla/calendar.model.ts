/**
 * Stored business calendars: one per office that has its own hours, plus at most one
 * default (`office: null`) for every other office. When none is stored, the built-in
 * default applies (Mon–Fri 09:00–17:00, Belgian public holidays, Europe/Brussels).
 */
import { Schema, model, type Types } from 'mongoose';
import { labelsField, type NameLabels } from '../lib/labels.js';
import { defaultCalendar, validateCalendar, weekdays, type BusinessCalendar, type BusinessInterval, type Weekday } from './calendar.js';

/** A calendar as stored (lean). */
export interface SlaCalendarData extends Omit<BusinessCalendar, 'id'> {
  _id: Types.ObjectId;
  /** null: the default for offices without a calendar of their own. */
  office: Types.ObjectId | null;
  labels?: NameLabels | null;
}

const intervalSchema = new Schema<BusinessInterval>({ start: { type: String, required: true }, end: { type: String, required: true } }, { _id: false });
const dayHours = { type: [intervalSchema], default: [] };

const slaCalendarSchema = new Schema(
  {
    /** Unique, so there is one calendar per office and one default (null). */
    office: { type: Schema.Types.ObjectId, ref: 'Office', default: null, unique: true },
    name: { type: String, required: true, trim: true, maxlength: 80 },
    /** The name in each language (pages fall back to `name`). */
    labels: labelsField,
    timeZone: { type: String, required: true, default: 'Europe/Brussels' },
    hours: Object.fromEntries(weekdays.map((d) => [d, dayHours])) as Record<Weekday, typeof dayHours>,
    holidays: {
      type: new Schema({ country: { type: String, enum: ['BE'], required: true }, region: { type: String } }, { _id: false }),
      default: () => ({ country: 'BE' }),
    },
    closures: { type: [{ type: String, match: /^\d{4}-\d{2}-\d{2}$/ }], default: [] },
  },
  { timestamps: true, collection: 'sla_calendars' },
);
// The same checks as the arithmetic's (opening intervals, zone, region), reported as one validation error.
slaCalendarSchema.pre('validate', function checkCalendar() {
  const doc = this.toObject() as unknown as SlaCalendarData;
  validateCalendar(toBusinessCalendar(doc));
});

export const SlaCalendarModel = model('SlaCalendar', slaCalendarSchema);

/** The arithmetic's view of a stored calendar. */
export function toBusinessCalendar(doc: SlaCalendarData): BusinessCalendar {
  const hours = Object.fromEntries(weekdays.map((d) => [d, (doc.hours?.[d] ?? []).map((i) => ({ start: i.start, end: i.end }))])) as Record<
    Weekday,
    BusinessInterval[]
  >;
  const region = doc.holidays?.region;
  return {
    id: String(doc._id),
    name: doc.name,
    timeZone: doc.timeZone,
    hours,
    holidays: doc.holidays ? (region ? { country: 'BE', region } : { country: 'BE' }) : null,
    closures: [...(doc.closures ?? [])],
  };
}

const builtInDefault = defaultCalendar();
// One BusinessCalendar object per stored version, so calendar.ts compiles each only once.
const converted = new WeakMap<SlaCalendarData, BusinessCalendar>();

/** The calendar serving an office: its own, else the stored default, else the built-in default. */
export function calendarForOffice(calendars: readonly SlaCalendarData[], office: Types.ObjectId | string): BusinessCalendar {
  const doc = calendars.find((c) => c.office !== null && String(c.office) === String(office)) ?? calendars.find((c) => c.office === null);
  if (!doc) return builtInDefault;
  let cal = converted.get(doc);
  if (!cal) {
    cal = toBusinessCalendar(doc);
    converted.set(doc, cal);
  }
  return cal;
}
