/** A supertest parser that keeps a response's body as the bytes it came in (ZIPs, raw mail). */
import type { Response } from 'superagent';

type Callback = (error: Error | null, body: Buffer) => void;

export function asBytes(res: Response, done: Callback): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** The smallest valid PNG (one transparent pixel): an image in a test mail, a signature's logo. */
export const onePixelPng = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5c50000000049454e44ae426082',
  'hex',
);
