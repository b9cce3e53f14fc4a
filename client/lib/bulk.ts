/**
 * Selecting rows of a live list (queue, board) and acting on them at once: a checkbox per row and
 * "select all visible", Space or x on the focused row (Shift: the range from the last row chosen),
 * and the action bar, which sends each selected ticket with the version its row shows — the server
 * applies the same checks as on one ticket and answers a result per ticket, which the bar lists.
 * The selection survives live updates: rows re-rendered by the snapshot get their box back.
 */
import { refreshPeopleLabels } from './people-labels.js';
import { describeError, request } from './api.js';
import { announce } from './announce.js';
import { isRecord } from './dom.js';
import { t, tp } from './i18n.js';

const MAX = 200;

export interface BulkSelection {
  /** Toggles the row (the keyboard); `range` selects from the last row chosen. */
  toggle(row: HTMLElement, range: boolean): void;
}

interface Result {
  id: string;
  ok: boolean;
  number: string | null;
  status: number | string;
  reason: string | null;
}

function boxes(rows: HTMLElement): HTMLInputElement[] {
  return [...rows.querySelectorAll<HTMLInputElement>('tr:not(.is-leaving) input.row-select')];
}

export function setupBulk(rows: HTMLElement, onDone: () => void): BulkSelection | null {
  const form = document.getElementById('bulk-bar');
  const results = document.getElementById('bulk-results');
  const selectAll = document.getElementById('select-all');
  if (!(form instanceof HTMLFormElement) || !results) return null;
  const selected = new Set<string>();
  let last: string | null = null;

  // A person of a lower tier takes a selected escalation down to theirs: said before applying, as the
  // one-ticket dialog says it (QA at a year of data: a tier-2 escalation left for tier 1 without a word).
  // The note stays in the page (a status region is heard when its text changes, not when it appears);
  // empty, CSS hides it. Its text is written only when it changes: the rows re-render every minute.
  const tierNote = form.querySelector<HTMLElement>('[data-bulk-tier-note]');
  const sayTierChange = () => {
    if (!tierNote) return;
    const action = form.querySelector<HTMLSelectElement>('[data-bulk-action]')?.value;
    const option = form.querySelector<HTMLSelectElement>('select[name="assignee"]')?.selectedOptions[0];
    const to = Number((option?.value ? option.parentElement : null)?.dataset.tier);
    const down = action === 'assign' && to > 0 ? boxes(rows).filter((b) => selected.has(b.value) && Number(b.dataset.tier) > to).length : 0;
    const text = down > 0 ? tp('bulk.client.tier_down', down, { to }) : '';
    if (tierNote.textContent !== text) tierNote.textContent = text;
  };
  form.addEventListener('change', sayTierChange);

  const sync = () => {
    const present = new Set(boxes(rows).map((b) => b.value));
    // A ticket that left the list (someone resolved it) leaves the selection too.
    for (const id of [...selected]) if (!present.has(id)) selected.delete(id);
    for (const box of boxes(rows)) {
      box.checked = selected.has(box.value);
      box.closest('tr')?.classList.toggle('is-selected', box.checked);
    }
    form.hidden = selected.size === 0;
    sayTierChange();
    const count = form.querySelector('[data-bulk-count]');
    if (count) count.textContent = tp('bulk.client.selected', selected.size);
    if (selectAll instanceof HTMLInputElement) {
      const all = boxes(rows);
      selectAll.checked = all.length > 0 && all.every((b) => selected.has(b.value));
      selectAll.indeterminate = selected.size > 0 && !selectAll.checked;
    }
  };

  const set = (id: string, on: boolean) => (on ? selected.add(id) : selected.delete(id));

  const toggle = (id: string, on: boolean, range: boolean) => {
    const list = boxes(rows).map((b) => b.value);
    if (range && last !== null && list.includes(last)) {
      const from = Math.min(list.indexOf(last), list.indexOf(id));
      const to = Math.max(list.indexOf(last), list.indexOf(id));
      for (const other of list.slice(from, to + 1)) set(other, on);
    } else set(id, on);
    last = id;
    sync();
  };

  rows.addEventListener('click', (event) => {
    const box = event.target instanceof HTMLInputElement && event.target.classList.contains('row-select') ? event.target : null;
    if (box) toggle(box.value, box.checked, event.shiftKey);
  });
  if (selectAll instanceof HTMLInputElement) {
    selectAll.addEventListener('change', () => {
      for (const box of boxes(rows)) set(box.value, selectAll.checked);
      sync();
    });
  }
  // The live list replaces rows it re-renders: give them their box back.
  new MutationObserver(sync).observe(rows, { childList: true, subtree: true });

  const action = form.querySelector<HTMLSelectElement>('[data-bulk-action]');
  const showExtra = () => {
    for (const extra of form.querySelectorAll<HTMLElement>('[data-for]')) extra.hidden = extra.dataset.for !== action?.value;
    if (action?.value === 'assign') void refreshPeopleLabels(form.querySelector<HTMLSelectElement>('select[name="assignee"]'));
  };
  action?.addEventListener('change', showExtra);
  form.querySelector('[data-bulk-clear]')?.addEventListener('click', () => {
    selected.clear();
    sync();
  });

  const show = (html: string[], error: boolean) => {
    results.replaceChildren();
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'btn btn-quiet btn-small bulk-dismiss';
    dismiss.textContent = t('client.ticket.dismiss');
    dismiss.addEventListener('click', () => {
      results.hidden = true;
    });
    results.append(dismiss);
    for (const line of html) {
      const p = document.createElement('p');
      p.textContent = line;
      results.append(p);
    }
    results.classList.toggle('notice-error', error);
    results.classList.toggle('notice-success', !error);
    results.hidden = false;
  };

  const why = (r: Result): string => {
    if (r.reason && t(`client.reason.${r.reason}`) !== `client.reason.${r.reason}`) return t(`client.reason.${r.reason}`);
    if (r.status === 403) return t('bulk.client.forbidden');
    if (r.status === 404) return t('bulk.client.not_found');
    return t('bulk.client.other');
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const data = new FormData(form);
      const what = String(data.get('action') ?? '');
      if (!what) {
        show([t('bulk.client.choose_action')], true);
        action?.focus();
        return;
      }
      if (selected.size > MAX) {
        show([t('bulk.client.too_many', { max: MAX })], true);
        return;
      }
      // Giving tickets to someone says to whom and why (a supervisor's move is always explained): said here, not by a 400.
      if (what === 'assign' && (!String(data.get('assignee') ?? '') || !String(data.get('reason') ?? '').trim())) {
        show([t('bulk.client.assign_needs')], true);
        form.querySelector<HTMLElement>(String(data.get('assignee') ?? '') ? '[name="reason"]' : '[name="assignee"]')?.focus();
        return;
      }
      // Resolving mails every member, answered or not: said before, not after.
      if (what === 'resolve' && !window.confirm(t('bulk.client.confirm_resolve', { count: selected.size }))) return;
      const tickets = [...selected].map((id) => {
        const row = rows.querySelector<HTMLElement>(`tr[data-key="${CSS.escape(id)}"]`);
        return { id, version: Number(row?.dataset.version ?? 0) };
      });
      const numbers = new Map(tickets.map((x) => [x.id, rows.querySelector(`tr[data-key="${CSS.escape(x.id)}"] .num`)?.textContent ?? '']));
      const body: Record<string, unknown> = { action: what, tickets };
      if (what === 'assign') Object.assign(body, { assignee: data.get('assignee'), reason: data.get('reason') });
      if (what === 'priority') body.priority = data.get('priority');
      if (what === 'category') body.category = data.get('category') || null;
      if (what === 'resolve' && String(data.get('note') ?? '').trim()) body.note = String(data.get('note'));
      if (what === 'spam') body.blockSender = data.get('blockSender') === '1';
      show([t('bulk.client.working')], false);
      try {
        const answer = await request('/api/v1/tickets/bulk', { method: 'POST', body });
        if (!isRecord(answer) || !Array.isArray(answer.results)) throw new Error('unexpected answer');
        const list = answer.results as Result[];
        const refused = list.filter((r) => !r.ok);
        const summary = t('bulk.client.summary', { done: list.length - refused.length, refused: refused.length });
        show(
          [summary, ...refused.map((r) => t('bulk.client.refused_line', { number: r.number ?? numbers.get(r.id) ?? t('bulk.client.a_ticket'), why: why(r) }))],
          refused.length > 0,
        );
        announce(summary);
        // The selection is done with: the next action starts from what the advisor ticks anew (a ticket
        // refused here, still ticked, was silently part of the next one); the results name the refused.
        selected.clear();
        sync();
        onDone();
      } catch (error) {
        show([describeError(error)], true);
      }
    })();
  });
  sync();
  return {
    toggle(row, range) {
      const box = row.querySelector<HTMLInputElement>('input.row-select');
      if (box) toggle(box.value, !selected.has(box.value), range);
    },
  };
}
