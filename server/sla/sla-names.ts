/**
 * The names of SLA policies and calendars with their labels, for pages that say them in the
 * reader's language (the deadlines panel): small collections, read at most every few seconds.
 */
import { configTtlMs, ttlCache } from '../lib/ttl-cache.js';
import { SlaCalendarModel } from './calendar.model.js';
import { SlaPolicyModel } from './policy.js';

const names = ttlCache(configTtlMs, async () => {
  const [policies, calendars] = await Promise.all([
    SlaPolicyModel.find({}, { name: 1, labels: 1 }).lean(),
    SlaCalendarModel.find({}, { name: 1, labels: 1 }).lean(),
  ]);
  return [...policies, ...calendars];
});

/** Every policy and calendar: `_id`, `name` and `labels`. */
export function slaNames() {
  return names.get();
}
