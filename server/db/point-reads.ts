/**
 * Reads documents one `_id` at a time, a few in flight: the one read the embedded FerretDB serves
 * from an index (docs/FERRETDB.md: `{ _id: { $in: [...] } }` is not pushed down and reads the whole
 * collection). On MongoDB these are as many indexed point reads.
 */
export async function readByIds<T>(ids: readonly unknown[], read: (id: unknown) => Promise<T | null>, concurrency = 16): Promise<T[]> {
  const out: (T | null)[] = new Array<T | null>(ids.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      out[i] = await read(ids[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return out.filter((x): x is T => x !== null);
}
