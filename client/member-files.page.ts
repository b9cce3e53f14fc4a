/**
 * The member pages' file fields (the help form, an answer on a request): the files chosen are checked
 * in the browser against the limits the server applies — how many, how large, not empty — so a phone
 * does not spend its data on an upload the server would refuse, and the member learns it at once. The
 * server still checks everything (the pages work without script, and the content's type is only known
 * there); the sentences are the server's own, written into the field by the page in its language with
 * `{file}` left for the name. The message fields are watched the same way for their length.
 *
 * A field the server refused loses its error once the member has put it right (and its line in the
 * summary at the top with it): a form sent back with "required" beside fields now filled reads as if
 * they were still wrong (QA, the help form in Dutch on a phone).
 */
import { fileProblems, type FileLimits } from './lib/file-limits.js';
import { guardLengths } from './lib/length-guard.js';
import { bindDraft, clearDraft, writeDraft } from './lib/drafts.js';

// Before the file fields: a member held back by a text too long keeps the files chosen (a new page would drop them).
guardLengths();
keepRefusedAnswer();

/**
 * A refused answer is shown at the address it was sent to (`…/reponses`, `…/evaluation`), so a reload
 * asked to send the form again (QA). The address becomes the request's own, and what was typed in the
 * answer is kept in this tab (drafts.ts) for a reload or a page left by mistake, until it is sent.
 */
function keepRefusedAnswer(): void {
  const match = /^(\/suivi\/demandes\/R-\d{4}-\d{6})(?:\/(reponses|evaluation))?$/.exec(location.pathname);
  if (!match) return;
  const [, page = '', action] = match;
  const key = `member-reply:${page}`;
  const done = new URLSearchParams(location.search).get('done');
  const reply = document.getElementById('f-reply');
  if (done === 'replied' || done === 'thanked') clearDraft(key);
  else if (reply instanceof HTMLTextAreaElement) {
    bindDraft(reply, key);
    if (reply.value !== '') writeDraft(key, reply.value);
  }
  if (action) history.replaceState(null, '', `${page}#${action === 'evaluation' ? 'evaluation' : 'reply-title'}`);
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[type="file"][data-max-bytes]')) {
  const limits: FileLimits = { maxFiles: Number(input.dataset.maxFiles), maxBytes: Number(input.dataset.maxBytes) };
  const words = { tooLarge: input.dataset.tooLarge ?? '', tooMany: input.dataset.tooMany ?? '', empty: input.dataset.empty ?? '' };
  const field = input.closest('.field');
  const errorId = `${input.id}-error`;

  const show = (sentences: string[]): void => {
    let error = document.getElementById(errorId);
    if (sentences.length === 0) {
      error?.remove();
      field?.classList.remove('has-error');
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', (input.getAttribute('aria-describedby') ?? '').replace(errorId, '').trim());
      return;
    }
    if (!error) {
      error = document.createElement('p');
      error.className = 'field-error';
      error.id = errorId;
      input.before(error);
    }
    error.setAttribute('role', 'alert');
    error.textContent = sentences.join(' ');
    field?.classList.add('has-error');
    input.setAttribute('aria-invalid', 'true');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    if (!described.includes(errorId)) input.setAttribute('aria-describedby', [...described, errorId].join(' '));
  };

  // One sentence for too many files, however many over (it names no file: the member chooses them again).
  const check = (): string[] => [
    ...new Set(
      fileProblems([...(input.files ?? [])], limits).map((p) =>
        (p.problem === 'too_large' ? words.tooLarge : p.problem === 'too_many' ? words.tooMany : words.empty).replace('{file}', p.name),
      ),
    ),
  ];

  // The page's own button and the names chosen, in its language, in place of the browser's control.
  const button = field?.querySelector<HTMLElement>('.file-button');
  const names = field?.querySelector<HTMLElement>('.file-names');
  const none = names?.textContent ?? '';
  const listNames = (): void => {
    if (names) names.textContent = [...(input.files ?? [])].map((f) => f.name).join(', ') || none;
  };
  if (field && button && names) {
    field.classList.add('file-enhanced');
    button.hidden = false;
    names.hidden = false;
    listNames();
    // Files dropped on the button are chosen as if picked (the browser's own field, now hidden, took drops).
    button.addEventListener('dragover', (event) => {
      event.preventDefault();
      button.classList.add('is-dragover');
    });
    button.addEventListener('dragleave', () => button.classList.remove('is-dragover'));
    button.addEventListener('drop', (event) => {
      event.preventDefault();
      button.classList.remove('is-dragover');
      if (!event.dataTransfer?.files.length) return;
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  input.addEventListener('change', () => {
    listNames();
    show(check());
  });
  input.form?.addEventListener('submit', (event) => {
    const sentences = check();
    if (sentences.length === 0) return;
    event.preventDefault();
    show(sentences);
    input.focus();
  });
}

document.addEventListener('input', (event) => clearRefusal(event.target));
document.addEventListener('change', (event) => clearRefusal(event.target));

function clearRefusal(target: EventTarget | null): void {
  if (!(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)) return;
  if (target.type === 'file' || target.getAttribute('aria-invalid') !== 'true' || !target.id || !target.checkValidity()) return;
  const errorId = `${target.id}-error`;
  document.getElementById(errorId)?.remove();
  target.removeAttribute('aria-invalid');
  const described = (target.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== errorId);
  if (described.length > 0) target.setAttribute('aria-describedby', described.join(' '));
  else target.removeAttribute('aria-describedby');
  target.closest('.field')?.classList.remove('has-error');
  const summary = document.querySelector<HTMLElement>('.error-summary');
  summary
    ?.querySelector(`a[href="#${CSS.escape(target.id)}"]`)
    ?.closest('li')
    ?.remove();
  if (summary && !summary.querySelector('li')) summary.hidden = true;
}
