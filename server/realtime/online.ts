/**
 * Who is connected to the live layer right now: the supervisor board's online/away and automatic
 * assignment read it. The live layer answers (`Realtime.onlineStaffIds`; across instances the Redis
 * adapter answers `fetchSockets()` for all of them); the composition root (index.ts) hands that
 * answer to the pages and to assignment. Without a live layer (tests that build only the app) the
 * answer is null and the board falls back to session activity.
 */

/** Ids of staff with at least one live socket, or null when there is no live layer. */
export type OnlineSource = () => Promise<Set<string> | null>;

/** No live layer: presence is unknown. */
export const noLiveLayer: OnlineSource = async () => null;

/** Asks `source`; an instance not answering must not break the board, so a failure reads as "unknown". */
export async function whoIsOnline(source: OnlineSource): Promise<Set<string> | null> {
  try {
    return await source();
  } catch {
    return null;
  }
}
