/**
 * Applies a fresh server rendering of a list (queue rows, board rows) to the page
 * without a reload: rows are matched by `data-key`; an unchanged row (same
 * `data-version`) keeps its element, so focus and scroll stay put; a new or changed
 * row gets a short highlight and a cue; a row that left stays a moment, struck
 * through, before it goes. Focus follows the row the person was on.
 */
import { fragment } from './dom.js';

export interface ReconcileResult {
  added: string[];
  changed: string[];
  removed: string[];
}

const leaveMs = 1_800;
const cueMs = 4_000;

function keyed(container: Element): HTMLElement[] {
  return [...container.children].filter(
    (el): el is HTMLElement => el instanceof HTMLElement && el.dataset.key !== undefined && !el.classList.contains('is-leaving'),
  );
}

function cue(row: HTMLElement, kind: 'new' | 'changed' | 'leaving', label: string | undefined): void {
  row.classList.add(`is-${kind}`);
  if (label) {
    // The cue text is visible (and in the row for screen readers navigating the table), and never
    // covers the subject: at the end of a subject line (the board's, a flex line), or on a line of its
    // own under the subject (the queue's cell is one line cut at its end: first in it, a cue such as
    // "Réassigné par Isabelle Collard" hid the whole subject).
    const tag = document.createElement('span');
    tag.className = `cue cue-${kind}`;
    tag.textContent = label;
    const line = row.querySelector('.subject-line');
    const cell = row.querySelector('.col-subject');
    if (line) line.prepend(tag);
    else if (cell) {
      const own = document.createElement('span');
      own.className = 'cue-line';
      own.append(tag);
      cell.append(own);
    } else row.firstElementChild?.prepend(tag);
  }
  if (kind !== 'leaving') {
    setTimeout(() => {
      row.classList.remove(`is-${kind}`);
      row.querySelectorAll('.cue-line, .cue').forEach((el) => el.remove());
    }, cueMs);
  }
}

/**
 * Brings `container`'s keyed children in line with `html`. `labelFor` gives the cue
 * shown on a row (e.g. "Pris par Julie").
 */
export function reconcile(
  container: HTMLElement,
  html: string,
  labelFor: (key: string, kind: 'new' | 'changed' | 'leaving') => string | undefined,
): ReconcileResult {
  const active = document.activeElement;
  const focusedRow = active instanceof HTMLElement && container.contains(active) ? active.closest<HTMLElement>('[data-key]') : null;
  const focusedKey = focusedRow?.dataset.key;
  const focusedSelector =
    active instanceof HTMLElement && active.classList.contains('row-link')
      ? '.row-link'
      : active instanceof HTMLElement && active.dataset.reassign !== undefined
        ? '[data-reassign]'
        : '.row-link';

  const before = keyed(container);
  const oldByKey = new Map(before.map((el) => [el.dataset.key ?? '', el]));
  const incoming = [...fragment(html).children].filter((el): el is HTMLElement => el instanceof HTMLElement && el.dataset.key !== undefined);
  const result: ReconcileResult = { added: [], changed: [], removed: [] };
  const next: HTMLElement[] = [];
  const replaced: HTMLElement[] = [];
  for (const row of incoming) {
    const key = row.dataset.key ?? '';
    const old = oldByKey.get(key);
    if (old && old.dataset.version === row.dataset.version) {
      next.push(old);
    } else {
      if (old) replaced.push(old);
      next.push(row);
      if (key !== 'empty' && !key.startsWith('g:')) (old ? result.changed : result.added).push(key);
    }
    oldByKey.delete(key);
  }
  // Rows that left keep their place for a moment, next to their former neighbour.
  const leaving = [...oldByKey.values()];
  for (const row of leaving) {
    const key = row.dataset.key ?? '';
    if (key !== 'empty' && !key.startsWith('g:')) result.removed.push(key);
  }
  const ordered = [...next];
  const nextByKey = new Map(next.map((el) => [el.dataset.key ?? '', el]));
  for (const row of leaving) {
    if (row.dataset.key === 'empty' || row.dataset.key?.startsWith('g:')) continue;
    // Anchor on the nearest former neighbour still listed (by key: it may have been redrawn).
    const index = before.indexOf(row);
    const previousKey = before
      .slice(0, index)
      .reverse()
      .map((el) => el.dataset.key ?? '')
      .find((key) => nextByKey.has(key) || ordered.some((el) => el.dataset.key === key));
    const anchor = previousKey === undefined ? undefined : (nextByKey.get(previousKey) ?? ordered.find((el) => el.dataset.key === previousKey));
    ordered.splice(anchor ? ordered.indexOf(anchor) + 1 : 0, 0, row);
  }
  for (const row of leaving) if (!ordered.includes(row)) row.remove();
  for (const row of replaced) row.remove();

  ordered.forEach((row, i) => {
    if (container.children[i] !== row) container.insertBefore(row, container.children[i] ?? null);
  });

  for (const key of result.added) {
    const row = next.find((el) => el.dataset.key === key);
    if (row) cue(row, 'new', labelFor(key, 'new'));
  }
  for (const key of result.changed) {
    const row = next.find((el) => el.dataset.key === key);
    if (row) cue(row, 'changed', labelFor(key, 'changed'));
  }
  for (const row of leaving) {
    if (!ordered.includes(row)) continue;
    row.querySelectorAll('a, button').forEach((el) => el.setAttribute('tabindex', '-1'));
    cue(row, 'leaving', labelFor(row.dataset.key ?? '', 'leaving'));
    setTimeout(() => row.remove(), leaveMs);
  }

  // Keep the person where they were: the same row, or the next one when theirs left.
  if (focusedKey && (document.activeElement === document.body || !container.contains(document.activeElement) || oldByKey.has(focusedKey))) {
    const same = next.find((el) => el.dataset.key === focusedKey);
    const fallback = focusedRow ? ordered.slice(ordered.indexOf(focusedRow) + 1).find((el) => next.includes(el) && el.querySelector('.row-link')) : undefined;
    const target = (same ?? fallback)?.querySelector<HTMLElement>(focusedSelector) ?? (same ?? fallback)?.querySelector<HTMLElement>('.row-link');
    target?.focus({ preventScroll: true });
  }
  return result;
}
