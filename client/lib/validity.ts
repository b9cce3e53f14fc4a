/**
 * The browser's own messages for a field the form will not send ("Please fill out this field.") come
 * in the browser's language, not the page's: a Dutch-speaking advisor on a French-configured laptop
 * read English. This gives every field of every staff page the page's wording instead; the checks
 * stay the browser's (`required`, `type=email`, `minlength`…), and the server checks again.
 */
import { t } from './i18n.js';
import { isLongField, lengthProblem } from './length-guard.js';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function isField(target: EventTarget | null): target is Field {
  return target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
}

/** The page's sentence for what is wrong with `field`, or '' when nothing is. */
export function validityMessage(field: Field): string {
  // A long text over its limit (length-guard.ts): no built-in flag says so once the message is cleared.
  const over = isLongField(field) ? lengthProblem(field) : '';
  if (over) return over;
  const v = field.validity;
  if (v.valid) return '';
  if (v.valueMissing) {
    if (field instanceof HTMLSelectElement) return t('client.validity.choose');
    if (field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio')) return t('client.validity.check');
    if (field instanceof HTMLInputElement && field.type === 'file') return t('client.validity.file');
    return t('client.validity.required');
  }
  if (v.typeMismatch && field.type === 'email') return t('client.validity.email');
  if (v.typeMismatch && field.type === 'url') return t('client.validity.url');
  if (v.tooShort && !(field instanceof HTMLSelectElement)) return t('client.validity.too_short', { count: field.minLength });
  if (v.tooLong && !(field instanceof HTMLSelectElement)) return t('client.validity.too_long', { count: field.maxLength });
  if (v.rangeUnderflow && field instanceof HTMLInputElement) return t('client.validity.min', { min: field.min });
  if (v.rangeOverflow && field instanceof HTMLInputElement) return t('client.validity.max', { max: field.max });
  if (v.patternMismatch && field.title) return field.title;
  return t('client.validity.other');
}

export function localizeValidity(doc: Document = document): void {
  // `invalid` does not bubble: listen while it goes down. A message of our own would keep the
  // field invalid, so it is cleared before each check and at every change.
  doc.addEventListener(
    'invalid',
    (event) => {
      const field = event.target;
      if (!isField(field)) return;
      field.setCustomValidity('');
      field.setCustomValidity(validityMessage(field));
    },
    true,
  );
  const clear = (event: Event) => {
    if (isField(event.target)) event.target.setCustomValidity(isLongField(event.target) ? lengthProblem(event.target) : '');
  };
  doc.addEventListener('input', clear, true);
  doc.addEventListener('change', clear, true);
}
