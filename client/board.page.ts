/**
 * The supervisor board: live escalation rows and load panel, keyboard navigation
 * (j / k, Enter, r to reassign the focused row), and the reassign dialog.
 */
import { announce } from './lib/announce.js';
import { byId, isRecord, readJson, str } from './lib/dom.js';
import { t } from './lib/i18n.js';
import { keepListLive } from './lib/live-list.js';
import { setupReassign } from './lib/reassign.js';
import { enableRowNavigation } from './lib/rows-nav.js';
import { setupBulk } from './lib/bulk.js';
import { keepAgesFresh } from './lib/time.js';

function start(): void {
  const rows = byId('board-rows', HTMLTableSectionElement);
  const data = readJson('page-data');
  const dialog = byId('reassign-dialog', HTMLDialogElement);
  if (!rows || !isRecord(data)) return;
  const snapshotUrl = str(data, 'snapshot') ?? '/staff/board/snapshot';

  const replace = (id: string, html: unknown) => {
    const el = document.getElementById(id);
    if (el && typeof html === 'string' && !el.contains(document.activeElement)) el.innerHTML = html;
  };
  const list = keepListLive({
    snapshotUrl,
    rows,
    apply(snapshot) {
      replace('board-load', snapshot.loadHtml);
      replace('board-totals', snapshot.totalsHtml);
      replace('board-more', snapshot.moreHtml);
      replace('board-away', snapshot.awayHtml);
      replace('board-forecast-panel', snapshot.forecastHtml);
    },
  });
  const flash = document.getElementById('board-flash');
  let flashTimer: ReturnType<typeof setTimeout> | undefined;
  const reassign = dialog
    ? setupReassign(dialog, {
        onDone(ticket, _updated, target) {
          // Named, with a way back to it: a ticket moved to another office leaves the supervisor's board,
          // and they follow it read only from then on (ticket.workers.ts).
          const what = target ? t('client.board.reassigned_to', { number: ticket.number, target }) : t('client.board.reassigned', { number: ticket.number });
          announce(what);
          if (flash) {
            const link = document.createElement('a');
            link.href = `/staff/tickets/${encodeURIComponent(ticket.id)}`;
            link.textContent = t('client.board.open_ticket', { number: ticket.number });
            flash.replaceChildren(document.createTextNode(`${what} `), link);
            flash.hidden = false;
            clearTimeout(flashTimer);
            flashTimer = setTimeout(() => (flash.hidden = true), 10_000);
          }
          list.refresh({ id: ticket.id, number: ticket.number, what: t('client.cue.updated') });
        },
        onConflict: () => list.refresh(),
      })
    : null;

  const openFor = (button: HTMLElement) => {
    const id = button.dataset.reassign;
    const version = Number(button.dataset.version);
    if (!reassign || !id || !Number.isInteger(version)) return;
    const tier = Number(button.dataset.tier);
    reassign.open({ id, version, number: button.dataset.number ?? '', ...(Number.isInteger(tier) && tier > 0 ? { tier } : {}) }, button);
  };
  rows.addEventListener('click', (event) => {
    const button = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('[data-reassign]') : null;
    if (button) openFor(button);
  });
  const selection = setupBulk(rows, () => list.refresh());
  enableRowNavigation(rows, {
    onKey(key, row, event) {
      if (key === ' ' || key.toLowerCase() === 'x') {
        selection?.toggle(row, event.shiftKey);
        return selection !== null;
      }
      if (key !== 'r') return false;
      const button = row.querySelector<HTMLElement>('[data-reassign]');
      if (button) openFor(button);
      return Boolean(button);
    },
  });
  keepAgesFresh();
}

start();
