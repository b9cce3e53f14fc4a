/**
 * A tiny time-bounded memo for small configuration collections (offices, teams,
 * routing rules) read on every ticket creation. A change made by an administrator is
 * seen within `ttlMs`; concurrent callers share one load.
 */
/** How long an administrator's change to a small configuration collection may take to be seen. */
export const configTtlMs = 5_000;

export function ttlCache<T>(ttlMs: number, load: () => PromiseLike<T>): { get(): Promise<T>; clear(): void } {
  let value: { at: number; promise: Promise<T> } | undefined;
  const cache = {
    get() {
      const now = Date.now();
      if (!value || now - value.at > ttlMs) {
        // `then` adopts thenables once (a Mongoose query executes when awaited, and only once).
        const promise = Promise.resolve().then(load);
        value = { at: now, promise };
        // A failed load is not remembered.
        promise.catch(() => {
          if (value?.promise === promise) value = undefined;
        });
      }
      return value.promise;
    },
    clear() {
      value = undefined;
    },
  };
  every.add(cache);
  return cache;
}

const every = new Set<{ clear(): void }>();

/** Forgets every cached configuration at once (an administrator's change; tests between cases). */
export function clearConfigCaches(): void {
  for (const cache of every) cache.clear();
}
