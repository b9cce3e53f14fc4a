/**
 * The forecast panel of the supervisor board (`views/partials/board-forecast.hbs`): the figures
 * of reports/forecast.board.ts in the page's language, one row per queue and the tickets most
 * at risk, with the people online now (the live layer's presence).
 */
import type { StaffActor } from '../../auth/actor.js';
import { intlTags, type Locale, type Translate } from '../../lib/i18n.js';
import type { OnlineSource } from '../../realtime/online.js';
import { boardForecast, type AtRiskTicket, type QueueOutlook } from '../../reports/forecast.board.js';
import { createFormatter, type DueView } from './format.js';
import { shownErasedText } from './member-name.js';

export interface ForecastRow {
  key: string;
  label: string;
  waiting: number;
  arrivals: string;
  online: string;
  throughput: string;
  breaches: string;
  /** `ok`, `warn` (breaches expected), `unknown` (nobody's presence known) or `none` (no deadlines). */
  level: 'ok' | 'warn' | 'unknown' | 'none';
  overdue: number;
}

export interface AtRiskView {
  href: string;
  number: string;
  subject: string;
  queue: string;
  due: DueView;
  age: string;
  createdText: string;
  kind: AtRiskTicket['kind'];
  label: string;
  /** Which deadline the date is ("Résolution"): the board's row may show the pick-up's. */
  deadline: string | null;
}

export interface ForecastView {
  horizon: number;
  computedAt: string;
  rows: ForecastRow[];
  atRisk: AtRiskView[];
  liveKnown: boolean;
  anyDeadline: boolean;
}

export interface ForecastContext {
  t: Translate;
  locale: Locale;
  timeZone: string;
  /** Who is connected to the live layer now. */
  online: OnlineSource;
  now?: Date;
}

function queueLabel(q: QueueOutlook, t: Translate): string {
  return q.officeName === null ? t(`reports.forecast.queue_tier${q.tier}`) : t('reports.forecast.queue_tier1', { office: q.officeName });
}

export function forecastRow(q: QueueOutlook, t: Translate, fmtNumber: Intl.NumberFormat): ForecastRow {
  const f = q.forecast;
  let breaches = '—';
  let level: ForecastRow['level'] = 'none';
  if (q.anyDeadline && f.dueSoon === 0) {
    breaches = '0'; // nothing falls due within the horizon: nothing to miss, whoever is online
    level = 'ok';
  } else if (q.anyDeadline && f.expectedBreaches !== null) {
    breaches = fmtNumber.format(f.expectedBreaches);
    level = f.expectedBreaches > 0 ? 'warn' : 'ok';
  } else if (q.anyDeadline) {
    breaches = t('reports.forecast.up_to', { count: f.dueSoon });
    level = 'unknown';
  }
  if (f.overdue > 0) {
    // Deadlines already missed are breaches too: "0" in green beside "4 late" read as all is well.
    breaches = t('reports.forecast.late_plus', { late: f.overdue, expected: breaches === '—' ? '0' : breaches });
    level = 'warn';
  }
  return {
    key: q.key,
    label: queueLabel(q, t),
    waiting: f.waiting,
    arrivals: fmtNumber.format(f.arrivals),
    online: q.online === null ? t('reports.forecast.unknown') : String(q.online),
    throughput: q.throughput === null ? '—' : t('reports.forecast.per_hour', { value: fmtNumber.format(q.throughput) }),
    breaches,
    level,
    overdue: f.overdue,
  };
}

/** The board's forecast panel for the queues `actor` watches. */
export async function forecastPanel(actor: StaffActor, c: ForecastContext): Promise<ForecastView> {
  const forecast = await boardForecast(actor, { timeZone: c.timeZone, online: c.online, now: c.now, locale: c.locale });
  const t = c.t;
  const fmtNumber = new Intl.NumberFormat(intlTags[c.locale], { maximumFractionDigits: 1 });
  const fmt = createFormatter(c.locale, t, c.timeZone, forecast.now);
  const labelOf = new Map(forecast.queues.map((q) => [q.key, queueLabel(q, t)]));
  return {
    horizon: forecast.horizon,
    computedAt: fmt.short(forecast.now),
    rows: forecast.queues.map((q) => forecastRow(q, t, fmtNumber)),
    atRisk: forecast.atRisk.map((r) => ({
      href: `/staff/tickets/${r.id}`,
      number: r.number,
      subject: shownErasedText(r.subject, t),
      queue: labelOf.get(r.queue) ?? '',
      due: fmt.due(r.dueAt ? r.dueAt.toISOString() : null),
      age: fmt.age(r.createdAt),
      createdText: fmt.dateTime(r.createdAt),
      kind: r.kind,
      label: t(`reports.forecast.kind.${r.kind}`),
      deadline: r.deadline ? t(`sla.kind.${r.deadline}`) : null,
    })),
    liveKnown: forecast.liveKnown,
    anyDeadline: forecast.anyDeadline,
  };
}

const recentForecasts = new Map<string, { at: number; view: Promise<ForecastView> }>();
const forecastFreshMs = 20_000;

/**
 * The forecast for the board's live refresh: at most one computation every 20 s per office and
 * language, whoever asks (a move refreshes every supervisor's board at once, and the forecast reads
 * the office's teams, people and calendars). It depends on the person only by their office.
 */
export function recentForecast(actor: StaffActor, c: ForecastContext): Promise<ForecastView> {
  const key = `${String(actor.office ?? '*')}|${c.locale}|${c.timeZone}`;
  const now = Date.now();
  const hit = recentForecasts.get(key);
  if (hit && now - hit.at < forecastFreshMs) return hit.view;
  const view = forecastPanel(actor, c);
  recentForecasts.set(key, { at: now, view });
  view.catch(() => recentForecasts.delete(key));
  return view;
}
