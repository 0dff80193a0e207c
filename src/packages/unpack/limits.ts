/** Limits that keep a hostile package from exhausting disk, memory or time. */
import { unpackError } from './errors.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export type UnpackLimits = {
  /** Bytes of all entries together, after decompression. */
  maxTotalBytes: number;
  /** Bytes of one entry, after decompression. */
  maxEntryBytes: number;
  /** Entries (files and directories). */
  maxEntries: number;
  /** Decompressed : compressed, per entry and for the whole archive, checked once past `ratioGraceBytes`. */
  maxCompressionRatio: number;
  /** Below this many decompressed bytes the ratio is not checked (tiny files compress very well). */
  ratioGraceBytes: number;
  /** Path segments (directory nesting) of one entry. */
  maxNestingDepth: number;
  /** UTF-8 bytes of a whole entry path. */
  maxPathBytes: number;
  /** UTF-8 bytes of one path segment (255 on every common filesystem). */
  maxNameBytes: number;
};

export const DEFAULT_LIMITS: Readonly<UnpackLimits> = Object.freeze({
  maxTotalBytes: 50 * GiB,
  maxEntryBytes: 20 * GiB,
  maxEntries: 200_000,
  maxCompressionRatio: 200,
  ratioGraceBytes: 1 * MiB,
  maxNestingDepth: 32,
  maxPathBytes: 1024,
  maxNameBytes: 255,
});

/** Defaults overridden by `partial`; every value must be a positive safe integer (grace may be 0). */
export function resolveLimits(partial?: Partial<UnpackLimits>): UnpackLimits {
  const limits: UnpackLimits = { ...DEFAULT_LIMITS, ...(partial ?? {}) };
  for (const [k, v] of Object.entries(limits) as [keyof UnpackLimits, number][]) {
    const min = k === 'ratioGraceBytes' ? 0 : 1;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw unpackError('limits-invalid', undefined, `限值 ${k} 必须是不小于 ${min} 的整数，而不是 ${String(v)}`, `limit ${k} must be an integer ≥ ${min}, not ${String(v)}`);
    }
  }
  if (limits.maxEntryBytes > limits.maxTotalBytes) {
    throw unpackError('limits-invalid', undefined, '单个条目上限不能大于总量上限', 'maxEntryBytes cannot exceed maxTotalBytes');
  }
  return limits;
}
