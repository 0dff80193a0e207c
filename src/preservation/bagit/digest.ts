/**
 * Hashing for bags: one pass over a file for every algorithm a bag uses. SHA-256, SHA-512 and SM3
 * come from MultiDigest (content-store.ts); the older BagIt algorithms a foreign bag may use (MD5,
 * SHA-1, SHA-224, SHA-384) are added to the same pass, all through Node's crypto.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MultiDigest, type Digests } from '../content-store.ts';

/** Manifest algorithm names (RFC 8493 §2.4; `sm3` is Dangan's local one) → hex digest length. */
export const ALGORITHMS: Readonly<Record<string, number>> = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128, sm3: 64 };
const IN_MULTI = new Set(['sha256', 'sha512', 'sm3']);

export const isAlgorithm = (alg: string): boolean => Object.hasOwn(ALGORITHMS, alg);

class BagDigest extends MultiDigest {
  private readonly extra = new Map<string, Hash>();
  private readonly withSha512: boolean;
  /** Only the algorithms the bag's manifests use: SHA-512 costs a quarter of the CPU when nobody asked for it. */
  constructor(algorithms: Iterable<string>) {
    const algs = [...algorithms];
    super({ sha512: algs.includes('sha512') });
    this.withSha512 = algs.includes('sha512');
    for (const alg of algs) if (!IN_MULTI.has(alg)) this.extra.set(alg, createHash(alg));
  }

  override feed(chunk: Buffer): void {
    for (const h of this.extra.values()) h.update(chunk);
    super.feed(chunk);
  }

  all(): Record<string, string> {
    const { sha512, ...rest } = this.digests();
    const out: Record<string, string> = this.withSha512 ? { ...rest, sha512 } : rest;
    for (const [alg, h] of this.extra) out[alg] = h.digest('hex');
    return out;
  }
}

const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

/** Size and hex digests (lower case) of a file, streamed. */
export async function hashFile(file: string, algorithms: Iterable<string>): Promise<{ size: number; digests: Record<string, string> }> {
  const d = new BagDigest(algorithms);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) d.feed(chunk as Buffer);
  return { size: d.size, digests: d.all() };
}

/** SHA-256, SHA-512 and SM3 of bytes in memory (small tag files). */
export async function digestBytes(bytes: Buffer): Promise<Digests & { size: number }> {
  const d = new MultiDigest();
  await pipeline(Readable.from([bytes]), d, sink());
  return { size: d.size, ...d.digests() };
}
