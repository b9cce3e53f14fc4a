/**
 * The words of SLA deadlines. A leaf module (it imports nothing): the ticket model's stored SLA
 * state, the deadline engine and the reports all read these lists.
 */

export const deadlineKinds = ['first_response', 'next_response', 'resolution', 'acceptance'] as const;
export type DeadlineKind = (typeof deadlineKinds)[number];

/** running: the clock counts; paused: waiting on the member; met; stopped: not applicable now (resolved, superseded). */
export const deadlineStates = ['running', 'paused', 'met', 'stopped'] as const;
export type DeadlineState = (typeof deadlineStates)[number];
