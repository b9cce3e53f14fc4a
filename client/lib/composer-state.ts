/**
 * The reply / note composer's state, in one place. The selected mode, the button's label, the
 * hint and the endpoint a click posts to are all derived from this one value, so they can never
 * disagree (an advisor trusting a button labelled "Ajouter la note" must never email the member).
 */
export type ComposerMode = 'reply' | 'note';

export interface ComposerState {
  /** What the advisor chose (or was given: taking a ticket selects "reply"). */
  mode: ComposerMode;
  /** Whether the server lets this person answer the member now (they hold the ticket). */
  canReply: boolean;
  /** A send of the composer's own text is in flight. */
  sending: boolean;
}

export interface ComposerView {
  /** The mode a send uses now: never "reply" when replying is not allowed. */
  mode: ComposerMode;
  replyEnabled: boolean;
  /** Translation key of the send button's label. */
  buttonKey: string;
  /** The hint's parts, as the data-* attribute names of the hint element. */
  hint: Array<'replyHint' | 'noteHint' | 'claimHint'>;
  /** The API command the button posts. */
  command: 'reply' | 'note';
}

/** The one function the page renders from and sends by. */
export function composerView(state: ComposerState): ComposerView {
  const mode: ComposerMode = state.mode === 'reply' && state.canReply ? 'reply' : 'note';
  return {
    mode,
    replyEnabled: state.canReply,
    buttonKey: state.sending ? 'client.composer.sending' : mode === 'note' ? 'client.composer.send_note' : 'client.composer.send_reply',
    hint: mode === 'reply' ? ['replyHint'] : state.canReply ? ['noteHint'] : ['noteHint', 'claimHint'],
    command: mode,
  };
}

/**
 * The state after the server said whether this person may reply. Gaining the right (they just
 * took the ticket) with nothing typed selects "reply", the natural next step; losing it falls back
 * to "note", and `lostReply` says so when words were typed for the member.
 */
export function withReplyRight(state: ComposerState, canReply: boolean, hasText: boolean): { state: ComposerState; lostReply: boolean } {
  const gained = canReply && !state.canReply;
  const mode: ComposerMode = gained && !hasText ? 'reply' : !canReply ? 'note' : state.mode;
  return { state: { ...state, canReply, mode }, lostReply: !canReply && state.mode === 'reply' && state.canReply && hasText };
}
