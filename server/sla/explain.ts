/**
 * Turns a deadline's structured explanation into a sentence in the reader's language,
 * e.g. "Première réponse due lun. 10:30 : priorité normale, 4 heures ouvrables,
 * calendrier de Liège, en pause 2 h (en attente du membre)". Keys live in
 * `locales/<lang>/sla.json`; dates are shown in the calendar's zone, in the language
 * named by the `sla.locale` key, with luxon.
 */
import { DateTime } from 'luxon';
import type { Translate } from '../lib/i18n.js';
import type { Deadline } from './deadline.types.js';

const NEAR_DAYS = 6;

function when(iso: string | number | undefined, zone: string, t: Translate, now: Date | undefined): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const at = DateTime.fromISO(iso, { zone }).setLocale(t('sla.locale'));
  // The weekday alone reads as the coming one: it is enough for the next six days and earlier today,
  // and a day already past gets its date ("due Fri 11:00" on a Sunday read as next Friday).
  const ahead = now === undefined ? Number.NaN : at.toMillis() - now.getTime();
  const near = ahead >= 0 ? ahead < NEAR_DAYS * 24 * 3_600_000 : now !== undefined && at.hasSame(DateTime.fromJSDate(now, { zone }), 'day');
  return at.toFormat(t(near ? 'sla.format.near' : 'sla.format.far'));
}

/** A plain length of time: "2 h", "1 h 30", "45 min". */
function shortDuration(totalMinutes: number, t: Translate): string {
  const rounded = Math.round(totalMinutes);
  const hours = Math.floor(rounded / 60);
  const minutes = rounded % 60;
  if (hours === 0) return t('sla.duration.m', { minutes });
  return minutes === 0 ? t('sla.duration.h', { hours }) : t('sla.duration.hm', { hours, minutes });
}

/** An instant as the explanations show it: in `zone`, in the language of `t`, without the date when near `now`. */
export function formatSlaDate(at: Date, zone: string, t: Translate, now?: Date): string {
  return when(at.toISOString(), zone, t, now);
}

/** A target in business time: "4 heures ouvrables", "90 business minutes" stays "1 h 30 min of business time". */
export function businessDuration(totalMinutes: number, t: Translate): string {
  const rounded = Math.round(totalMinutes);
  if (rounded % 60 === 0) return t('sla.duration.businessHours', { count: rounded / 60 });
  if (rounded < 60) return t('sla.duration.businessMinutes', { count: rounded });
  return t('sla.duration.businessMixed', { hours: Math.floor(rounded / 60), minutes: rounded % 60 });
}

export interface ExplainOptions {
  /** When given, dates in the six days after it, or earlier on its day, are shown without the day of the month. */
  now?: Date;
  /** The policy's or calendar's name in the reader's language (default: the name the deadline carries). */
  nameOf?: (ref: { id: string; name: string }) => string;
  /**
   * Only what a panel's state chip, kind and due date do not say (the ticket page): when it was met,
   * and the details, without the calendar and the policy, which the panel names once under its list.
   */
  brief?: boolean;
}

/** What a sentence needs of a deadline: a computed one, or one stored on a ticket (tickets/ticket-sla.ts). */
export type ExplainableDeadline = Pick<Deadline, 'kind' | 'state' | 'targetMinutes' | 'pausedMinutes' | 'startedBy' | 'calendar' | 'policy' | 'explanation'>;

/** The deadline as one sentence in the language of `t`. */
export function explainDeadline(d: ExplainableDeadline, t: Translate, options: ExplainOptions = {}): string {
  const p = d.explanation.params;
  const zone = String(p.timeZone ?? 'Europe/Brussels');
  const at = (key: string): string => when(p[key], zone, t, options.now);
  const details: string[] = [];
  if (d.kind === 'acceptance') details.push(t('sla.detail.tier', { tier: p.tier }));
  details.push(t('sla.detail.priority', { priority: t(`sla.priority.${String(p.priority)}`) }));
  details.push(businessDuration(d.targetMinutes, t));
  if (d.kind === 'next_response' || d.kind === 'acceptance') {
    details.push(t('sla.detail.since', { event: t(`sla.event.${d.startedBy}`, { defaultValue: d.startedBy }), at: at('start') }));
  }
  if (!options.brief) details.push(t('sla.detail.calendar', { name: options.nameOf ? options.nameOf(d.calendar) : d.calendar.name }));
  if (typeof p.previousCalendar === 'string') details.push(t('sla.detail.calendarChanged', { name: p.previousCalendar }));
  if (d.pausedMinutes > 0 || d.state === 'paused') details.push(t('sla.detail.paused', { duration: shortDuration(d.pausedMinutes, t) }));
  if (typeof p.changedAt === 'string') {
    const causes = String(p.changeCauses ?? '')
      .split(',')
      .filter(Boolean)
      .map((c) => t(`sla.cause.${c}`));
    details.push(
      t('sla.detail.changed', {
        from: businessDuration(Number(p.previousTargetMinutes), t),
        to: businessDuration(d.targetMinutes, t),
        at: at('changedAt'),
        causes: (causes.length > 0 ? causes : [t('sla.cause.policy')]).join(', '),
      }),
    );
  }
  if (options.brief) {
    const lead = typeof p.metAt === 'string' && p.metAt !== '' ? [t('sla.detail.metAt', { at: at('metAt') })] : [];
    const text = [...lead, ...details].join(', ');
    return text.charAt(0).toLocaleUpperCase(t('sla.locale')) + text.slice(1);
  }
  details.push(t('sla.detail.policy', { name: options.nameOf ? options.nameOf(d.policy) : d.policy.name }));
  return t(`sla.sentence.${d.explanation.code}`, {
    kind: t(`sla.kind.${d.kind}`),
    due: at('due'),
    deadline: at('deadline'),
    metAt: at('metAt'),
    details: details.join(', '),
  });
}
