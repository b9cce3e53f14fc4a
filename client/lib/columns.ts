/**
 * The queue's column chooser: the boxes are saved to the person's own record
 * (`PUT /api/v1/me/preferences`), then the page reloads with the chosen columns (the
 * server renders only those). Without this script the chooser stays hidden.
 */
import { describeError, request } from './api.js';

export function setupColumnChooser(): void {
  const chooser = document.getElementById('columns-chooser');
  const form = document.getElementById('columns-form');
  const error = document.getElementById('columns-error');
  if (!(chooser instanceof HTMLDetailsElement) || !(form instanceof HTMLFormElement) || !error) return;
  chooser.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const boxes = [...form.querySelectorAll<HTMLInputElement>('input[name="column"]')];
    const queueColumns = boxes.filter((b) => b.checked).map((b) => b.value);
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    request('/api/v1/me/preferences', { method: 'PUT', body: { queueColumns } })
      .then(() => location.reload())
      .catch((failure: unknown) => {
        error.textContent = describeError(failure);
        error.hidden = false;
        if (button) button.disabled = false;
      });
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && chooser.open) {
      chooser.open = false;
      chooser.querySelector('summary')?.focus();
    }
  });
}
