/**
 * The organisation's reference lists as pages show them: categories, reason codes, teams and offices
 * (small collections, read whole). Pages read them here, never through the models.
 */
import { configTtlMs, ttlCache } from '../lib/ttl-cache.js';
import { OfficeModel } from '../offices/office.model.js';
import { TeamModel } from '../teams/team.model.js';
import { CategoryModel, ReasonCodeModel } from './category.model.js';

export function referenceLists() {
  return lists.get();
}

// Every staff page reads them: at most every few seconds (an administrator's change clears it).
const lists = ttlCache(configTtlMs, async () => {
  const [categories, reasons, teams, offices] = await Promise.all([
    CategoryModel.find({}, { code: 1, label: 1, order: 1, active: 1 }).sort({ order: 1 }).lean(),
    ReasonCodeModel.find({}, { code: 1, label: 1, appliesTo: 1, order: 1, active: 1 }).sort({ order: 1 }).lean(),
    TeamModel.find({}, { name: 1, labels: 1, tier: 1, office: 1, active: 1 }).sort({ tier: 1, name: 1 }).lean(),
    OfficeModel.find({}, { code: 1, name: 1, labels: 1, active: 1 }).sort({ name: 1 }).lean(),
  ]);
  return { categories, reasons, teams, offices };
});

/** The categories a member may choose on the help form, in order. */
export function activeCategories() {
  return CategoryModel.find({ active: true }, { code: 1, label: 1 }).sort({ order: 1 }).lean();
}

// Every ticket creation checks its category: the active codes are read at most every few seconds.
const activeCategoryCodes = ttlCache(configTtlMs, async () => new Set((await CategoryModel.find({ active: true }, { code: 1 }).lean()).map((c) => c.code)));

export async function isActiveCategory(code: string): Promise<boolean> {
  if ((await activeCategoryCodes.get()).has(code)) return true;
  // Unknown here: perhaps added since the last read (a deactivation may take a few seconds to be seen).
  activeCategoryCodes.clear();
  return (await activeCategoryCodes.get()).has(code);
}
