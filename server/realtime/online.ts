/**
 * Who is connected to the live layer right now: the supervisor board's online/away
 * comes from here. Across instances the Redis adapter answers `fetchSockets()` for
 * all of them. Without the live layer (tests that build only the app), the board
 * falls back to session activity.
 */
type OnlineSource = () => Promise<Set<string>>;

let source: OnlineSource | undefined;

export function setOnlineSource(next: OnlineSource | undefined): void {
  source = next;
}

/** Ids of staff with at least one live socket, or null when the live layer is not running. */
export async function onlineStaffIds(): Promise<Set<string> | null> {
  if (!source) return null;
  try {
    return await source();
  } catch {
    return null; // an instance not answering must not break the board
  }
}
