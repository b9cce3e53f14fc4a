/**
 * What an instance remembers of records that rarely change (members' names, staff records), kept
 * true by being told to forget: the code that changes a record forgets it here and publishes the
 * news that makes the other instances forget it too. Two guards for what the news cannot cover:
 * a read begun before a forgetting does not keep what it found (`begin`, then `keep`), and every
 * entry is read again after `maxAgeMs`, in case a process died between a change and its news.
 * The oldest entries go first when there are more than `maxEntries`.
 */
export interface ForgettingMemo<V> {
  /** The value remembered for `key`, if it is younger than the memo's age. */
  get(key: string): V | undefined;
  /** Taken before reading what `keep` will be given: a forgetting in between makes `keep` keep nothing. */
  begin(): number;
  keep(key: string, value: V, began: number): void;
  forget(key: string): void;
  forgetAll(): void;
}

export function forgettingMemo<V>(options: { maxAgeMs: number; maxEntries: number }): ForgettingMemo<V> {
  const entries = new Map<string, { value: V; at: number }>();
  let epoch = 0;
  return {
    get(key) {
      const known = entries.get(key);
      return known && Date.now() - known.at < options.maxAgeMs ? known.value : undefined;
    },
    begin: () => epoch,
    keep(key, value, began) {
      if (began !== epoch) return;
      entries.delete(key); // re-inserted last: the oldest entries go first when the map is full
      entries.set(key, { value, at: Date.now() });
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
    },
    forget(key) {
      epoch += 1;
      entries.delete(key);
    },
    forgetAll() {
      epoch += 1;
      entries.clear();
    },
  };
}
