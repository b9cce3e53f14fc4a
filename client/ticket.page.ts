/**
 * The ticket page: actions through the JSON API with the version shown, the reply /
 * note composer with drafts kept in sessionStorage, presence and typing, and what
 * happens when the ticket changes under the advisor:
 *  - a live change with nothing typed is shown at once, highlighted;
 *  - otherwise a notice says who changed what, and the advisor chooses when to look;
 *  - an action on a stale version is refused by the server (409): the page lists what
 *    changed, keeps every typed word, and lets the advisor review, then send again.
 */
import { announce } from './lib/announce.js';
import { ApiError, describeError, request } from './lib/api.js';
import { closeDialog, openDialog, requireFields, showDialogError, wireDialogs } from './lib/dialogs.js';
import { composerView, withReplyRight, type ComposerMode, type ComposerState } from './lib/composer-state.js';
import { wireComposerTools } from './lib/composer-tools.js';
import { bindDraft, clearDraft, readDraft, writeDraft } from './lib/drafts.js';
import { byId, find, isRecord, num, readJson, str } from './lib/dom.js';
import { t, tp } from './lib/i18n.js';
import { describeEvent } from './lib/live-list.js';
import { connectLive, type LiveConnection, type Person } from './lib/live.js';
import { setupReassign } from './lib/reassign.js';
import { wireRelations } from './lib/relations.js';
import { keepAgesFresh, refreshAges } from './lib/time.js';

const summaryFields = ['status', 'holder', 'tier', 'team', 'office', 'priority', 'category'] as const;
type Summary = Record<(typeof summaryFields)[number], string>;
type Command = 'claim' | 'release' | 'resolve' | 'reopen' | 'update' | 'escalate' | 'return' | 'reassign' | 'reply' | 'note';

interface Parts {
  version: number;
  summary: Summary;
  messageIds: string[];
  composer: { canReply: boolean; canNote: boolean };
  html: Record<string, string>;
}

/** Where the queue's flash message comes from when an action takes the ticket out of reach. */
const leftFlash: Partial<Record<Command, string>> = {
  escalate: 'escalated',
  return: 'returned',
  reassign: 'reassigned',
  release: 'released',
  resolve: 'resolved',
};
const apiPath: Record<Command, string> = {
  claim: 'claim',
  release: 'release',
  resolve: 'resolve',
  reopen: 'reopen',
  update: 'update',
  escalate: 'escalate',
  return: 'return',
  reassign: 'reassign',
  reply: 'replies',
  note: 'notes',
};

function parseSummary(value: unknown): Summary | null {
  if (!isRecord(value)) return null;
  const out: Partial<Summary> = {};
  for (const field of summaryFields) out[field] = str(value, field) ?? '';
  return out as Summary;
}

function parseParts(value: unknown): Parts | null {
  if (!isRecord(value) || !isRecord(value.parts) || !isRecord(value.composer)) return null;
  const version = num(value, 'version');
  const summary = parseSummary(value.summary);
  if (version === undefined || !summary) return null;
  const html: Record<string, string> = {};
  for (const [k, v] of Object.entries(value.parts)) if (typeof v === 'string') html[k] = v;
  return {
    version,
    summary,
    messageIds: Array.isArray(value.messageIds) ? value.messageIds.filter((x): x is string => typeof x === 'string') : [],
    composer: { canReply: value.composer.canReply === true, canNote: value.composer.canNote === true },
    html,
  };
}

function start(): void {
  const data = readJson('page-data');
  const ticketId = str(data, 'ticketId');
  const initialVersion = num(data, 'version');
  const initialSummary = isRecord(data) ? parseSummary(data.summary) : null;
  if (!ticketId || initialVersion === undefined || !initialSummary || !isRecord(data)) return;
  const id: string = ticketId;
  const number = str(data, 'number') ?? '';
  const me: Person = { id: str(data.me, 'id') ?? '', name: str(data.me, 'name') ?? '' };

  const state = {
    version: initialVersion,
    summary: initialSummary,
    messageIds: new Set(Array.isArray(data.messageIds) ? data.messageIds.filter((x): x is string => typeof x === 'string') : []),
    busy: false,
    /** Parts fetched but not shown yet (the advisor is typing or chose "later"). */
    pending: null as Parts | null,
    /** The dialogs part waits while a dialog is open. */
    pendingDialogs: null as string | null,
    left: false,
  };

  const notice = byId('ticket-notice', HTMLElement);
  const actionStatus = byId('action-status', HTMLElement);
  const composer = byId('composer', HTMLElement);
  const form = byId('composer-form', HTMLFormElement);
  const textarea = byId('composer-text', HTMLTextAreaElement);
  const sendButton = byId('composer-send', HTMLButtonElement);
  const composerStatus = byId('composer-status', HTMLElement);
  const composerConflict = byId('composer-conflict', HTMLElement);
  const draftKey = (name: string) => `ticket:${id}:${name}`;
  let composerState: ComposerState = { mode: 'note', canReply: false, sending: false };
  let live: LiveConnection | null = null;

  // ---- what changed -------------------------------------------------------

  function changes(next: Parts): string[] {
    const lines: string[] = [];
    for (const field of summaryFields) {
      if (state.summary[field] !== next.summary[field]) {
        lines.push(t('client.ticket.change_line', { field: t(`client.field.${field}`), from: state.summary[field], to: next.summary[field] }));
      }
    }
    const added = next.messageIds.filter((m) => !state.messageIds.has(m)).length;
    if (added > 0) lines.push(tp('client.ticket.new_messages', added));
    return lines;
  }

  function fillList(list: Element | null, lines: string[]): void {
    if (!list) return;
    list.replaceChildren(
      ...lines.map((line) => {
        const li = document.createElement('li');
        li.textContent = line;
        return li;
      }),
    );
  }

  async function fetchParts(): Promise<Parts | null> {
    try {
      return parseParts(await request(`/staff/tickets/${id}/parts`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) showLeft();
      return null;
    }
  }

  // ---- applying parts ---------------------------------------------------

  function swap(elementId: string, html: string | undefined): void {
    const el = document.getElementById(elementId);
    if (el && html !== undefined) el.innerHTML = html;
  }

  function setComposer(canReply: boolean, canNote: boolean): void {
    if (composer) composer.hidden = !canNote;
    const next = withReplyRight(composerState, canReply, Boolean(textarea?.value.trim()));
    composerState = next.state;
    if (next.lostReply) showComposerMessage(t('client.composer.reply_not_allowed'));
    renderComposer();
  }

  function applyParts(parts: Parts, options: { highlight: boolean }): void {
    const before = new Set(state.messageIds);
    swap('part-header', parts.html.header);
    swap('part-actions', parts.html.actions);
    swap('part-thread', parts.html.thread);
    swap('part-side', parts.html.side);
    swap('part-edit', parts.html.edit);
    if (parts.html.dialogs !== undefined) {
      if (document.querySelector('#part-dialogs dialog[open]')) state.pendingDialogs = parts.html.dialogs;
      else {
        swap('part-dialogs', parts.html.dialogs);
        wireDialogParts();
      }
    }
    state.version = parts.version;
    state.summary = parts.summary;
    state.messageIds = new Set(parts.messageIds);
    state.pending = null;
    setComposer(parts.composer.canReply, parts.composer.canNote);
    refreshAges();
    if (options.highlight) {
      for (const messageId of parts.messageIds) {
        if (before.has(messageId)) continue;
        document.getElementById(`msg-${messageId}`)?.classList.add('is-new');
      }
    }
  }

  function hideNotice(): void {
    if (notice) notice.hidden = true;
  }

  function showNotice(title: string, lines: string[], review: boolean): void {
    if (!notice) return;
    const titleEl = notice.querySelector('[data-slot="title"]');
    if (titleEl) titleEl.textContent = title;
    fillList(notice.querySelector('[data-slot="changes"]'), lines);
    const reviewButton = notice.querySelector<HTMLElement>('[data-notice="review"]');
    if (reviewButton) reviewButton.hidden = !review;
    notice.hidden = false;
    announce(`${title} ${lines.join('. ')}`);
  }

  function showLeft(): void {
    if (state.left) return;
    state.left = true;
    showNotice(t('client.ticket.left'), [], false);
    document.querySelectorAll<HTMLButtonElement>('#part-actions button, #part-edit button').forEach((b) => {
      b.disabled = true;
    });
  }

  // ---- live changes -----------------------------------------------------

  function hasWorkInProgress(): boolean {
    return Boolean(textarea?.value.trim()) || document.querySelector('dialog[open]') !== null;
  }

  /** Someone else changed the ticket (or the page may have missed it): show it now, or offer to. */
  async function onRemoteChange(who: { what: string } | null, own = false): Promise<void> {
    if (state.busy || state.left) return;
    const parts = await fetchParts();
    if (!parts || parts.version <= state.version) return;
    const lines = changes(parts);
    const title = who ? t('client.ticket.changed_live', { what: who.what }) : t('client.ticket.changed');
    if (!hasWorkInProgress()) {
      applyParts(parts, { highlight: true });
      // One's own change (another tab, the reassign dialog) needs no notice once shown.
      if (!own) showNotice(title, lines, false);
      return;
    }
    state.pending = parts;
    showNotice(title, lines, true);
  }

  notice?.addEventListener('click', (event) => {
    const button = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('[data-notice]') : null;
    if (!button) return;
    if (button.dataset.notice === 'review' && state.pending) {
      applyParts(state.pending, { highlight: true });
      showNotice(t('client.ticket.reviewed'), [], false);
    } else {
      hideNotice();
    }
  });

  // ---- commands ---------------------------------------------------------

  function setStatus(text: string): void {
    if (actionStatus) actionStatus.textContent = text;
  }

  function showComposerMessage(text: string, lines: string[] = [], review = false): void {
    if (!composerConflict) return;
    composerConflict.replaceChildren();
    const p = document.createElement('p');
    p.textContent = text;
    composerConflict.append(p);
    if (lines.length) {
      const ul = document.createElement('ul');
      fillList(ul, lines);
      composerConflict.append(ul);
    }
    if (review) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-small btn-primary';
      button.textContent = t('client.ticket.review');
      button.addEventListener('click', () => {
        if (state.pending) applyParts(state.pending, { highlight: true });
        hideNotice();
        showComposerMessage(t('client.ticket.reviewed'));
        textarea?.focus();
      });
      composerConflict.append(button);
    }
    composerConflict.hidden = false;
  }

  /** After one's own action: show the new state, or go back to the queue if the ticket left one's reach. */
  async function afterAction(command: Command): Promise<void> {
    let parts: Parts | null;
    try {
      parts = parseParts(await request(`/staff/tickets/${id}/parts`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        const flash = leftFlash[command] ?? 'left';
        location.assign(`/staff/queue?done=${flash}&ticket=${encodeURIComponent(number)}`);
      } else {
        // Done on the server, but the page could not refresh: say both.
        setStatus(`${t(`client.done.${command}`)} ${describeError(error)}`);
      }
      return;
    }
    if (!parts) return;
    applyParts(parts, { highlight: command === 'reply' || command === 'note' });
    hideNotice();
    const done = t(`client.done.${command}`);
    setStatus(done);
    announce(done);
  }

  /** The server refused a stale version: list what changed; the advisor reviews, then sends again. */
  async function onConflict(where: 'action' | 'composer' | HTMLDialogElement): Promise<void> {
    const parts = await fetchParts();
    if (!parts) return;
    const lines = changes(parts);
    if (where === 'composer') {
      state.pending = parts;
      showComposerMessage(t('client.ticket.conflict'), lines, true);
    } else if (where === 'action') {
      state.pending = parts;
      showNotice(t('client.ticket.conflict'), lines, true);
    } else {
      // In a dialog: the changes are listed there, the page behind is brought up to date.
      applyParts(parts, { highlight: true });
      showDialogError(where, [t('client.ticket.conflict'), ...lines].join(' — '));
    }
  }

  async function run(command: Command, body: Record<string, unknown>, where: 'action' | 'composer' | HTMLDialogElement, files: File[] = []): Promise<boolean> {
    if (state.busy) return false;
    state.busy = true;
    try {
      const json = { version: state.version, ...body };
      // With files: multipart, the same JSON in `payload` (the route checks it with the same schema).
      let payload: unknown = json;
      if (files.length > 0) {
        const form = new FormData();
        form.append('payload', JSON.stringify(json));
        for (const file of files) form.append('attachments', file, file.name);
        payload = form;
      }
      await request(`/api/v1/tickets/${id}/${apiPath[command]}`, { method: 'POST', body: payload });
      await afterAction(command);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.isVersionConflict) await onConflict(where);
      else if (where === 'composer') showComposerMessage(describeError(error));
      else if (where === 'action') setStatus(describeError(error));
      else showDialogError(where, describeError(error));
      return false;
    } finally {
      state.busy = false;
    }
  }

  document.addEventListener('click', (event) => {
    const target = event.target instanceof HTMLElement ? event.target : null;
    const actionButton = target?.closest<HTMLButtonElement>('#part-actions [data-action]');
    if (actionButton) {
      const command = actionButton.dataset.action as Command;
      actionButton.disabled = true;
      void run(command, {}, 'action').then((ok) => {
        if (!ok && actionButton.isConnected) actionButton.disabled = false;
        if (ok && command === 'claim') textarea?.focus();
        else if (ok) document.querySelector<HTMLElement>('#part-actions button, #part-actions a')?.focus();
      });
      return;
    }
    const opener = target?.closest<HTMLElement>('[data-open-dialog]');
    if (opener) {
      const dialog = byId(opener.dataset.openDialog ?? '', HTMLDialogElement);
      if (dialog?.id === 'reassign-dialog') reassign?.open({ id, version: state.version, number }, opener);
      else if (dialog) openDialog(dialog, opener);
      return;
    }
    const focusComposer = target?.closest<HTMLElement>('[data-focus-composer]');
    if (focusComposer && form) {
      event.preventDefault();
      chooseMode(focusComposer.dataset.focusComposer === 'note' ? 'note' : 'reply');
      textarea?.focus();
    }
  });

  wireRelations(id, () => state.version);

  document.addEventListener('submit', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLFormElement)) return;
    if (target.id === 'edit-form') {
      event.preventDefault();
      const body: Record<string, unknown> = {};
      for (const select of target.querySelectorAll('select')) {
        const initial = [...select.options].find((o) => o.defaultSelected)?.value ?? '';
        if (select.value !== initial) body[select.name] = select.name === 'category' && select.value === '' ? null : select.value;
      }
      if (Object.keys(body).length > 0) void run('update', body, 'action');
      return;
    }
    const command = target.dataset.command;
    const dialog = target.closest('dialog');
    if ((command !== 'escalate' && command !== 'return') || !dialog) return;
    event.preventDefault();
    if (!requireFields(target, t('client.dialog.required'))) return;
    const data = new FormData(target);
    const body: Record<string, unknown> =
      command === 'escalate'
        ? { reason: String(data.get('reason') ?? ''), handoff: String(data.get('handoff') ?? '').trim() }
        : { note: String(data.get('note') ?? '').trim(), ...(data.get('reason') ? { reason: String(data.get('reason')) } : {}) };
    void run(command, body, dialog).then((ok) => {
      if (!ok) return;
      target.querySelectorAll<HTMLElement>('[data-draft]').forEach((field) => clearDraft(draftKey(field.dataset.draft ?? '')));
      target.reset();
      closeDialog(dialog);
    });
  });

  // ---- dialogs ------------------------------------------------------------

  let reassign: ReturnType<typeof setupReassign> | null = null;
  function wireDialogParts(): void {
    const root = byId('part-dialogs', HTMLElement);
    if (!root) return;
    wireDialogs(root);
    for (const field of root.querySelectorAll<HTMLTextAreaElement | HTMLSelectElement>('[data-draft]')) bindDraft(field, draftKey(field.dataset.draft ?? ''));
    for (const dialog of root.querySelectorAll('dialog')) {
      dialog.addEventListener('close', () => {
        if (state.pendingDialogs === null || document.querySelector('#part-dialogs dialog[open]')) return;
        const html = state.pendingDialogs;
        state.pendingDialogs = null;
        swap('part-dialogs', html);
        wireDialogParts();
      });
    }
    const dialog = byId('reassign-dialog', HTMLDialogElement);
    reassign = dialog
      ? setupReassign(dialog, {
          onDone: () => void afterAction('reassign'),
          onConflict: () => void onConflict('action'),
        })
      : null;
  }
  wireDialogParts();

  // ---- composer -----------------------------------------------------------

  function chooseMode(mode: ComposerMode): void {
    if (mode === 'reply' && !composerState.canReply) return;
    composerState = { ...composerState, mode };
    renderComposer();
  }

  /** Radios, hint, button label and data-mode all come from composerView(composerState). */
  function renderComposer(): void {
    if (!composer || !form) return;
    const view = composerView(composerState);
    composer.dataset.mode = view.mode;
    // Only a choice is remembered: "note" forced while the ticket is out of one's hands (escalated,
    // not claimed) would otherwise stick and open the box on a note once it is theirs again.
    if (view.replyEnabled) writeDraft(draftKey('mode'), view.mode);
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

  // The server forgets "typing" after 8 s: repeat it every 4 s while the person types.
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let typingSent = false;
  let typingSentAt = 0;
  function typing(on: boolean): void {
    if (typingTimer) clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(() => typing(false), 5_000);
    if (on === typingSent && (!on || Date.now() - typingSentAt < 4_000)) return;
    typingSent = on;
    typingSentAt = Date.now();
    live?.typing(id, on);
  }

  async function send(): Promise<void> {
    if (!textarea || !form || !sendButton || state.busy || composerState.sending) return;
    const text = textarea.value.trim();
    // What is sent is what the button said: both come from the same view of the same state.
    const { command } = composerView(composerState);
    if (text === '') {
      showComposerMessage(t('client.composer.empty'));
      textarea.focus();
      return;
    }
    if (composerConflict) composerConflict.hidden = true;
    composerState = { ...composerState, sending: true };
    sendButton.disabled = true;
    renderComposer();
    typing(false);
    const wait = find(form, 'input[name=waitForMember]', HTMLInputElement);
    const body = command === 'reply' ? { text, ...(wait?.checked ? { waitForMember: true } : {}) } : { text };
    const ok = await run(command, body, 'composer', command === 'reply' ? (composerTools?.files() ?? []) : []);
    composerState = { ...composerState, sending: false };
    sendButton.disabled = false;
    renderComposer();
    if (ok) {
      textarea.value = '';
      composerTools?.clearFiles();
      if (wait) wait.checked = false;
      clearDraft(draftKey('text'));
      if (composerStatus) composerStatus.textContent = t(command === 'reply' ? 'client.composer.sent_reply' : 'client.composer.sent_note');
      textarea.focus();
    }
  }

  const composerTools = textarea ? wireComposerTools(textarea, id, (text) => composerStatus && (composerStatus.textContent = text)) : null;
  if (form && textarea) {
    const reply = find(form, 'input[name=mode][value=reply]', HTMLInputElement);
    const canReply = Boolean(reply && !reply.disabled);
    composerState = { mode: readDraft(draftKey('mode')) === 'note' || !canReply ? 'note' : 'reply', canReply, sending: false };
    if (bindDraft(textarea, draftKey('text')) && composerStatus) composerStatus.textContent = t('client.composer.draft_restored');
    renderComposer();
    form.addEventListener('change', (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === 'mode') chooseMode(event.target.value === 'note' ? 'note' : 'reply');
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
      if (composerStatus) composerStatus.textContent = '';
      typing(textarea.value.trim() !== '');
    });
    textarea.addEventListener('blur', () => typing(false));
  }

  // ---- presence -----------------------------------------------------------

  function renderPresence(viewers: Person[], typers: Person[]): void {
    const box = byId('presence', HTMLElement);
    if (!box) return;
    const others = viewers.filter((p) => p.id !== me.id);
    const typingIds = new Set(typers.filter((p) => p.id !== me.id).map((p) => p.id));
    for (const p of typers) if (p.id !== me.id && !others.some((o) => o.id === p.id)) others.push(p);
    if (others.length === 0) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const label = document.createElement('span');
    label.className = 'presence-label';
    label.textContent = t('client.presence.viewing');
    const items = others.map((p) => {
      const chip = document.createElement('span');
      chip.className = typingIds.has(p.id) ? 'viewer is-typing' : 'viewer';
      const initials = p.name
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => w[0] ?? '')
        .join('')
        .slice(0, 2)
        .toUpperCase();
      const avatar = document.createElement('span');
      avatar.className = 'avatar avatar-small';
      avatar.setAttribute('aria-hidden', 'true');
      avatar.textContent = initials;
      const name = document.createElement('span');
      name.textContent = typingIds.has(p.id) ? t('client.presence.typing', { name: p.name }) : p.name;
      chip.append(avatar, name);
      return chip;
    });
    box.replaceChildren(label, ...items);
    box.hidden = false;
  }

  live = connectLive({
    onConnect(connection) {
      void connection.watch(id).then((viewers) => {
        if (viewers) renderPresence(viewers, []);
      });
      // Someone reconnecting mid-sentence is still typing.
      if (typingSent) {
        typingSent = false;
        typing(true);
      }
    },
    onPresence(presence) {
      if (presence.ticketId === id) renderPresence(presence.viewers, presence.typing);
    },
    onUpdate(update) {
      if (update.ticket.id !== id || update.ticket.version <= state.version) return;
      void onRemoteChange({ what: describeEvent(update.event) }, update.event.actorName === me.name);
    },
    onRemove(removal) {
      if (removal.ticketId === id) showLeft();
    },
    onResync() {
      void onRemoteChange(null);
    },
  });

  keepAgesFresh();
}

start();
