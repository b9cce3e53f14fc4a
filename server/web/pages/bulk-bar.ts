/**
 * What the bulk action bar of the queue and the board offers (views/partials/bulk-bar.hbs): the
 * priorities and categories in the page's language and, for a supervisor, the people a ticket may be
 * assigned to. The server still decides ticket by ticket (tickets/bulk.commands.ts).
 */
import { hasRole, type StaffActor } from '../../auth/actor.js';
import type { Translate } from '../../lib/i18n.js';
import { priorities } from '../../lib/ticket.vocabulary.js';
import { worksAnyTier } from '../../tickets/ticket.policy.js';
import type { PageCatalog } from './catalog.js';
import { labels } from './presenters.js';
import { reassignOptions, type ReassignOptions } from './reassign-options.js';

export interface BulkBar {
  priorities: { value: string; label: string }[];
  categories: { value: string; label: string }[];
  /** Supervisors only: who a ticket may be given to. */
  people: ReassignOptions['people'] | null;
  /** Whether "take" is offered: only to someone whose roles work a tier (a supervisor alone takes none). */
  canClaim: boolean;
}

export async function bulkBar(actor: StaffActor, t: Translate, catalog: PageCatalog): Promise<BulkBar> {
  const l = labels(t);
  return {
    priorities: priorities.map((p) => ({ value: p, label: l.priority(p) })),
    categories: catalog.categories.map((c) => ({ value: c.value, label: c.label })),
    people: hasRole(actor, 'supervisor') ? (await reassignOptions(t, catalog)).people : null,
    canClaim: worksAnyTier(actor.roles),
  };
}
