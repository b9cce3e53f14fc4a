/**
 * A list kept live: any update or removal from the socket schedules one snapshot
 * fetch (coalesced), whose rows are reconciled into the page with a cue per row and
 * one announcement for screen readers. The server renders the rows, so the live list
 * always looks exactly like a reload would, filters and permissions included.
 */
import { ApiError, request } from './api.js';
import { announce } from './announce.js';
import { fragment, isRecord, str } from './dom.js';
import { t } from './i18n.js';
import { connectLive, type LiveEvent } from './live.js';
import { reconcile } from './reconcile.js';
import { refreshAges } from './time.js';

export interface LiveListOptions {
  snapshotUrl: string;
  rows: HTMLElement;
  /** Applies the other parts of a snapshot (counts, totals, side panels). */
  apply(snapshot: Record<string, unknown>): void;
}

const debounceMs = 300;

export function describeEvent(event: LiveEvent): string {
  const key = `client.event.${event.type}`;
  const text = t(key, { name: event.actorName });
  return text === key ? t('client.event.other', { name: event.actorName }) : text;
}

/** A row's label for a change: none for one's own (a bulk action, another tab), which is not news. */
function newsOf(event: LiveEvent): string {
  return event.actorId !== null && event.actorId === document.body.dataset.me ? '' : describeEvent(event);
}

export interface LiveList {
  /** Refreshes now (after the person's own action), with an optional cue for one row. */
  refresh(cue?: { id: string; number: string; what: string }): void;
}

const ticketKey = /^[0-9a-f]{24}$/;
/**
 * Past this many rows shown, the whole snapshot (the address would pass 8 KB, which proxies refuse);
 * the board shows 100 rows, 400 with "show more", a queue 50.
 */
const maxKnownRows = 450;

/** The rows the page shows (key → version), those leaving aside. */
function shownRows(rows: HTMLElement): Map<string, string> {
  const shown = new Map<string, string>();
  for (const el of rows.children)
    if (el instanceof HTMLElement && el.dataset.key && !el.classList.contains('is-leaving')) shown.set(el.dataset.key, el.dataset.version ?? '');
  return shown;
}

/** The ticket rows shown, as the snapshot's `known` reads them: the key's last 12 hex digits and the version. */
function knownRows(shown: ReadonlyMap<string, string>): string | null {
  const tokens = [...shown].filter(([key]) => ticketKey.test(key)).map(([key, version]) => `${key.slice(-12)}.${version}`);
  return tokens.length > 0 && tokens.length <= maxKnownRows ? tokens.join(',') : null;
}

/** Set when a snapshot asked with the rows shown was refused on the way: whole snapshots only, from then on. */
let knownRefused = false;

/** Tokens are hex digits, dots and commas: sent as they are (a comma encoded is three characters). */
function withKnown(url: string, known: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}known=${known}`;
}

/**
 * The snapshot, its rows whole: asked with the rows shown, the server sends only the others and the
 * order of all (`order`); the rows this page keeps stand in as empty rows of the same key and version,
 * which `reconcile` keeps as they are. A row the page does not have after all: the whole snapshot.
 */
async function fetchSnapshot(options: LiveListOptions): Promise<unknown> {
  const shown = shownRows(options.rows);
  const known = knownRefused ? null : knownRows(shown);
  if (!known) return request(options.snapshotUrl);
  let snapshot: unknown;
  try {
    snapshot = await request(withKnown(options.snapshotUrl, known));
  } catch (error) {
    // Refused on the way for its length (a proxy's 400, 414 or 431, or a dropped connection): the whole
    // snapshot, and no list from then on. Anything else (signed out, the server failing) is not asked twice.
    if (!(error instanceof ApiError) || ![0, 400, 414, 431].includes(error.status)) throw error;
    knownRefused = true;
    return request(options.snapshotUrl);
  }
  if (!isRecord(snapshot) || !Array.isArray(snapshot.order)) return snapshot;
  const sent = new Map<string, string>();
  for (const el of fragment(str(snapshot, 'rowsHtml') ?? '').children) if (el instanceof HTMLElement && el.dataset.key) sent.set(el.dataset.key, el.outerHTML);
  const parts: string[] = [];
  for (const pair of snapshot.order as unknown[]) {
    const [key, version] = Array.isArray(pair) ? (pair as unknown[]) : [];
    if (typeof key !== 'string' || (typeof version !== 'number' && typeof version !== 'string')) return request(options.snapshotUrl);
    const row = sent.get(key);
    if (row !== undefined) {
      parts.push(row);
      continue;
    }
    if (shown.get(key) !== String(version)) return request(options.snapshotUrl);
    const stand = document.createElement('tr');
    stand.dataset.key = key;
    stand.dataset.version = String(version);
    parts.push(stand.outerHTML);
  }
  return { ...snapshot, rowsHtml: parts.join('') };
}

export function keepListLive(options: LiveListOptions): LiveList {
  const cues = new Map<string, { number: string; what: string; type?: string }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;

  async function refresh(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const snapshot = await fetchSnapshot(options);
      if (!isRecord(snapshot)) return;
      const html = str(snapshot, 'rowsHtml');
      if (html !== undefined) {
        const result = reconcile(options.rows, html, (key, kind) => {
          const cue = cues.get(key);
          // A row that now says it itself ("Renvoyé vers vous par …") needs no second line saying the same (QA).
          if (cue?.type === 'returned' && options.rows.querySelector(`[data-key="${CSS.escape(key)}"] .flag-returned`)) return '';
          return cue?.what ?? t(kind === 'new' ? 'client.cue.new' : kind === 'leaving' ? 'client.cue.left' : 'client.cue.updated');
        });
        refreshAges(options.rows);
        const touched = [...result.added, ...result.changed, ...result.removed];
        const [only] = touched;
        if (touched.length === 1 && only !== undefined) {
          const number = cues.get(only)?.number || (options.rows.querySelector(`[data-key="${CSS.escape(only)}"] .num`)?.textContent ?? '');
          const what = cues.get(only)?.what ?? t(result.added.length ? 'client.cue.new' : result.removed.length ? 'client.cue.left' : 'client.cue.updated');
          if (what) announce(t('client.announce.one', { number, what }));
        } else if (touched.length > 1) {
          announce(t('client.announce.many', { count: touched.length }));
        }
      }
      options.apply(snapshot);
      cues.clear();
    } catch {
      // The next update or reconnection tries again; a 401 has already redirected.
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), debounceMs);
  }

  connectLive({
    onUpdate(update) {
      cues.set(update.ticket.id, { number: update.ticket.number, what: newsOf(update.event), type: update.event.type });
      schedule();
    },
    onRemove(removal) {
      const number = options.rows.querySelector<HTMLElement>(`[data-key="${CSS.escape(removal.ticketId)}"] .num`)?.textContent ?? '';
      cues.set(removal.ticketId, { number, what: newsOf(removal.event) });
      schedule();
    },
    onResync: schedule,
  });
  return {
    refresh(cue) {
      if (cue) cues.set(cue.id, { number: cue.number, what: cue.what });
      schedule();
    },
  };
}
