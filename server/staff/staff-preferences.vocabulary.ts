/**
 * The queue's columns a person may choose (the page shows only those, in this order). The member's
 * language is a tag in the member column, and the status a chip in the subject unless its own column
 * is shown: no fact is shown twice on a row.
 */
export const queueColumns = ['number', 'subject', 'member', 'category', 'status', 'priority', 'tier', 'holder', 'age', 'due'] as const;
export type QueueColumn = (typeof queueColumns)[number];

/** Always shown: the subject carries the row's link. */
export const requiredQueueColumns: readonly QueueColumn[] = ['subject'];

/** Chosen so subject, member, category and due date fit at 1280 px beside the filters. */
export const defaultQueueColumns: readonly QueueColumn[] = ['number', 'subject', 'member', 'category', 'priority', 'holder', 'age', 'due'];
