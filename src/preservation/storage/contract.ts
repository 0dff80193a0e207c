/**
 * The behaviour every StorageBackend must have, written once and run against each backend
 * (fs-backend.test.ts, s3-backend.test.ts). Not a test file itself: it only registers tests.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StorageError, type StorageBackend } from './backend.ts';
import { hashStream } from './verify.ts';

export type Harness = {
  backend: StorageBackend;
  /** Replaces the stored bytes of `key` behind the backend's back (bit rot, a careless administrator). */
  tamper(key: string, bytes: Buffer): Promise<void>;
  /** The backend's temporary/staging objects still present; empty after every put, good or failed. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
  /** Set when the server behind the backend is known not to list in UTF-8 byte order across folders (why). */
  listOrderCaveat?: string;
};

const MiB = 1024 * 1024;

/** A buffer as a stream of 64 KiB chunks, as a file or an upload would arrive. */
export function streamOf(buf: Buffer, chunk = 64 * 1024): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
  })());
}

/** `size` bytes made on the fly, 1 MiB at a time: never in memory as a whole. */
export function generated(size: number, chunk = MiB): Readable {
  const block = randomBytes(chunk);
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const len = Math.min(chunk, size - sent);
      const b = Buffer.from(block.subarray(0, len));
      if (len >= 4) b.writeUInt32BE(n++, 0); // every chunk differs
      sent += len;
      this.push(b);
    },
  });
}

/** A stream that delivers `good` bytes and then fails, as a dropped upload or a crashing reader would. */
export function failingAfter(good: number): Readable {
  const src = generated(good);
  return Readable.from((async function* () {
    for await (const c of src) yield c as Buffer;
    throw new Error('source failed halfway');
  })());
}

export const nodeDigests = (b: Buffer) => ({
  size: b.length,
  sha256: createHash('sha256').update(b).digest('hex'),
  sha512: createHash('sha512').update(b).digest('hex'),
  sm3: createHash('sm3').update(b).digest('hex'),
});

export async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

export async function keys(b: StorageBackend, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of b.list(prefix)) out.push(o.key);
  return out;
}

export const isKind = (kind: StorageError['kind']) => (err: unknown) => {
  assert.ok(err instanceof StorageError, `expected StorageError ${kind}, got ${String(err)}`);
  assert.equal(err.kind, kind, err.message);
  return true;
};

// A real gc() without --expose-gc on the command line: earlier tests' garbage must not hide growth.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs `fn` while sampling RSS every 10 ms; returns the peak growth over the RSS before (after a full GC). */
export async function rssGrowth(fn: () => Promise<unknown>): Promise<number> {
  gc();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - before;
}

export const INVALID_KEYS = ['../x', '/abs', 'a//b', 'a/./b', 'a\\b', 'a/\u0001b', 'tab\there', '', 'a/', 'e\u0301.pdf' /* not NFC */];

export function storageContract(name: string, setup: () => Promise<Harness>): void {
  describe(`StorageBackend contract: ${name}`, () => {
    let h: Harness;
    let b: StorageBackend;
    before(async () => {
      h = await setup();
      b = h.backend;
    });
    after(() => h.close());

    test('round trip of empty, 1-byte, Chinese-named and 40 MiB objects: digests equal Node crypto over the same bytes', async () => {
      const cases: [string, Buffer][] = [
        ['empty', Buffer.alloc(0)],
        ['one', Buffer.from([0x7f])],
        ['竣工图/结构 图纸 01.pdf', Buffer.from('%PDF-1.7 竣工图 结构')],
        ['big/random.bin', randomBytes(40 * MiB)],
      ];
      for (const [key, bytes] of cases) {
        const want = { key, ...nodeDigests(bytes) };
        assert.deepEqual(await b.put(key, streamOf(bytes)), want, key);
        assert.deepEqual(await b.head(key), { key, size: bytes.length });
        assert.ok((await readAll(await b.get(key))).equals(bytes), key);
        assert.deepEqual(await b.digest(key), want);
      }
      assert.deepEqual(await keys(b, '竣工图/'), ['竣工图/结构 图纸 01.pdf']);
      assert.deepEqual(await h.leftovers(), []);
    });

    test('range reads are inclusive, may cross part boundaries, clip at the end, and are empty past it', async () => {
      const bytes = randomBytes(9 * MiB);
      await b.put('range/obj', streamOf(bytes));
      const at = async (start: number, end: number, want: Buffer) => {
        const got = await readAll(await b.get('range/obj', { start, end }));
        // Compare lengths first: a failing deepEqual on megabytes would build an enormous diff.
        assert.equal(got.length, want.length, `range ${start}-${end}`);
        assert.ok(got.equals(want), `range ${start}-${end}`);
      };
      await at(0, 0, bytes.subarray(0, 1)); // s3rver answers 0-0 with the whole object; the backend must clip
      await at(0, 9, bytes.subarray(0, 10));
      await at(10, 19, bytes.subarray(10, 20));
      await at(8 * MiB - 5, 8 * MiB + 5, bytes.subarray(8 * MiB - 5, 8 * MiB + 6));
      await at(bytes.length - 3, bytes.length + 100, bytes.subarray(bytes.length - 3));
      await at(bytes.length, bytes.length + 10, Buffer.alloc(0));
      await assert.rejects(b.get('range/obj', { start: 5, end: 4 }), RangeError);
      await assert.rejects(b.get('range/absent', { start: 0, end: 4 }), isKind('not-found'));
    });

    test('absent objects: head is undefined, get and digest reject not-found, delete is fine', async () => {
      assert.equal(await b.head('absent/x'), undefined);
      await assert.rejects(b.get('absent/x'), isKind('not-found'));
      await assert.rejects(b.digest('absent/x'), isKind('not-found'));
      await b.delete('absent/x');
      assert.deepEqual(await keys(b, 'absent/'), []);
    });

    test('an `expected` mismatch rejects and leaves nothing at the key and no temporary objects', async () => {
      const bytes = randomBytes(1000);
      const d = nodeDigests(bytes);
      await assert.rejects(b.put('exp/bad', streamOf(bytes), { sha256: '0'.repeat(64) }), isKind('verify-failed'));
      await assert.rejects(b.put('exp/bad', streamOf(bytes), { size: 999 }), isKind('verify-failed'));
      await assert.rejects(b.put('exp/bad', generated(12 * MiB), { sm3: d.sm3 }), isKind('verify-failed')); // multipart path
      assert.equal(await b.head('exp/bad'), undefined);
      assert.deepEqual(await h.leftovers(), []);
      // Matching expectations (any hex case) store it.
      const ok = await b.put('exp/good', streamOf(bytes), { sha256: d.sha256.toUpperCase(), sm3: d.sm3, size: 1000 });
      assert.equal(ok.sha512, d.sha512);
    });

    test('invalid keys and list prefixes are refused with invalid-key', async () => {
      for (const key of INVALID_KEYS) {
        await assert.rejects(b.put(key, streamOf(Buffer.from('x'))), isKind('invalid-key'), JSON.stringify(key));
        await assert.rejects(b.get(key), isKind('invalid-key'), JSON.stringify(key));
        await assert.rejects(b.head(key), isKind('invalid-key'));
        await assert.rejects(b.delete(key), isKind('invalid-key'));
        await assert.rejects(b.digest(key), isKind('invalid-key'));
      }
      await assert.rejects(keys(b, 'no-slash'), isKind('invalid-key'));
      await assert.rejects(keys(b, '../'), isKind('invalid-key'));
      assert.deepEqual(await h.leftovers(), []);
    });

    test('list returns keys in UTF-8 byte order across folders, and pages through 1,200 objects', async (t) => {
      // No key is also a folder of other keys (OCFL forbids it; the fs backend cannot store it).
      const tricky = ['ord/a-b', 'ord/a.', 'ord/a/b', 'ord/a/c/d', 'ord/a0', 'ord/b', 'ord/竣工图', 'ord/\uff21', 'ord/\u{1d4b3}'];
      for (const k of [...tricky].reverse()) await b.put(k, streamOf(Buffer.from(k)));
      const byBytes = (list: string[]) => [...list].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      const ord = await keys(b, 'ord/');
      if (h.listOrderCaveat) {
        t.diagnostic(`order across folders not checked: ${h.listOrderCaveat}; got ${JSON.stringify(ord)}`);
        assert.deepEqual(byBytes(ord), byBytes(tricky));
      } else {
        assert.deepEqual(ord, byBytes(tricky));
      }
      const many = Array.from({ length: 1200 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < many.length; i += 24) await Promise.all(many.slice(i, i + 24).map((k) => b.put(k, streamOf(Buffer.from(k)))));
      const listed: { key: string; size: number }[] = [];
      for await (const o of b.list('many/')) listed.push(o);
      assert.deepEqual(listed.map((o) => o.key), many);
      assert.ok(listed.every((o) => o.size === 9));
      const all = await keys(b, '');
      assert.ok(all.includes('many/1199') && all.includes('ord/a/c/d'));
      if (!h.listOrderCaveat) assert.deepEqual(all, byBytes(all));
    });

    test('overwrite replaces; delete removes', async () => {
      await b.put('ow/x', streamOf(Buffer.from('one')));
      await b.put('ow/x', streamOf(Buffer.from('two!')));
      assert.equal((await readAll(await b.get('ow/x'))).toString(), 'two!');
      await b.delete('ow/x');
      assert.equal(await b.head('ow/x'), undefined);
      assert.deepEqual(await keys(b, 'ow/'), []);
    });

    test('a flipped byte in the stored object changes digest()', async () => {
      const bytes = randomBytes(100_000);
      const stored = await b.put('rot/x', streamOf(bytes));
      const flipped = Buffer.from(bytes);
      flipped[50_000] = flipped[50_000]! ^ 0x01;
      await h.tamper('rot/x', flipped);
      const now = await b.digest('rot/x');
      assert.equal(now.size, stored.size);
      assert.notEqual(now.sha256, stored.sha256);
      assert.notEqual(now.sm3, stored.sm3);
      assert.deepEqual(now, { key: 'rot/x', ...nodeDigests(flipped) });
    });

    test('a source that fails halfway rejects with its own error and leaves no object and no temporary objects', async () => {
      await assert.rejects(b.put('crash/x', failingAfter(20 * MiB)), /source failed halfway/);
      await assert.rejects(b.put('crash/small', failingAfter(1000)), /source failed halfway/);
      assert.equal(await b.head('crash/x'), undefined);
      assert.equal(await b.head('crash/small'), undefined);
      assert.deepEqual(await h.leftovers(), []);
    });

    test('memory: a 300 MiB generated stream is stored with RSS growth under 150 MiB', async (t) => {
      let r: Awaited<ReturnType<StorageBackend['put']>> | undefined;
      const growth = await rssGrowth(async () => (r = await b.put('mem/300', generated(300 * MiB))));
      t.diagnostic(`${name}: 300 MiB put, peak RSS growth ${(growth / MiB).toFixed(1)} MiB`);
      assert.equal(r?.size, 300 * MiB);
      assert.ok(growth < 150 * MiB, `RSS grew ${(growth / MiB).toFixed(1)} MiB`);
      await b.delete('mem/300');
    });

    test('throughput: 256 MiB put beside raw hashing of the same generated bytes', async (t) => {
      const size = 256 * MiB;
      let t0 = performance.now();
      const raw = await hashStream('raw', generated(size));
      const hashMs = performance.now() - t0;
      t0 = performance.now();
      const put = await b.put('tp/256', generated(size));
      const putMs = performance.now() - t0;
      const rate = (ms: number) => `${(size / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
      t.diagnostic(`${name}: 256 MiB put ${(putMs / 1000).toFixed(2)} s (${rate(putMs)}, incl. read-back verify); raw SHA-256+SHA-512+SM3 of the same stream ${(hashMs / 1000).toFixed(2)} s (${rate(hashMs)})`);
      assert.equal(put.size, raw.size);
      await b.delete('tp/256');
    });
  });
}
