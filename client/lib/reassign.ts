/**
 * The supervisor's reassign dialog (board and ticket page): to a person, a team or a
 * tier, always with a reason. It sends the version of the ticket shown; when the
 * ticket changed meanwhile, the dialog stays open with the reason kept, says so, and
 * the next send uses the current version once the page has refreshed.
 */
import { refreshPeopleLabels } from './people-labels.js';
import { ApiError, describeError, request } from './api.js';
import { closeDialog, openDialog, requireFields, showDialogError, wireDialogs } from './dialogs.js';
import { clearDraft, bindDraft } from './drafts.js';
import { find, isRecord, num } from './dom.js';
import { t } from './i18n.js';

export interface ReassignTicket {
  id: string;
  version: number;
  number: string;
  /** Its tier now (the board's row, or the ticket page's dialog): the dialog says when a choice moves it to another. */
  tier?: number;
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
  const tierNote = form.querySelector<HTMLElement>('.reassign-tier-change');
  /** The tier the chosen person, team or tier would put the ticket on (null: nothing chosen yet). */
  const chosenTier = (): number | null => {
    const kind = form.querySelector<HTMLInputElement>('input[name=target]:checked')?.value ?? 'assignee';
    const option = form.querySelector<HTMLSelectElement>(`select[name="${kind}"]`)?.selectedOptions[0];
    if (!option?.value) return null;
    const raw = kind === 'tier' ? option.value : kind === 'team' ? option.dataset.tier : (option.parentElement as HTMLElement | null)?.dataset.tier;
    const tier = Number(raw);
    return Number.isInteger(tier) && tier > 0 ? tier : null;
  };
  // A person of another tier moves the ticket there: said before the reason is written (QA: a tier-2
  // escalation went back to tier 1 with nothing on the dialog to say so).
  const sayTierChange = () => {
    if (!tierNote) return;
    const from = current?.tier;
    const to = chosenTier();
    tierNote.hidden = !from || !to || from === to;
    tierNote.textContent = tierNote.hidden ? '' : t(to && from && to < from ? 'reassign.tier_down' : 'reassign.tier_up', { from: from ?? 0, to: to ?? 0 });
  };
  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.name === 'target') showTarget(target.value);
    sayTierChange();
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
      const shown = Number(form.dataset.ticketTier);
      current = { ...ticket, tier: ticket.tier ?? (Number.isInteger(shown) && shown > 0 ? shown : undefined) };
      sayTierChange();
      const slot = dialog.querySelector('[data-slot="number"]');
      if (slot) slot.textContent = ticket.number;
      const reason = find(form, 'textarea[name=reason]', HTMLTextAreaElement);
      if (reason) {
        reason.value = '';
        bindDraftOnce(reason, `reassign-reason:${ticket.id}`);
      }
      openDialog(dialog, opener);
      void refreshPeopleLabels(form.querySelector<HTMLSelectElement>('select[name="assignee"]'));
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
