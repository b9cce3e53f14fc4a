/**
 * Keyboard work on a list of tickets: j / ↓ and k / ↑ move between rows (focus goes
 * to each row's link, so Enter opens it natively and the focus ring is visible),
 * Home / End jump to the ends. Single-letter keys never fire while typing.
 */
import { isTyping } from './dom.js';

export interface RowNavOptions {
  /** Extra keys on the focused row, e.g. `r` to reassign it. */
  onKey?: (key: string, row: HTMLElement, event: KeyboardEvent) => boolean;
}

function links(container: HTMLElement): HTMLAnchorElement[] {
  return [...container.querySelectorAll<HTMLAnchorElement>('tr:not(.is-leaving) a.row-link')];
}

export function enableRowNavigation(container: HTMLElement, options: RowNavOptions = {}): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    if (document.querySelector('dialog[open]')) return;
    const list = links(container);
    if (list.length === 0) return;
    const active = document.activeElement;
    const row = active instanceof HTMLElement ? active.closest<HTMLElement>('tr[data-key]') : null;
    const inList = row !== null && container.contains(row);
    const index = inList ? list.findIndex((a) => row.contains(a)) : -1;
    let target: HTMLAnchorElement | undefined;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        if (event.key === 'ArrowDown' && !inList) return; // arrows scroll the page until the list has focus
        target = list[Math.min(list.length - 1, index + 1)];
        break;
      case 'k':
      case 'ArrowUp':
        if (event.key === 'ArrowUp' && !inList) return;
        target = list[Math.max(0, index - 1)];
        break;
      case 'Home':
        if (!inList) return;
        target = list[0];
        break;
      case 'End':
        if (!inList) return;
        target = list.at(-1);
        break;
      default:
        if (inList && options.onKey?.(event.key, row, event)) event.preventDefault();
        return;
    }
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.closest('tr')?.scrollIntoView({ block: 'nearest' });
  });
}
