/**
 * The people pickers (the reassign dialog, the bulk bar) name what each person holds against their
 * capacity ("Els Peeters (FR, NL) · 12 pris / 15"). The page drew those labels when it loaded; each
 * time a picker is about to be used they are read again (`/staff/board/people`, supervisors only), so
 * a supervisor choosing after an hour on the board sees today's load, not the morning's.
 */
import { request } from './api.js';
import { isRecord } from './dom.js';

/** Per select, how many times it was relabelled: only the last request's answer is used. */
const asked = new WeakMap<HTMLSelectElement, number>();

/** Relabels the options of `select` whose value the server names; others (and the first, empty one) stay. */
export async function refreshPeopleLabels(select: HTMLSelectElement | null): Promise<void> {
  if (!select) return;
  // Opened twice quickly: only the last answer relabels (an earlier one arriving late has older figures).
  const turn = (asked.get(select) ?? 0) + 1;
  asked.set(select, turn);
  try {
    const answer = await request('/staff/board/people');
    if (asked.get(select) !== turn || !isRecord(answer) || !isRecord(answer.labels)) return;
    const labels = answer.labels;
    for (const option of select.options) {
      const label = labels[option.value];
      if (option.value && typeof label === 'string' && option.textContent !== label) option.textContent = label;
    }
  } catch {
    // The labels of the page's load stay: they are a help for choosing, the server decides.
  }
}
