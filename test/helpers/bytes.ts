/** A supertest parser that keeps a response's body as the bytes it came in (ZIPs, raw mail). */
import type { Response } from 'superagent';

type Callback = (error: Error | null, body: Buffer) => void;

export function asBytes(res: Response, done: Callback): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
