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
import { bindDraft, clearDraft } from './lib/drafts.js';
import { byId, isRecord, num, readJson, str } from './lib/dom.js';
import { t } from './lib/i18n.js';
import { describeEvent } from './lib/live-list.js';
import { connectLive, type LiveConnection, type Person } from './lib/live.js';
import { renderPresence } from './lib/presence-view.js';
import { setupReassign } from './lib/reassign.js';
import { wireRelations } from './lib/relations.js';
import { setupTicketComposer } from './lib/ticket-composer.js';
import { apiPath, commandPayload, dialogBody, editedFields, leftFlash, type Command } from './lib/ticket-commands.js';
import { changesTo, fillList, idList, parseParts, parseSummary, type Parts } from './lib/ticket-parts.js';
import { keepAgesFresh, refreshAges } from './lib/time.js';

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
    messageIds: new Set(idList(data.messageIds)),
    busy: false,
    /** Parts fetched but not shown yet (the advisor is typing or chose "later"). */
    pending: null as Parts | null,
    /** The dialogs part waits while a dialog is open. */
    pendingDialogs: null as string | null,
    left: false,
  };

  const notice = byId('ticket-notice', HTMLElement);
  const actionStatus = byId('action-status', HTMLElement);
  const draftKey = (name: string) => `ticket:${id}:${name}`;
  let live: LiveConnection | null = null;
  const composer = setupTicketComposer({
    ticketId: id,
    draftKey,
    send: (command, body, files) => run(command, body, 'composer', files),
    busy: () => state.busy,
    typing: (on) => live?.typing(id, on),
  });

  // ---- what changed -------------------------------------------------------

  const changes = (next: Parts): string[] => changesTo(state, next);

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
    composer.setRights(parts.composer.canReply, parts.composer.canNote);
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
    return composer.hasText() || document.querySelector('dialog[open]') !== null;
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

  /** A conflict in the composer: what changed, and a button to look at it before sending again. */
  function composerConflict(lines: string[]): void {
    composer.message(t('client.ticket.conflict'), lines, () => {
      if (state.pending) applyParts(state.pending, { highlight: true });
      hideNotice();
      composer.message(t('client.ticket.reviewed'));
      composer.focus();
    });
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
    // A reply or a note is confirmed next to the send button, where the eye is: not twice.
    if (command !== 'reply' && command !== 'note') setStatus(done);
    announce(done);
  }

  /** The server refused a stale version: list what changed; the advisor reviews, then sends again. */
  async function onConflict(where: 'action' | 'composer' | HTMLDialogElement): Promise<void> {
    const parts = await fetchParts();
    if (!parts) return;
    const lines = changes(parts);
    if (where === 'composer') {
      state.pending = parts;
      composerConflict(lines);
    } else if (where === 'action') {
      // A button's action (take, release, resolve…) has no text to keep: the page shows the ticket as it
      // is now at once (who took it, which buttons remain), and says what changed.
      applyParts(parts, { highlight: true });
      showNotice(t('client.ticket.conflict_action'), lines, false);
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
      const payload = commandPayload({ version: state.version, ...body }, files);
      await request(`/api/v1/tickets/${id}/${apiPath[command]}`, { method: 'POST', body: payload });
      await afterAction(command);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.isVersionConflict) await onConflict(where);
      else if (where === 'composer') composer.message(describeError(error));
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
        // Claimed: to the reply box — on a touch screen only into view, the on-screen keyboard would hide the page (QA on a phone).
        if (ok && command === 'claim') {
          if (window.matchMedia('(pointer: coarse) and (hover: none)').matches) {
            const mode = document.querySelector<HTMLElement>('#composer input[name="mode"]:checked');
            mode?.scrollIntoView({ block: 'center' });
            mode?.focus({ preventScroll: true });
          } else composer.focus();
        } else if (ok) document.querySelector<HTMLElement>('#part-actions button, #part-actions a')?.focus();
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
    if (focusComposer) {
      event.preventDefault();
      composer.choose(focusComposer.dataset.focusComposer === 'note' ? 'note' : 'reply');
      composer.focus();
    }
  });

  wireRelations(id, () => state.version);

  document.addEventListener('submit', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLFormElement)) return;
    if (target.id === 'edit-form') {
      event.preventDefault();
      const body = editedFields(target);
      if (Object.keys(body).length > 0) void run('update', body, 'action');
      return;
    }
    const command = target.dataset.command;
    const dialog = target.closest('dialog');
    if ((command !== 'escalate' && command !== 'return') || !dialog) return;
    event.preventDefault();
    if (!requireFields(target, t('client.dialog.required'))) return;
    void run(command, dialogBody(command, new FormData(target)), dialog).then((ok) => {
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

  const presenceBox = byId('presence', HTMLElement);
  const showPresence = (viewers: Person[], typers: Person[]): void => {
    if (presenceBox) renderPresence(presenceBox, me, viewers, typers);
  };

  live = connectLive({
    onConnect(connection) {
      void connection.watch(id).then((viewers) => {
        if (viewers) showPresence(viewers, []);
      });
      // Someone reconnecting mid-sentence is still typing.
      composer.resumeTyping();
    },
    onPresence(presence) {
      if (presence.ticketId === id) showPresence(presence.viewers, presence.typing);
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
