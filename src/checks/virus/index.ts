/**
 * DA/T 70 item 4-2 (病毒感染检测): scanning archive files with ClamAV's clamd.
 *
 * What it does:
 * - sends each file to clamd over a Unix socket or TCP (INSTREAM), streamed with backpressure, in
 *   bounded time, and returns one ScanResult: `clean`, `infected` (with clamd's signature name) or
 *   `error` with a stable code (unavailable, timeout, size-limit, protocol, scanner-error, read-error);
 * - maps every way a scan can fall short to `error`, never to `clean`: no scanner configured, clamd
 *   unreachable or stopped, a file over clamd's StreamMaxLength or its MaxFileSize / MaxScanSize
 *   (with AlertExceedsMax), an answer that is not clamd's, a stalled clamd, a failed read of the file;
 * - reads its settings (DANGAN_CLAMD, DANGAN_CLAMD_TIMEOUT_MS, DANGAN_CLAMD_MAX_BYTES) through a zod
 *   fragment for the platform configuration.
 *
 * What it does not do:
 * - judge: the engine maps `infected` to a failed 4-2, `error` to "not run" (未检测) and `clean` to a pass;
 * - keep signatures current (freshclam's job on the clamd host) or check their age: ping() reports
 *   clamd's version string, whose second field is the signature database version, but nothing here
 *   refuses an old database;
 * - quarantine, delete or repair files; scan with the SCAN / CONTSCAN commands (clamd would need read
 *   access to our storage: INSTREAM keeps clamd on the other side of a socket);
 * - see past ClamAV's own limits: a ZIP member larger than clamd's MaxFileSize is scanned only up to
 *   MaxFileSize with no alert (ClamAV 1.4.6) unless MaxScanSize <= MaxFileSize; see docs/virus-scan.md.
 */
export {
  ClamdScanner,
  UnconfiguredScanner,
  parseInstreamReply,
  type ClamdAddress,
  type ClamdLimits,
  type PingResult,
  type ScanErrorCode,
  type ScanResult,
  type VirusScanner,
} from './clamd.ts';
export { ClamdEnv, clamdSettingsFromEnv, createVirusScanner, parseClamdAddress, parseSize, type ClamdSettings } from './config.ts';
