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
 * Checks required fields; marks every empty one, focuses the first, names them all ("Motif, Note
 * de passation : ce champ est obligatoire."), and returns false. Each mark goes as soon as its field
 * is filled, and the message once none is left.
 */
export function requireFields(form: HTMLFormElement, message: string): boolean {
  const empty = [...form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('[required]:not([disabled])')].filter((field) => {
    const missing = field.value.trim() === '';
    if (!missing) field.removeAttribute('aria-invalid');
    return missing;
  });
  if (empty.length === 0) return true;
  const dialog = form.closest('dialog');
  const names = empty.map(labelOf).filter((name) => name !== '');
  const said = names.length > 1 ? t('client.dialog.required_many') : message;
  if (dialog) showDialogError(dialog, names.length > 0 ? t('client.dialog.required_field', { field: names.join(', '), message: said }) : message);
  for (const field of empty) {
    field.setAttribute('aria-invalid', 'true');
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
  }
  empty[0]?.focus();
  return false;
}
