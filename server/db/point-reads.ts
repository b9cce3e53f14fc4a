/**
 * Reads documents one `_id` at a time, a few in flight: the one read the embedded FerretDB serves
 * from an index (docs/FERRETDB.md: `{ _id: { $in: [...] } }` is not pushed down and reads the whole
 * collection). On MongoDB these are as many indexed point reads.
 */
export async function readByIds<T, Id = unknown>(ids: readonly Id[], read: (id: Id) => Promise<T | null>, concurrency = 16): Promise<T[]> {
  const out: (T | null)[] = new Array<T | null>(ids.length).fill(null);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) out[i] = await read(ids[i] as Id);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return out.filter((x): x is T => x !== null);
}
