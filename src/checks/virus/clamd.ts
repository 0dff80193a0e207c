/**
 * A client for ClamAV's scanner daemon (clamd), for DA/T 70 item 4-2 (病毒感染检测).
 *
 * Speaks clamd's null-terminated command protocol (`z` prefix): `zPING`, `zVERSION` and `zINSTREAM`,
 * the last one with the file sent as chunks `<uint32 big-endian length><bytes>` closed by a zero-length
 * chunk. The file is streamed with backpressure (at most one chunk of it is held here), every socket
 * has an inactivity bound, and every way a scan can fail ends in `outcome: 'error'` with a stable code:
 * a scan that did not happen, or did not cover the whole file, is never reported as `clean`.
 *
 * Not here: judging (the engine maps a ScanResult to the item's pass / fail / not-run), signature
 * updates (freshclam's job), and clamd's own limits (its configuration, see docs/virus-scan.md).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Bilingual } from '../formats/model.ts';

export type ScanErrorCode =
  /** no scanner configured, or it cannot be reached (refused, no socket, closed before answering) */
  | 'unavailable'
  /** the scanner stopped answering (or stopped reading) for longer than `timeoutMs` */
  | 'timeout'
  /** the file is larger than the scanner accepts or scans whole (StreamMaxLength, MaxFileSize, MaxScanSize…) */
  | 'size-limit'
  /** the scanner answered something that is not clamd's protocol */
  | 'protocol'
  /** clamd answered with an ERROR of its own (out of memory, temporary file…) */
  | 'scanner-error'
  /** the file itself could not be read (missing, permissions, the source stream failed) */
  | 'read-error';

export type ScanResult = {
  outcome: 'clean' | 'infected' | 'error';
  /** the signature name clamd reported, for `infected` (and for a size-limit heuristic, its name) */
  signature?: string;
  error?: { code: ScanErrorCode; message: Bilingual };
  /** bytes of the file sent to the scanner */
  bytes: number;
  /** milliseconds from connecting to the verdict */
  ms: number;
};

export type PingResult = { ok: boolean; version?: string; error?: string };

export type ClamdAddress = { socket: string } | { host: string; port: number };

export type ClamdLimits = {
  /**
   * Inactivity bound in milliseconds: connecting, each write that waits for clamd to read, and the wait
   * for the verdict after the last chunk each end in `timeout` when nothing moves for this long.
   * Must exceed the longest scan clamd may run (its MaxScanTime). Default 120 000.
   */
  timeoutMs?: number;
  /** largest INSTREAM chunk sent. Default 256 KiB. */
  chunkBytes?: number;
  /**
   * Largest file sent, in bytes: set it to clamd's StreamMaxLength. A larger file ends in `size-limit`
   * without being sent (scanFile) or as soon as it is exceeded (scanStream). Unset: clamd's own limit
   * is the only one (it answers `INSTREAM size limit exceeded`, which also ends in `size-limit`).
   */
  maxStreamBytes?: number;
};

/** What every virus scanner of the engine offers; ClamdScanner and the unconfigured stand-in. */
export interface VirusScanner {
  ping(): Promise<PingResult>;
  /** Scans the stream's bytes. The stream is read to its end, or destroyed when the scan stops early. */
  scanStream(stream: Readable, name?: string): Promise<ScanResult>;
  scanFile(path: string): Promise<ScanResult>;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** a reply longer than this is not clamd's */
const MAX_REPLY_BYTES = 64 * 1024;

const msg = {
  unconfigured: { zh: '未配置病毒扫描服务（DANGAN_CLAMD），病毒检测未执行', en: 'no virus scanner is configured (DANGAN_CLAMD); the virus scan was not run' },
  unavailable: (where: string, why: string): Bilingual => ({
    zh: `无法连接病毒扫描服务 ${where}：${why}；病毒检测未执行`,
    en: `cannot reach the virus scanner at ${where}: ${why}; the virus scan was not run`,
  }),
  closed: (where: string): Bilingual => ({
    zh: `病毒扫描服务 ${where} 未给出结论即断开连接；病毒检测未完成`,
    en: `the virus scanner at ${where} closed the connection without a verdict; the virus scan did not complete`,
  }),
  timeout: (where: string, ms: number, phase: string): Bilingual => ({
    zh: `病毒扫描服务 ${where} 在 ${ms} 毫秒内无响应（${phase}）；病毒检测未完成`,
    en: `the virus scanner at ${where} did not respond within ${ms} ms (${phase}); the virus scan did not complete`,
  }),
  sizeClient: (bytes: number, max: number): Bilingual => ({
    zh: `文件大小超过病毒扫描上限（已达 ${bytes} 字节，上限 ${max} 字节）；文件未被完整扫描`,
    en: `the file exceeds the virus scanner's limit (${bytes} bytes reached, limit ${max} bytes); the file was not scanned whole`,
  }),
  sizeServer: (reply: string): Bilingual => ({
    zh: `文件超过病毒扫描服务的大小限制（${reply}）；文件未被完整扫描`,
    en: `the file exceeds the virus scanner's size limit (${reply}); the file was not scanned whole`,
  }),
  scanTime: (reply: string): Bilingual => ({
    zh: `病毒扫描服务在其扫描时限内未扫描完该文件（${reply}）；文件未被完整扫描`,
    en: `the virus scanner did not finish the file within its scan time limit (${reply}); the file was not scanned whole`,
  }),
  closedMidFile: (where: string, bytes: number): Bilingual => ({
    zh: `病毒扫描服务 ${where} 在接收 ${bytes} 字节后未给出结论即断开连接，但仍可连接：文件很可能超过其 StreamMaxLength（请将 DANGAN_CLAMD_MAX_BYTES 设为该值）；文件未被扫描`,
    en: `the virus scanner at ${where} closed the connection after ${bytes} bytes without a verdict yet still answers: the file most likely exceeds its StreamMaxLength (set DANGAN_CLAMD_MAX_BYTES to it); the file was not scanned`,
  }),
  scannerError: (reply: string): Bilingual => ({
    zh: `病毒扫描服务报告错误：${reply}`,
    en: `the virus scanner reported an error: ${reply}`,
  }),
  protocol: (reply: string): Bilingual => ({
    zh: `病毒扫描服务的应答无法识别：${reply}`,
    en: `the virus scanner's answer is not clamd's protocol: ${reply}`,
  }),
  readError: (why: string): Bilingual => ({
    zh: `无法读取待扫描文件：${why}`,
    en: `cannot read the file to scan: ${why}`,
  }),
};

/** Printable, bounded form of a reply for messages. */
function show(reply: string): string {
  const s = reply.replace(/[^\x20-\x7e\u00a0-\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Maps one INSTREAM reply (without its terminating NUL) to a verdict. Exported for tests. */
export function parseInstreamReply(reply: string): Pick<ScanResult, 'outcome' | 'signature' | 'error'> {
  const r = reply.replace(/\n$/, '');
  if (/^stream: OK$/.test(r)) return { outcome: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(r);
  if (found) {
    // ExtendedDetectionInfo appends `(md5:size)`; the name alone is the signature.
    const signature = found[1]!.replace(/\([0-9a-f]{32,64}:\d+\)$/, '');
    // clamd with AlertExceedsMax reports a file it could not scan whole as a "detection": it is not a virus,
    // and the file was not scanned, so it is a size-limit error, never clean and never infected.
    if (/^Heuristics\.Limits\.Exceeded\.MaxScanTime/.test(signature)) {
      return { outcome: 'error', signature, error: { code: 'timeout', message: msg.scanTime(signature) } };
    }
    if (/^Heuristics\.Limits\.Exceeded/.test(signature)) {
      return { outcome: 'error', signature, error: { code: 'size-limit', message: msg.sizeServer(signature) } };
    }
    return { outcome: 'infected', signature };
  }
  if (/size limit exceeded/i.test(r) && / ERROR$/.test(r)) {
    return { outcome: 'error', error: { code: 'size-limit', message: msg.sizeServer(show(r)) } };
  }
  if (/^(?:stream: )?.+ ERROR$/.test(r)) {
    return { outcome: 'error', error: { code: 'scanner-error', message: msg.scannerError(show(r)) } };
  }
  return { outcome: 'error', error: { code: 'protocol', message: msg.protocol(show(r)) } };
}

type Failure = { code: ScanErrorCode; message: Bilingual };

/** Node's connection errors that mean "no scanner there". */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ENOTSOCK', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

/**
 * One connection to clamd: sends what it is told, collects the reply up to its NUL (or the end of the
 * connection), and turns every socket event into either a reply or a Failure, exactly once.
 */
class Conversation {
  readonly socket: Socket;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private connected = false;
  private phase = 'connect';
  private resolveReply!: (r: { reply: string } | { failure: Failure }) => void;
  readonly done: Promise<{ reply: string } | { failure: Failure }>;
  /** the pending write's waiter, woken early when the conversation ends or the socket closes */
  private wake: (() => void) | undefined;
  closed = false;

  constructor(
    address: ClamdAddress,
    private readonly where: string,
    private readonly timeoutMs: number,
  ) {
    this.done = new Promise((resolve) => (this.resolveReply = resolve));
    this.socket = 'socket' in address ? connect({ path: address.socket }) : connect({ host: address.host, port: address.port });
    this.socket.setTimeout(timeoutMs);
    this.socket.on('connect', () => {
      this.connected = true;
      if (this.phase === 'connect') this.phase = 'send';
    });
    this.socket.on('timeout', () => {
      this.finish({ failure: { code: 'timeout', message: msg.timeout(where, timeoutMs, this.phase) } });
    });
    this.socket.on('data', (d: Buffer) => {
      const nul = d.indexOf(0);
      const part = nul >= 0 ? d.subarray(0, nul) : d;
      this.chunks.push(part);
      this.size += part.length;
      if (nul >= 0) this.finish({ reply: Buffer.concat(this.chunks).toString('utf8') });
      else if (this.size > MAX_REPLY_BYTES) {
        this.finish({ failure: { code: 'protocol', message: msg.protocol(show(Buffer.concat(this.chunks).subarray(0, 200).toString('latin1'))) } });
      }
    });
    this.socket.on('end', () => {
      // clamd always ends a reply with NUL in z-mode; a reply cut short by the end of the connection is
      // still judged by its text (an unknown text is a protocol error), an empty one means "no verdict".
      if (this.size > 0) this.finish({ reply: Buffer.concat(this.chunks).toString('utf8') });
      else {
        if (!this.settled && this.phase === 'send') this.dropped = true;
        this.finish({ failure: { code: 'unavailable', message: msg.closed(where) } });
      }
    });
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      // A write error (EPIPE / ECONNRESET) while sending may come just before clamd's reply (it answers
      // "size limit exceeded" and closes): wait for that reply; 'close' settles when none arrives.
      if (this.connected && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) return;
      const why = err.code && UNAVAILABLE_ERRNO.has(err.code) ? `${err.code}` : `${err.code ?? ''} ${err.message}`.trim();
      this.finish({ failure: { code: 'unavailable', message: msg.unavailable(where, why) } });
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake?.();
      if (this.size > 0) this.finish({ reply: Buffer.concat(this.chunks).toString('utf8') });
      else {
        if (!this.settled && this.connected && this.phase === 'send') this.dropped = true;
        this.finish({ failure: { code: 'unavailable', message: msg.closed(where) } });
      }
    });
  }

  get settledYet(): boolean {
    return this.settled;
  }

  /** true when the peer went away (no reply at all) while the file was still being sent */
  get droppedWhileSending(): boolean {
    return this.dropped;
  }
  private dropped = false;

  setPhase(phase: string): void {
    this.phase = phase;
  }

  private finish(r: { reply: string } | { failure: Failure }): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveReply(r);
    this.socket.destroy();
    this.wake?.();
  }

  /** Ends the conversation with a failure found on this side (a size limit, a read error). */
  fail(failure: Failure): void {
    this.finish({ failure });
  }

  /**
   * Writes and, when the socket's buffer is full, waits until clamd has read it (or the conversation
   * ends). Returns false when the conversation has ended and nothing more should be written.
   */
  async write(...bufs: Buffer[]): Promise<boolean> {
    if (this.settled || this.closed) return false;
    this.socket.cork();
    let room = true;
    for (const b of bufs) room = this.socket.write(b);
    this.socket.uncork();
    if (room) return true;
    // One write waits at a time: the waiter is woken by 'drain', by the socket closing or by the end of
    // the conversation, and nothing is left registered afterwards (a 50 GB file is ~200 000 waits).
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        this.socket.off('drain', wake);
        this.wake = undefined;
        resolve();
      };
      this.wake = wake;
      this.socket.on('drain', wake);
    });
    return !this.settled && !this.closed;
  }
}

function describe(address: ClamdAddress): string {
  return 'socket' in address ? `unix:${address.socket}` : `tcp://${address.host}:${address.port}`;
}

/** clamd over a Unix socket or TCP. Each call opens its own connection, so calls may run concurrently. */
export class ClamdScanner implements VirusScanner {
  readonly address: ClamdAddress;
  readonly where: string;
  private readonly timeoutMs: number;
  private readonly chunkBytes: number;
  private readonly maxStreamBytes: number | undefined;

  constructor(opts: ClamdAddress, limits: ClamdLimits = {}) {
    this.address = 'socket' in opts ? { socket: opts.socket } : { host: opts.host, port: opts.port };
    this.where = describe(this.address);
    this.timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.chunkBytes = limits.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.maxStreamBytes = limits.maxStreamBytes;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
    if (!(Number.isInteger(this.chunkBytes) && this.chunkBytes > 0 && this.chunkBytes < 2 ** 32)) throw new RangeError('chunkBytes must be a positive 32-bit integer');
    if (this.maxStreamBytes !== undefined && !(this.maxStreamBytes >= 0)) throw new RangeError('maxStreamBytes must be >= 0');
  }

  /** One short command, its reply text. */
  private async command(cmd: 'PING' | 'VERSION'): Promise<{ reply: string } | { failure: Failure }> {
    const c = new Conversation(this.address, this.where, this.timeoutMs);
    c.setPhase(cmd);
    await c.write(Buffer.from(`z${cmd}\0`, 'latin1'));
    return c.done;
  }

  async ping(): Promise<PingResult> {
    const pong = await this.command('PING');
    if ('failure' in pong) return { ok: false, error: pong.failure.message.en };
    if (pong.reply.replace(/\n$/, '') !== 'PONG') return { ok: false, error: msg.protocol(show(pong.reply)).en };
    const version = await this.command('VERSION');
    if ('failure' in version) return { ok: false, error: version.failure.message.en };
    const v = version.reply.replace(/\n$/, '');
    if (!/^ClamAV \S/.test(v)) return { ok: false, error: msg.protocol(show(v)).en };
    return { ok: true, version: v };
  }

  async scanStream(stream: Readable, _name?: string): Promise<ScanResult> {
    const started = performance.now();
    let bytes = 0;
    const c = new Conversation(this.address, this.where, this.timeoutMs);
    const result = (r: Pick<ScanResult, 'outcome' | 'signature' | 'error'>): ScanResult => ({
      ...r,
      bytes,
      ms: Math.round(performance.now() - started),
    });

    const sending = (async (): Promise<void> => {
      if (!(await c.write(Buffer.from('zINSTREAM\0', 'latin1')))) return;
      const max = this.maxStreamBytes;
      for await (const piece of stream as AsyncIterable<Buffer | string>) {
        const buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        for (let off = 0; off < buf.length; off += this.chunkBytes) {
          const part = buf.subarray(off, Math.min(buf.length, off + this.chunkBytes));
          if (max !== undefined && bytes + part.length > max) {
            bytes += part.length;
            c.fail({ code: 'size-limit', message: msg.sizeClient(bytes, max) });
            return;
          }
          const header = Buffer.allocUnsafe(4);
          header.writeUInt32BE(part.length, 0);
          if (!(await c.write(header, part))) return;
          bytes += part.length;
        }
        if (c.settledYet) return;
      }
      c.setPhase('verdict');
      await c.write(Buffer.alloc(4)); // the zero-length chunk: end of the file
    })().catch((err: unknown) => {
      // Once the conversation has ended, the source is destroyed on purpose: that is not a read error.
      if (c.settledYet) return;
      // The source failed: nothing after this can be a verdict on the whole file.
      c.fail({ code: 'read-error', message: msg.readError(err instanceof Error ? err.message : String(err)) });
    });

    const outcome = await c.done;
    // Stop reading the source when the scan ended before its end (a limit, a failure, an early reply).
    if (!stream.readableEnded) stream.destroy();
    await sending;
    if ('failure' in outcome) {
      // clamd answers "INSTREAM size limit exceeded" and closes at once; when that close reaches us as a
      // failed write, Node drops the socket before its reply is read. A clamd that closed mid-file yet
      // still answers PING did so on purpose: the file is over its StreamMaxLength. Either way: not clean.
      if (c.droppedWhileSending && bytes > 0) {
        const probe = await new ClamdScanner(this.address, { timeoutMs: Math.min(this.timeoutMs, 5_000) }).ping();
        if (probe.ok) return result({ outcome: 'error', error: { code: 'size-limit', message: msg.closedMidFile(this.where, bytes) } });
      }
      return result({ outcome: 'error', error: outcome.failure });
    }
    const verdict = parseInstreamReply(outcome.reply);
    // A "clean" verdict counts only when the whole stream was sent: an early `stream: OK` is not a scan of the file.
    if (verdict.outcome === 'clean' && !stream.readableEnded) {
      return result({ outcome: 'error', error: { code: 'protocol', message: msg.protocol('stream: OK before the end of the file') } });
    }
    return result(verdict);
  }

  async scanFile(path: string): Promise<ScanResult> {
    const started = performance.now();
    let size: number;
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new Error(`not a regular file: ${path}`);
      size = s.size;
    } catch (err) {
      return { outcome: 'error', error: { code: 'read-error', message: msg.readError((err as Error).message) }, bytes: 0, ms: Math.round(performance.now() - started) };
    }
    if (this.maxStreamBytes !== undefined && size > this.maxStreamBytes) {
      return { outcome: 'error', error: { code: 'size-limit', message: msg.sizeClient(size, this.maxStreamBytes) }, bytes: 0, ms: Math.round(performance.now() - started) };
    }
    return this.scanStream(createReadStream(path, { highWaterMark: this.chunkBytes }), path);
  }
}

/** The scanner used when none is configured: every scan ends in `error` / `unavailable` ("not run"). */
export class UnconfiguredScanner implements VirusScanner {
  async ping(): Promise<PingResult> {
    return { ok: false, error: msg.unconfigured.en };
  }

  async scanStream(stream: Readable, _name?: string): Promise<ScanResult> {
    stream.destroy();
    return { outcome: 'error', error: { code: 'unavailable', message: msg.unconfigured }, bytes: 0, ms: 0 };
  }

  async scanFile(_path: string): Promise<ScanResult> {
    return { outcome: 'error', error: { code: 'unavailable', message: msg.unconfigured }, bytes: 0, ms: 0 };
  }
}
