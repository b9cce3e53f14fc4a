/**
 * Deciding about many received messages at once (the quarantine page's "discard selected" and
 * "reprocess selected"): the same decision as on one message (`actOnInboundMail`), one message at a
 * time, with one note for all; each message gets its own result, never all-or-nothing.
 */
import type { StaffActor } from '../../auth/actor.js';
import { AppError, BadRequestError, PayloadTooLargeError } from '../../lib/errors.js';
import { actOnInboundMail, DISCARD_NOTE_MAX, presentInboundOutcome, type InboundOutcomeView } from './inbound-admin.js';
import type { InboundPipeline } from './pipeline.js';

/** Most messages one request may decide about. */
export const INBOUND_BULK_MAX = 200;

export type InboundBulkResult =
  { id: string; ok: true; status: string; outcome: InboundOutcomeView | null } | { id: string; ok: false; status: number; code: string; message: string };

export async function actOnManyInbound(
  pipeline: InboundPipeline,
  props: { ids: readonly string[]; action: 'discard' | 'reprocess'; actor: StaffActor; note?: string },
): Promise<{ results: InboundBulkResult[]; done: number; refused: number }> {
  if (props.ids.length > INBOUND_BULK_MAX) {
    throw new PayloadTooLargeError(`At most ${INBOUND_BULK_MAX} messages at once (you sent ${props.ids.length}).`, [
      { path: 'ids', message: `at most ${INBOUND_BULK_MAX}` },
    ]);
  }
  const note = props.note?.trim() ?? '';
  // Said once for the whole selection, before anything is decided.
  if (props.action === 'discard' && note === '')
    throw new BadRequestError('Say why the messages are discarded: a note is required.', [{ path: 'note', message: 'Required' }]);
  if (note.length > DISCARD_NOTE_MAX)
    throw new BadRequestError(`The note is longer than ${DISCARD_NOTE_MAX} characters.`, [{ path: 'note', message: `At most ${DISCARD_NOTE_MAX} characters` }]);
  const results: InboundBulkResult[] = [];
  for (const id of new Set(props.ids)) {
    try {
      const { mail, outcome } = await actOnInboundMail(pipeline, { id, action: props.action, actor: props.actor, note: note || undefined });
      results.push({ id, ok: true, status: mail.status, outcome: presentInboundOutcome(outcome) });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      results.push({ id, ok: false, status: error.status, code: error.code, message: error.message });
    }
  }
  const done = results.filter((r) => r.ok).length;
  return { results, done, refused: results.length - done };
}
