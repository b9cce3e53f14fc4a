/**
 * The translation keys the browser modules use (`client/lib/i18n.ts`). Every page
 * renders them, in its language, into `<script type="application/json" id="i18n">`.
 * Add a key here when a script needs a new string; the locale test checks that
 * every key exists in every language.
 */
import { errorReasons } from '../../lib/error-reasons.js';

const eventTypes = [
  'created', 'claimed', 'assigned', 'accepted', 'released', 'replied', 'noted', 'escalated', 'returned', 'reassigned',
  'resolved', 'reopened', 'closed', 'member_replied', 'priority_changed', 'category_changed', 'other',
];
const actions = ['claim', 'release', 'escalate', 'return', 'reassign', 'resolve', 'reopen', 'update', 'reply', 'note'];
const fields = ['status', 'holder', 'tier', 'team', 'office', 'priority', 'category', 'text', 'handoff', 'reason', 'note', 'assignee'];

export const clientStringKeys: readonly string[] = [
  'time.now', 'time.minutes', 'time.hours', 'time.days',
  'client.live.connecting', 'client.live.online', 'client.live.offline', 'client.live.offline_hint',
  'client.cue.new', 'client.cue.updated', 'client.cue.left',
  'client.announce.one', 'client.announce.many',
  ...eventTypes.map((e) => `client.event.${e}`),
  'client.sla.warning', 'client.sla.breach', 'client.sla.escalated', 'client.sla.dismiss',
  'client.sla.deadline.first_response', 'client.sla.deadline.next_response', 'client.sla.deadline.resolution', 'client.sla.deadline.acceptance',
  'client.error.network', 'client.error.forbidden', 'client.error.csrf', 'client.error.not_found', 'client.error.validation',
  'client.error.conflict', 'client.error.rate_limited',
  ...errorReasons.map((r) => `client.reason.${r}`), 'client.error.generic', 'client.error.detail',
  'client.ticket.changed_live', 'client.ticket.changed', 'client.ticket.conflict', 'client.ticket.review', 'client.ticket.reviewed',
  'client.ticket.new_messages_one', 'client.ticket.new_messages_other', 'client.ticket.change_line', 'client.ticket.left',
  'client.ticket.dismiss',
  ...fields.map((f) => `client.field.${f}`),
  'client.presence.viewing', 'client.presence.typing', 'client.presence.you',
  'client.composer.send_reply', 'client.composer.send_note', 'client.composer.sending',
  'client.composer.sent_reply', 'client.composer.sent_note', 'client.composer.empty', 'client.composer.reply_not_allowed',
  'client.composer.draft_restored',
  ...actions.map((a) => `client.done.${a}`),
  'client.dialog.required',
  'client.board.reassigned',
];
