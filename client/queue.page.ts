/**
 * "My queue": keyboard navigation (j / k, arrows, Enter), live rows and counts,
 * ages that stay current, selecting rows to act on many (Space or x; lib/bulk.ts), and
 * the column chooser (lib/columns.ts).
 */
import { byId, find, isRecord, readJson, str } from './lib/dom.js';
import { keepListLive } from './lib/live-list.js';
import { enableRowNavigation } from './lib/rows-nav.js';
import { setupBulk } from './lib/bulk.js';
import { keepAgesFresh } from './lib/time.js';
import { setupColumnChooser } from './lib/columns.js';

function start(): void {
  const rows = byId('queue-rows', HTMLTableSectionElement);
  const data = readJson('page-data');
  if (!rows || !isRecord(data)) return;
  // On a phone the filters fold away, so the list comes first.
  const fold = document.getElementById('facets-fold');
  if (fold instanceof HTMLDetailsElement && window.matchMedia('(max-width: 760px)').matches) fold.open = false;
  keepAgesFresh();
  setupColumnChooser();
  const snapshotUrl = str(data, 'snapshot');
  if (!snapshotUrl) return;
  const list = keepListLive({
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
  const selection = setupBulk(rows, () => list.refresh());
  enableRowNavigation(rows, {
    onKey(key, row, event) {
      if (key !== ' ' && key.toLowerCase() !== 'x') return false;
      selection?.toggle(row, event.shiftKey);
      return selection !== null;
    },
  });
}

start();
