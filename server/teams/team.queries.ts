/**
 * Teams as the request path needs them. Every authenticated request asks for its actor's team tier:
 * the tiers of all teams (a few dozen) are read at most every few seconds, like the routing's lists.
 */
import type { Types } from 'mongoose';
import { configTtlMs, ttlCache } from '../lib/ttl-cache.js';
import { TeamModel, type Tier } from './team.model.js';

const teamTiers = ttlCache(configTtlMs, async () => new Map((await TeamModel.find({}, { tier: 1 }).lean()).map((t) => [String(t._id), t.tier as Tier])));

/** The tier of a team (undefined for an unknown team). */
export async function teamTier(team: Types.ObjectId | string): Promise<Tier | undefined> {
  const known = (await teamTiers.get()).get(String(team));
  if (known !== undefined) return known;
  // A team created since the last read: read again rather than answer "no tier" for a few seconds.
  teamTiers.clear();
  return (await teamTiers.get()).get(String(team));
}
