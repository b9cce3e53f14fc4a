/**
 * The history page: keyboard navigation over its rows (j / k, arrows, Home / End, Enter to open), as
 * in the queue. The list is not live: history does not change under the reader's eyes.
 */
import { byId } from './lib/dom.js';
import { enableRowNavigation } from './lib/rows-nav.js';

const rows = byId('history-rows', HTMLTableSectionElement);
if (rows) enableRowNavigation(rows);
