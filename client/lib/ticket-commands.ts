/**
 * The ticket page's commands: the API path each posts to, the queue notice shown when one takes the
 * ticket out of the person's reach, and the bodies its forms send.
 */
export type Command = 'claim' | 'release' | 'resolve' | 'reopen' | 'update' | 'escalate' | 'return' | 'reassign' | 'reply' | 'note';

/** Where the queue's flash message comes from when an action takes the ticket out of reach. */
export const leftFlash: Partial<Record<Command, string>> = {
  escalate: 'escalated',
  return: 'returned',
  reassign: 'reassigned',
  release: 'released',
  resolve: 'resolved',
};

export const apiPath: Record<Command, string> = {
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

/** The edit form's changed fields only (an emptied category is `null`: no category). */
export function editedFields(form: HTMLFormElement): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const select of form.querySelectorAll('select')) {
    const initial = [...select.options].find((o) => o.defaultSelected)?.value ?? '';
    if (select.value !== initial) body[select.name] = select.name === 'category' && select.value === '' ? null : select.value;
  }
  return body;
}

/** What the escalate and return dialogs send. */
export function dialogBody(command: 'escalate' | 'return', data: FormData): Record<string, unknown> {
  return command === 'escalate'
    ? { reason: String(data.get('reason') ?? ''), handoff: String(data.get('handoff') ?? '').trim() }
    : { note: String(data.get('note') ?? '').trim(), ...(data.get('reason') ? { reason: String(data.get('reason')) } : {}) };
}

/** The request body of a command: JSON, or multipart with the same JSON in `payload` when files go with it. */
export function commandPayload(json: Record<string, unknown>, files: File[]): unknown {
  if (files.length === 0) return json;
  const form = new FormData();
  form.append('payload', JSON.stringify(json));
  for (const file of files) form.append('attachments', file, file.name);
  return form;
}
