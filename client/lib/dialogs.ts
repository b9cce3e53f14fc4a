/**
 * Native `<dialog>` helpers: open as modal (focus moves in, Escape closes, the page
 * behind is inert), close buttons, and focus back on what opened it.
 */
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

/** Checks required fields; marks the first empty one and returns false. */
export function requireFields(form: HTMLFormElement, message: string): boolean {
  for (const field of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('[required]:not([disabled])')) {
    if (field.value.trim() === '') {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
      const dialog = form.closest('dialog');
      if (dialog) showDialogError(dialog, message);
      return false;
    }
    field.removeAttribute('aria-invalid');
  }
  return true;
}
