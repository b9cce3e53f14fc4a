/**
 * The Mongoose connection. Code is written for MongoDB and kept portable to the
 * embedded FerretDB (see docs/ARCHITECTURE.md, "Database").
 */
import mongoose from 'mongoose';

mongoose.set('strictQuery', true);
// Operator-shaped input (`{"$ne": null}`) is refused by the zod schemas before any query is built.
// Indexes are created explicitly at start (`ensureIndexes`), not lazily on first use.
mongoose.set('autoIndex', false);
// Policy checks and the in-memory working set compare ids as strings thousands of times a request
// (a supervisor's board reads every open ticket); each ObjectId keeps its hex once computed
// instead of re-encoding its 12 bytes on every comparison (measured: readableWork at 100,000
// tickets went from 33–67 ms to under half).
mongoose.mongo.BSON.ObjectId.cacheHexString = true;

export type DatabaseFlavor = 'mongodb' | 'ferretdb';
let flavor: DatabaseFlavor = 'mongodb';

/** Which server we talk to: FerretDB answers buildInfo with a `ferretdbVersion`. */
export function databaseFlavor(): DatabaseFlavor {
  return flavor;
}

export async function connectDatabase(uri: string, dbName?: string): Promise<typeof mongoose> {
  const connected = await mongoose.connect(uri, {
    ...(dbName ? { dbName } : {}),
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
  });
  const info = await connected.connection.db?.admin().command({ buildInfo: 1 });
  flavor = info && 'ferretdbVersion' in info ? 'ferretdb' : 'mongodb';
  return connected;
}

/** Creates every declared index; unique indexes are what serializes concurrent commands. */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) await model.createIndexes();
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

/** True when the database answers a ping within `timeoutMs`. */
export async function pingDatabase(timeoutMs: number): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    await Promise.race([db.admin().ping(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
