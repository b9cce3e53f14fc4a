/**
 * Menus made of `<details class="…-menu">` (the signed-in person's menu in the top bar): they open and
 * close without script; with it they also close as a menu does — on a click elsewhere, on Escape
 * (focus back on the button), and when the focus leaves them.
 */
const menuSelector = 'details.me-menu';

function openMenus(doc: Document): HTMLDetailsElement[] {
  return [...doc.querySelectorAll<HTMLDetailsElement>(`${menuSelector}[open]`)];
}

export function enableMenus(doc: Document = document): void {
  doc.addEventListener('click', (event) => {
    for (const menu of openMenus(doc)) if (!(event.target instanceof Node && menu.contains(event.target))) menu.open = false;
  });
  doc.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    for (const menu of openMenus(doc)) {
      menu.open = false;
      menu.querySelector('summary')?.focus();
    }
  });
  doc.addEventListener('focusin', (event) => {
    for (const menu of openMenus(doc)) if (!(event.target instanceof Node && menu.contains(event.target))) menu.open = false;
  });
}
