/**
 * What every signed-in staff page does, whatever its own script: the `/` shortcut to the search box,
 * and "select all" boxes of plain forms (`data-select-all="<name>"` checks every box of that name in its form).
 */
import { enableSearchShortcut } from './lib/search-shortcut.js';

enableSearchShortcut();

document.addEventListener('change', (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const name = box.dataset.selectAll;
  for (const other of box.form?.querySelectorAll<HTMLInputElement>('input[type=checkbox]') ?? []) if (other.name === name) other.checked = box.checked;
});
