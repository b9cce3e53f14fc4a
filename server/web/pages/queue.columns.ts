/**
 * The queue table's columns as the templates need them: which are shown (the person's choice,
 * staff-preferences.ts), their headers with the sort link and `aria-sort`, and the chooser's boxes.
 */
import type { Translate } from '../../lib/i18n.js';
import { queueColumns, requiredQueueColumns, type QueueColumn } from '../../staff/staff-preferences.vocabulary.js';
import { queueSortKeys, type QueueSortKey } from '../../lib/ticket.vocabulary.js';
import { queueHref, sortOf, type QueueQuery } from './queue.query.js';

interface ColumnHeader {
  key: QueueColumn;
  label: string;
  /** The address that sorts by this column (the other direction when it is the current sort); null: not sortable. */
  sortHref: string | null;
  ariaSort: 'ascending' | 'descending' | 'none' | null;
  /** The direction marked on screen only: the number column's, which shares the age column's order without claiming `aria-sort` beside it. */
  sorted?: 'ascending' | 'descending' | null;
  /** What following the link does, for screen readers and the tooltip. */
  sortTitle: string | null;
}

interface ColumnChoice {
  key: QueueColumn;
  label: string;
  checked: boolean;
  required: boolean;
}

export interface QueueColumnsView {
  /** `show.member` etc.: whether the rows have that cell. */
  show: Record<QueueColumn, boolean>;
  headers: ColumnHeader[];
  choices: ColumnChoice[];
  /** Whether rows start with a selection box (the queue's bulk actions; not on the search page). */
  select: boolean;
  /** Cells in a row, the selection box included (the empty row spans them). */
  span: number;
}

/** Which sort a column's header sets: each sortable column sorts by itself (the number is creation order, like age). */
const sortFor: Partial<Record<QueueColumn, QueueSortKey>> = {
  number: 'age',
  subject: 'subject',
  member: 'member',
  category: 'category',
  status: 'status',
  priority: 'priority',
  age: 'age',
  due: 'due',
};

/** Columns whose sort key runs against the column's own values (creation order vs age; priority rank vs priority). */
const readsInverted: ReadonlySet<QueueColumn> = new Set(['age', 'priority']);

export function queueColumnsView(chosen: readonly QueueColumn[], query: QueueQuery, t: Translate): QueueColumnsView {
  // "Handed on by me" is about where each ticket went: its tier and team show there, chosen or not
  // (the column choices below stay the person's own).
  const shown = new Set<QueueColumn>([...chosen, ...(query.view === 'handed' ? (['tier'] as const) : [])]);
  const show = Object.fromEntries(queueColumns.map((c) => [c, shown.has(c)])) as Record<QueueColumn, boolean>;
  const current = sortOf(query);
  const label = (c: QueueColumn) => t(`columns.col.${c}`);
  const headers = queueColumns
    .filter((c) => shown.has(c))
    .map((c): ColumnHeader => {
      const key = sortFor[c];
      if (!key || !(queueSortKeys as readonly string[]).includes(key)) return { key: c, label: label(c), sortHref: null, ariaSort: null, sortTitle: null };
      // The number column shares the age column's order (creation): either header turns it round (QA);
      // both are marked on screen, and only one tells a screen reader (WAI-ARIA: one sorted header at a time).
      const active = current.key === key;
      const spoken = active && (c !== 'number' || !shown.has('age'));
      const descending = active ? !current.descending : false;
      const sort = `${descending ? '-' : ''}${key}`;
      // What a person reads is the column's own direction: the sort key's first order is the oldest
      // (the greatest age) and the most urgent (the highest priority) first, so those say "descending".
      const reads = (keyDescending: boolean) => keyDescending !== readsInverted.has(c);
      return {
        key: c,
        label: label(c),
        sortHref: queueHref(query, { sort }),
        ariaSort: spoken ? (reads(current.descending) ? 'descending' : 'ascending') : 'none',
        sorted: active && !spoken ? (reads(current.descending) ? 'descending' : 'ascending') : null,
        sortTitle: t(reads(descending) ? 'columns.sort_desc' : 'columns.sort_asc', { column: label(c) }),
      };
    });
  const choices = queueColumns.map((c) => ({ key: c, label: label(c), checked: chosen.includes(c), required: requiredQueueColumns.includes(c) }));
  return { show, headers, choices, select: true, span: headers.length + 1 };
}

/** Fixed columns without sort links or selection (the search results). */
export function plainColumnsView(columns: readonly QueueColumn[], t: Translate): QueueColumnsView {
  const show = Object.fromEntries(queueColumns.map((c) => [c, columns.includes(c)])) as Record<QueueColumn, boolean>;
  const headers = queueColumns
    .filter((c) => columns.includes(c))
    .map((c): ColumnHeader => ({ key: c, label: t(`columns.col.${c}`), sortHref: null, ariaSort: null, sortTitle: null }));
  return { show, headers, choices: [], select: false, span: headers.length };
}
