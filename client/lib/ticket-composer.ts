/**
 * The ticket page's reply / note composer: the mode (composer-state.ts decides what the button says
 * and sends), the draft kept in sessionStorage, files, "is typing", Ctrl+Enter, and the message box
 * above it (errors, and a conflict listing what changed, with a button to review it).
 */
import { composerView, withReplyRight, type ComposerMode, type ComposerState } from './composer-state.js';
import { wireComposerTools } from './composer-tools.js';
import { showComposerView } from './composer-view.js';
import { byId, find } from './dom.js';
import { bindDraft, clearDraft, readDraft, writeDraft } from './drafts.js';
import { t } from './i18n.js';
import { refreshLength } from './length-guard.js';
import { typingSignal } from './presence-view.js';
import { fillList } from './ticket-parts.js';

export interface TicketComposer {
  /** Who may answer the member or add a note now (the server's word, with each new version). */
  setRights(canReply: boolean, canNote: boolean): void;
  choose(mode: ComposerMode): void;
  focus(): void;
  /** Whether the person has typed something not sent yet. */
  hasText(): boolean;
  /** A message above the composer; with `onReview`, a button to look at what changed. */
  message(text: string, lines?: string[], onReview?: () => void): void;
  /** After a reconnection: someone still typing says so again. */
  resumeTyping(): void;
}

export interface ComposerProps {
  ticketId: string;
  draftKey: (name: string) => string;
  /** Sends the composer's text; resolves whether it went through (the page shows any error here). */
  send: (command: 'reply' | 'note', body: Record<string, unknown>, files: File[]) => Promise<boolean>;
  /** Another command of the page is under way. */
  busy: () => boolean;
  typing: (on: boolean) => void;
}

export function setupTicketComposer(props: ComposerProps): TicketComposer {
  const { draftKey } = props;
  const composer = byId('composer', HTMLElement);
  const form = byId('composer-form', HTMLFormElement);
  const textarea = byId('composer-text', HTMLTextAreaElement);
  const sendButton = byId('composer-send', HTMLButtonElement);
  const status = byId('composer-status', HTMLElement);
  const box = byId('composer-conflict', HTMLElement);
  let state: ComposerState = { mode: 'note', canReply: false, sending: false };
  const { typing, resume } = typingSignal(props.typing);

  /** Radios, hint, button label and data-mode all come from composerView(state). */
  function render(): void {
    if (!composer || !form) return;
    const view = composerView(state);
    // Only a choice is remembered: "note" forced while the ticket is out of one's hands (escalated,
    // not claimed) would otherwise stick and open the box on a note once it is theirs again.
    if (view.replyEnabled) writeDraft(draftKey('mode'), view.mode);
    showComposerView({ composer, form, sendButton }, view);
  }

  function choose(mode: ComposerMode): void {
    if (mode === 'reply' && !state.canReply) return;
    state = { ...state, mode };
    render();
  }

  function message(text: string, lines: string[] = [], onReview?: () => void): void {
    if (!box) return;
    box.replaceChildren();
    const p = document.createElement('p');
    p.textContent = text;
    box.append(p);
    if (lines.length) {
      const ul = document.createElement('ul');
      fillList(ul, lines);
      box.append(ul);
    }
    if (onReview) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-small btn-primary';
      button.textContent = t('client.ticket.review');
      button.addEventListener('click', onReview);
      box.append(button);
    }
    box.hidden = false;
  }

  async function send(): Promise<void> {
    if (!textarea || !form || !sendButton || props.busy() || state.sending) return;
    const text = textarea.value.trim();
    // What is sent is what the button said: both come from the same view of the same state.
    const { command } = composerView(state);
    if (text === '') {
      message(t('client.composer.empty'));
      textarea.focus();
      return;
    }
    // Ctrl+Enter does not go through the form: held back here too, the line under the box saying why.
    if (refreshLength(textarea)) {
      textarea.focus();
      return;
    }
    // The saved-reply list still open (its "::" typed, nothing chosen yet): nothing leaves half-done (QA: "Bonjour, ::" was sent).
    if (tools?.pickerOpen()) {
      message(t('savedReplies.client.choose_first'));
      tools.focusPicker();
      return;
    }
    if (box) box.hidden = true;
    state = { ...state, sending: true };
    sendButton.disabled = true;
    render();
    typing(false);
    const wait = find(form, 'input[name=waitForMember]', HTMLInputElement);
    const body = command === 'reply' ? { text, ...(wait?.checked ? { waitForMember: true } : {}) } : { text };
    const ok = await props.send(command, body, command === 'reply' ? (tools?.files() ?? []) : []);
    state = { ...state, sending: false };
    sendButton.disabled = false;
    render();
    if (ok) {
      textarea.value = '';
      tools?.clearFiles();
      if (wait) wait.checked = false;
      clearDraft(draftKey('text'));
      if (status) status.textContent = t(command === 'reply' ? 'client.composer.sent_reply' : 'client.composer.sent_note');
      textarea.focus();
    }
  }

  const tools = textarea ? wireComposerTools(textarea, props.ticketId, (text) => status && (status.textContent = text)) : null;
  if (form && textarea) {
    const reply = find(form, 'input[name=mode][value=reply]', HTMLInputElement);
    const canReply = Boolean(reply && !reply.disabled);
    state = { mode: readDraft(draftKey('mode')) === 'note' || !canReply ? 'note' : 'reply', canReply, sending: false };
    if (bindDraft(textarea, draftKey('text')) && status) status.textContent = t('client.composer.draft_restored');
    render();
    form.addEventListener('change', (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === 'mode') choose(event.target.value === 'note' ? 'note' : 'reply');
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void send();
    });
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void send();
      }
    });
    textarea.addEventListener('input', () => {
      if (status) status.textContent = '';
      typing(textarea.value.trim() !== '');
    });
    textarea.addEventListener('blur', () => typing(false));
  }

  return {
    setRights(canReply, canNote) {
      if (composer) composer.hidden = !canNote;
      const next = withReplyRight(state, canReply, Boolean(textarea?.value.trim()));
      state = next.state;
      if (next.lostReply) message(t('client.composer.reply_not_allowed'));
      render();
    },
    choose,
    focus: () => textarea?.focus(),
    hasText: () => Boolean(textarea?.value.trim()),
    message,
    resumeTyping: resume,
  };
}
