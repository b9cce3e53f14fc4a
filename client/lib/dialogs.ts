/**
 * Native `<dialog>` helpers: open as modal (focus moves in, Escape closes, the page
 * behind is inert), close buttons, and focus back on what opened it.
 */
import { t } from './i18n.js';

const openers = new WeakMap<HTMLDialogElement, HTMLElement>();

export function openDialog(dialog: HTMLDialogElement, opener?: HTMLElement | null): void {
  if (opener) openers.set(dialog, opener);
  dialog.querySelectorAll<HTMLElement>('.dialog-error').forEach((el) => {
    el.hidden = true;
    el.textContent = '';
  });
  if (!dialog.open) dialog.showModal();
  const first = dialog.querySelector<HTMLElement>('[autofocus], select:not([disabled]), textarea, input:not([type=hidden]):not([disabled])');
  first?.focus();
}

export function closeDialog(dialog: HTMLDialogElement): void {
  if (dialog.open) dialog.close();
}

/** Wires `[data-close]` buttons and focus return for every dialog under `root` (idempotent). */
export function wireDialogs(root: ParentNode = document): void {
  for (const dialog of root.querySelectorAll('dialog')) {
    if (dialog.dataset.wired) continue;
    dialog.dataset.wired = '1';
    dialog.addEventListener('click', (event) => {
      const target = event.target;
      if (target instanceof HTMLElement && target.closest('[data-close]')) closeDialog(dialog);
    });
    dialog.addEventListener('close', () => {
      const opener = openers.get(dialog);
      if (opener?.isConnected) opener.focus();
    });
  }
}

export function showDialogError(dialog: HTMLDialogElement, message: string): void {
  const box = dialog.querySelector<HTMLElement>('.dialog-error');
  if (!box) return;
  box.textContent = message;
  box.hidden = false;
}

/** The text of a field's label (without its hints), to name it in an error. */
function labelOf(field: HTMLElement): string {
  const label = (field.id ? document.querySelector<HTMLLabelElement>(`label[for="${CSS.escape(field.id)}"]`) : null) ?? field.closest('label');
  const legend = field.closest('fieldset')?.querySelector('legend');
  const text = (label ?? legend)?.textContent ?? field.getAttribute('aria-label') ?? '';
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Checks required fields; marks the first empty one, says which it is ("Motif : ce champ est
 * obligatoire."), and returns false. The mark and the message go as soon as the field is filled.
 */
export function requireFields(form: HTMLFormElement, message: string): boolean {
  for (const field of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('[required]:not([disabled])')) {
    if (field.value.trim() === '') {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
      const dialog = form.closest('dialog');
      const name = labelOf(field);
      if (dialog) showDialogError(dialog, name ? t('client.dialog.required_field', { field: name, message }) : message);
      const clear = () => {
        if (field.value.trim() === '') return;
        field.removeAttribute('aria-invalid');
        field.removeEventListener('input', clear);
        field.removeEventListener('change', clear);
        if (dialog && !dialog.querySelector('[aria-invalid="true"]')) {
          dialog.querySelectorAll<HTMLElement>('.dialog-error').forEach((el) => {
            el.hidden = true;
            el.textContent = '';
          });
        }
      };
      field.addEventListener('input', clear);
      field.addEventListener('change', clear);
      return false;
    }
    field.removeAttribute('aria-invalid');
  }
  return true;
}
