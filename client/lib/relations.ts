/**
 * The ticket page's merge dialog and related-ticket forms (`form[data-relation]`): each sends the
 * version the page shows, with the other ticket's number. A merge opens the ticket that stays; a
 * link change reloads the page (its side panel lists the links with their status).
 */
import { describeError, request } from './api.js';
import { announce } from './announce.js';
import { closeDialog, requireFields, showDialogError } from './dialogs.js';
import { isRecord } from './dom.js';
import { t } from './i18n.js';

export function wireRelations(ticketId: string, version: () => number): void {
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.relation) return;
    event.preventDefault();
    const kind = form.dataset.relation;
    const dialog = form.closest('dialog');
    const fail = (message: string) => {
      if (dialog) showDialogError(dialog, message);
      const box = form.querySelector<HTMLElement>('[data-relation-error]');
      if (box) {
        box.textContent = message;
        box.hidden = false;
      }
    };
    if (!requireFields(form, t('client.dialog.required'))) {
      if (!dialog) fail(t('client.dialog.required'));
      return;
    }
    const data = new FormData(form);
    const other = String(data.get(kind === 'merge' ? 'into' : 'other') ?? form.dataset.other ?? '').trim();
    const note = String(data.get('note') ?? '').trim();
    const body = kind === 'merge' ? { version: version(), into: other, ...(note ? { note } : {}) } : { version: version(), other };
    void (async () => {
      try {
        const answer = await request(`/api/v1/tickets/${ticketId}/${kind === 'merge' ? 'merge' : kind === 'unlink' ? 'unlink' : 'link'}`, {
          method: 'POST',
          body,
        });
        const ticket = isRecord(answer) && isRecord(answer.ticket) ? answer.ticket : null;
        if (kind === 'merge' && ticket && typeof ticket.id === 'string') {
          announce(t('bulk.client.merged', { number: String(ticket.number ?? '') }));
          if (dialog) closeDialog(dialog);
          window.location.assign(`/staff/tickets/${ticket.id}`);
          return;
        }
        announce(t(kind === 'unlink' ? 'bulk.client.unlinked' : 'bulk.client.linked'));
        window.location.reload();
      } catch (error) {
        fail(describeError(error));
      }
    })();
  });
}
