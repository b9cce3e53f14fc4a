/**
 * What every staff page shares, so no page can forget it:
 * - the `/` shortcut to the search box;
 * - the browser's field messages in the page's language (a laptop's own language is not the page's);
 * - long texts kept whole, held back while over their limit (`data-maxlength`: a paste is never cut);
 * - a question before a form that cannot be undone (`data-confirm`);
 * - the top bar's menu (closes on a click elsewhere or Escape);
 * - "select all" boxes of plain forms (`data-select-all="<name>"` checks every box of that name);
 * - on a phone, the sections' line (it scrolls sideways) shows the current section.
 */
import { enableMenus } from './lib/menus.js';
import { enableSearchShortcut } from './lib/search-shortcut.js';
import { guardLengths } from './lib/length-guard.js';
import { localizeValidity } from './lib/validity.js';

enableSearchShortcut();
enableMenus();
localizeValidity();
guardLengths();

// The sections scroll sideways on a phone: the current one is brought into view (scrolling the strip, not the page).
const topnav = document.querySelector<HTMLElement>('.topnav');
const current = topnav?.querySelector<HTMLElement>('[aria-current="page"]');
if (topnav && current && topnav.scrollWidth > topnav.clientWidth) {
  topnav.scrollLeft = Math.max(0, current.offsetLeft - topnav.offsetLeft - (topnav.clientWidth - current.offsetWidth) / 2);
}

// A form whose action cannot be undone from the page (`data-confirm="<question>"`) asks first.
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener('change', (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const name = box.dataset.selectAll;
  for (const other of box.form?.querySelectorAll<HTMLInputElement>('input[type=checkbox]') ?? []) if (other.name === name) other.checked = box.checked;
});
