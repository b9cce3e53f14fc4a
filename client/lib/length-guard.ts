/**
 * Long texts are never cut. With `maxlength` the browser drops whatever a paste brings past the limit,
 * silently (QA: a 200 kB log pasted into a reply kept its first 50,000 characters and could be sent
 * so). Fields for long text carry `data-maxlength` instead: the text stays whole, a line under the
 * field says by how much it is over, and the form is not sent until it fits; the server checks again.
 * The sentence is the page's (`data-too-long`, on member pages) or `client.length.over`, with `{max}`
 * and `{count}` filled in the page's way of writing numbers.
 */
import { pageLanguage, t } from './i18n.js';

type LongField = HTMLTextAreaElement;

/** The sentence for a field over its `data-maxlength`, or '' when it fits (or has no such limit). */
export function lengthProblem(field: LongField): string {
  const max = Number(field.dataset.maxlength);
  if (!field.dataset.maxlength || !Number.isFinite(max) || field.value.length <= max) return '';
  const number = new Intl.NumberFormat(pageLanguage());
  const vars = { max: number.format(max), count: number.format(field.value.length) };
  const own = field.dataset.tooLong;
  return own ? own.replace(/\{(max|count)\}/g, (_, name: 'max' | 'count') => vars[name]) : t('client.length.over', vars);
}

/** Watches every `textarea[data-maxlength]` of the page: the line under it, and the form held back while it is over. */
export function guardLengths(doc: Document = document): void {
  for (const field of doc.querySelectorAll<LongField>('textarea[data-maxlength]')) {
    const note = doc.createElement('p');
    note.id = `${field.id || field.name}-length`;
    note.className = 'field-error';
    note.hidden = true;
    note.setAttribute('aria-live', 'polite');
    field.after(note);
    const check = (): void => {
      const problem = lengthProblem(field);
      if (problem === note.textContent) return;
      note.textContent = problem;
      note.hidden = problem === '';
      const described = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id && id !== note.id);
      field.setAttribute('aria-describedby', (problem ? [...described, note.id] : described).join(' '));
      if (problem) field.setAttribute('aria-invalid', 'true');
      else field.removeAttribute('aria-invalid');
      field.setCustomValidity(problem);
    };
    field.addEventListener('input', check);
    check();
  }
}
