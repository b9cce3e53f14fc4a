/**
 * `/` puts the cursor in the search box of the top bar, from any staff page, as in most mail and
 * ticket tools — but never while typing in a field or with a dialog open, where `/` is just a character.
 */
import { isTyping } from './dom.js';

export function enableSearchShortcut(doc: Document = document): void {
  doc.addEventListener('keydown', (event) => {
    // Shift is allowed: on AZERTY keyboards `/` is Shift + `:`.
    if (event.key !== '/' || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    if (isTyping(event.target) || doc.querySelector('dialog[open]')) return;
    const box = doc.getElementById('topsearch-q');
    if (!(box instanceof HTMLInputElement)) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
}
