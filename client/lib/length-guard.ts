/**
 * Long texts are never cut. With `maxlength` the browser drops whatever a paste brings past the limit,
 * silently (QA: a 200 kB log pasted into a reply kept its first 50,000 characters and could be sent
 * so). Fields for long text carry `data-maxlength` instead: the text stays whole, a line under the
 * field says by how much it is over, and its form is held back until it fits (the server checks again).
 *
 * Delegated from the document, so fields a page swaps in later (a dialog's parts) are watched too,
 * and forms marked `novalidate` or sent by script are held back as well: the browser's own validity
 * check is skipped for those. The line is not a live region (a count changing at every keystroke
 * would be read out each time); the field names it (`aria-describedby`), marked `aria-invalid`, and
 * gets the focus when its form is held back.
 *
 * The sentence is the page's (`data-too-long`, on member pages, which carry no client strings) or
 * `client.length.over`, with `{max}` and `{count}` in the page's way of writing numbers.
 */
import { pageLanguage, t } from './i18n.js';

type LongField = HTMLTextAreaElement | HTMLInputElement;

const selector = 'textarea[data-maxlength], input[data-maxlength]';

export function isLongField(target: EventTarget | null): target is LongField {
  return (target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement) && target.dataset.maxlength !== undefined;
}

/**
 * The length the server will measure: trimmed, and a line break as one character. A form post sends
 * `\r\n`, which every server schema for these fields folds back to `\n` before counting.
 */
function measured(field: LongField): number {
  return field.value.trim().length;
}

/** The sentence for a field over its `data-maxlength`, or '' when it fits (or has no such limit). */
export function lengthProblem(field: LongField): string {
  const max = Number(field.dataset.maxlength);
  const count = measured(field);
  if (!field.dataset.maxlength || !Number.isFinite(max) || count <= max) return '';
  const number = new Intl.NumberFormat(pageLanguage());
  const vars = { max: number.format(max), count: number.format(count) };
  const own = field.dataset.tooLong;
  return own ? own.replace(/\{(max|count)\}/g, (_, name: 'max' | 'count') => vars[name]) : t('client.length.over', vars);
}

function noteOf(field: LongField): HTMLElement {
  const id = `${field.id || field.name}-length`;
  const found = field.ownerDocument.getElementById(id);
  if (found) return found;
  const note = field.ownerDocument.createElement('p');
  note.id = id;
  note.className = 'field-error';
  note.hidden = true;
  field.after(note);
  return note;
}

/** Brings a field's line, its marks and its validity in step with its text; returns the problem ('' when it fits). */
export function refreshLength(field: LongField): string {
  const problem = lengthProblem(field);
  const note = noteOf(field);
  // A page the server sent back for the same length says it above the field: one sentence, not two (review).
  const serverSaid = field.ownerDocument.getElementById(`${field.id}-error`);
  if (problem && serverSaid && !serverSaid.hidden) serverSaid.hidden = true;
  if (note.textContent !== problem) note.textContent = problem;
  note.hidden = problem === '';
  const described = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id && id !== note.id);
  const ids = problem ? [...described, note.id] : described;
  if (ids.length > 0) field.setAttribute('aria-describedby', ids.join(' '));
  else field.removeAttribute('aria-describedby');
  // Only the mark this guard set is taken off: a field the server refused for another reason keeps its own.
  if (problem) {
    if (field.getAttribute('aria-invalid') !== 'true') field.dataset.lengthInvalid = '1';
    field.setAttribute('aria-invalid', 'true');
  } else if (field.dataset.lengthInvalid) {
    delete field.dataset.lengthInvalid;
    field.removeAttribute('aria-invalid');
  }
  field.setCustomValidity(problem);
  return problem;
}

/** Watches every long-text field of the page, now and later: its line as it is typed, and its form held back while it is over. */
export function guardLengths(doc: Document = document): void {
  for (const field of doc.querySelectorAll<LongField>(selector)) refreshLength(field);
  doc.addEventListener('input', (event) => {
    if (isLongField(event.target)) refreshLength(event.target);
  });
  // Capture, on the document: before any form's own submit handler (the dialogs', the composer's).
  doc.addEventListener(
    'submit',
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      const over = [...form.querySelectorAll<LongField>(selector)].find((field) => refreshLength(field) !== '');
      if (!over) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      over.focus();
    },
    true,
  );
}
