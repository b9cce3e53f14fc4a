/**
 * Puts the composer's view (composer-state.ts) on the page: the radios, the hint, the button's
 * label and the command it sends all come from the same `ComposerView`.
 */
import type { ComposerView } from './composer-state.js';
import { byId, find } from './dom.js';
import { t } from './i18n.js';

export function showComposerView(elements: { composer: HTMLElement; form: HTMLFormElement; sendButton: HTMLButtonElement | null }, view: ComposerView): void {
  const { composer, form, sendButton } = elements;
  composer.dataset.mode = view.mode;
  const reply = find(form, 'input[name=mode][value=reply]', HTMLInputElement);
  const note = find(form, 'input[name=mode][value=note]', HTMLInputElement);
  if (reply) {
    reply.disabled = !view.replyEnabled;
    reply.checked = view.mode === 'reply';
  }
  if (note) note.checked = view.mode === 'note';
  const hint = byId('composer-hint', HTMLElement);
  if (hint)
    hint.textContent = view.hint
      .map((key) => hint.dataset[key] ?? '')
      .join(' ')
      .trim();
  if (sendButton) {
    sendButton.textContent = t(view.buttonKey);
    sendButton.dataset.command = view.command;
  }
}
