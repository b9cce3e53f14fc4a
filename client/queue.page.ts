/**
 * "My queue": keyboard navigation (j / k, arrows, Enter), live rows and counts,
 * and ages that stay current.
 */
import { byId, find, isRecord, readJson, str } from './lib/dom.js';
import { keepListLive } from './lib/live-list.js';
import { enableRowNavigation } from './lib/rows-nav.js';
import { keepAgesFresh } from './lib/time.js';

function start(): void {
  const rows = byId('queue-rows', HTMLTableSectionElement);
  const data = readJson('page-data');
  if (!rows || !isRecord(data)) return;
  // On a phone the filters fold away, so the list comes first.
  const fold = document.getElementById('facets-fold');
  if (fold instanceof HTMLDetailsElement && window.matchMedia('(max-width: 760px)').matches) fold.open = false;
  enableRowNavigation(rows);
  keepAgesFresh();
  const snapshotUrl = str(data, 'snapshot');
  if (!snapshotUrl) return;
  keepListLive({
    snapshotUrl,
    rows,
    apply(snapshot) {
      if (isRecord(snapshot.counts)) {
        for (const [key, count] of Object.entries(snapshot.counts)) {
          for (const el of document.querySelectorAll(`[data-count-key="${CSS.escape(key)}"]`)) el.textContent = String(count);
        }
      }
      const total = find(document, '#queue-total', HTMLElement);
      const text = str(snapshot, 'totalText');
      if (total && text) total.textContent = text;
    },
  });
}

start();
