/**
 * Drafts in sessionStorage: what is typed in a reply, a note, a handoff or a reason
 * survives a reload, a conflict, a swapped page part and an expired session (the
 * sign-in form brings the person back to the same tab and page).
 */
import { isLongField, refreshLength } from './length-guard.js';

const prefix = 'relais:draft:';

type DraftField = HTMLTextAreaElement | HTMLInputElement | HTMLSelectElement;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: drafts are a comfort, not a requirement
  }
}

export function readDraft(key: string): string | null {
  return storage()?.getItem(prefix + key) ?? null;
}

export function writeDraft(key: string, value: string): void {
  const s = storage();
  if (!s) return;
  try {
    if (value === '') s.removeItem(prefix + key);
    else s.setItem(prefix + key, value);
  } catch {
    // quota exceeded: keep working without the draft
  }
}

export function clearDraft(key: string): void {
  storage()?.removeItem(prefix + key);
}

/**
 * Restores a field from its draft (when the field is empty) and saves every change.
 * Returns true when something was restored.
 */
export function bindDraft(field: DraftField, key: string): boolean {
  let restored = false;
  const saved = readDraft(key);
  if (saved) {
    if (field instanceof HTMLSelectElement) {
      if ([...field.options].some((o) => o.value === saved)) {
        field.value = saved;
        restored = true;
      }
    } else if (field.value === '') {
      field.value = saved;
      restored = true;
      // A restored text over its limit says so at once (no input event comes from setting the value).
      if (isLongField(field)) refreshLength(field);
    }
  }
  // Bound once per element: a swapped-in element gets its own listeners.
  if (field.dataset.draftBound !== key) {
    field.dataset.draftBound = key;
    const save = () => writeDraft(key, field.value);
    field.addEventListener('input', save);
    field.addEventListener('change', save);
  }
  return restored;
}
