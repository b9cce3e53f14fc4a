/**
 * The supervisor's reassign dialog (board and ticket page): to a person, a team or a
 * tier, always with a reason. It sends the version of the ticket shown; when the
 * ticket changed meanwhile, the dialog stays open with the reason kept, says so, and
 * the next send uses the current version once the page has refreshed.
 */
import { ApiError, describeError, request } from './api.js';
import { closeDialog, openDialog, requireFields, showDialogError, wireDialogs } from './dialogs.js';
import { clearDraft, bindDraft } from './drafts.js';
import { find, isRecord, num } from './dom.js';
import { t } from './i18n.js';

export interface ReassignTicket {
  id: string;
  version: number;
  number: string;
}

export interface ReassignOptions {
  /** `target`: the person, team or tier chosen, as the dialog named it ("Karim Benali — Charleroi"). */
  onDone(ticket: ReassignTicket, updated: unknown, target: string): void;
  /** The ticket changed under the dialog: refresh what the page shows. */
  onConflict?(ticket: ReassignTicket): void;
}

export interface ReassignDialog {
  open(ticket: ReassignTicket, opener: HTMLElement | null): void;
}

export function setupReassign(dialog: HTMLDialogElement, options: ReassignOptions): ReassignDialog {
  wireDialogs(dialog.parentElement ?? document);
  const form = find(dialog, 'form', HTMLFormElement);
  let current: ReassignTicket | null = null;
  if (!form) return { open: () => undefined };

  const showTarget = (kind: string) => {
    for (const field of form.querySelectorAll<HTMLElement>('[data-target]')) {
      const on = field.dataset.target === kind;
      field.hidden = !on;
      field.querySelectorAll('select').forEach((s) => {
        s.disabled = !on;
      });
    }
  };
  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.name === 'target') showTarget(target.value);
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const ticket = current;
    if (!ticket || !requireFields(form, t('client.dialog.required'))) return;
    const data = new FormData(form);
    const kind = String(data.get('target') ?? 'assignee');
    const body: Record<string, unknown> = { version: ticket.version, reason: String(data.get('reason') ?? '').trim() };
    if (kind === 'tier') body.tier = Number(data.get('tier'));
    else body[kind] = String(data.get(kind) ?? '');
    const option = form.querySelector<HTMLSelectElement>(`select[name="${kind}"]`)?.selectedOptions[0];
    const group = option?.parentElement instanceof HTMLOptGroupElement ? option.parentElement.label : '';
    const target = [option?.text.trim() ?? '', group].filter(Boolean).join(' — ');
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (submit) submit.disabled = true;
    void request(`/api/v1/tickets/${ticket.id}/reassign`, { method: 'POST', body })
      .then((updated) => {
        clearDraft(`reassign-reason:${ticket.id}`);
        form.reset();
        showTarget('assignee');
        closeDialog(dialog);
        options.onDone(ticket, updated, target);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.isVersionConflict && isRecord(error.ticket)) {
          // Keep the reason; the next send is based on what the page now shows.
          ticket.version = num(error.ticket, 'version') ?? ticket.version;
          showDialogError(dialog, t('client.ticket.conflict'));
          options.onConflict?.(ticket);
          return;
        }
        showDialogError(dialog, describeError(error));
      })
      .finally(() => {
        if (submit) submit.disabled = false;
      });
  });

  return {
    open(ticket, opener) {
      current = ticket;
      const slot = dialog.querySelector('[data-slot="number"]');
      if (slot) slot.textContent = ticket.number;
      const reason = find(form, 'textarea[name=reason]', HTMLTextAreaElement);
      if (reason) {
        reason.value = '';
        bindDraftOnce(reason, `reassign-reason:${ticket.id}`);
      }
      openDialog(dialog, opener);
    },
  };
}

/** The reason field is shared by every ticket on the board: rebind its draft key per ticket. */
function bindDraftOnce(field: HTMLTextAreaElement, key: string): void {
  delete field.dataset.draftBound;
  const clone = field.cloneNode(true);
  if (!(clone instanceof HTMLTextAreaElement)) return;
  field.replaceWith(clone);
  bindDraft(clone, key);
}
