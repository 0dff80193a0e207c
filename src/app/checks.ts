/**
 * The check engine's adapters to the outside: the virus scanner from configuration (clamd), the Chinese PDF
 * report, and first-page previews for the human readability check (3-4).
 */
import sharp from 'sharp';
import { ClamdScanner, parseClamdAddress, type ClamdLimits } from '../checks/virus/index.ts';
import type { VirusScanner } from '../checks/index.ts';
import type { Config } from '../platform/config.ts';

/** `unix:/path` or `tcp://host:port` → a scanner the engine can use; undefined when the address is malformed. */
export async function clamdScanner(address: string, limits: ClamdLimits = {}): Promise<VirusScanner | { unavailable: string } | undefined> {
  let parsed;
  try {
    parsed = parseClamdAddress(address);
  } catch {
    return undefined;
  }
  const scanner = new ClamdScanner(parsed, limits);
  const ping = await scanner.ping();
  if (!ping.ok) return { unavailable: `clamd ${address}: ${ping.error ?? 'no answer'}` };
  const name = `ClamAV ${ping.version ?? ''}`.trim();
  return {
    name,
    async scanFile(path) {
      const r = await scanner.scanFile(path);
      return { outcome: r.outcome, signature: r.signature, error: r.error ? { message: r.error.message } : undefined };
    },
  };
}

/** The configured scanner for a run (checked when the run starts), or undefined when none is configured. */
export function virusScanner(config: Config): Promise<VirusScanner | { unavailable: string } | undefined> | undefined {
  return config.clamd ? clamdScanner(config.clamd, { timeoutMs: config.clamdTimeoutMs, ...(config.clamdMaxBytes !== undefined ? { maxStreamBytes: config.clamdMaxBytes } : {}) }) : undefined;
}

/** A PNG of a file's first page (PDF) or of the image itself, at most 1200 px wide; null when it cannot be drawn. */
export async function firstPagePreview(path: string, format: string): Promise<Buffer | null> {
  if (format === 'pdf') {
    const { renderFirstPage } = await import('../checks/formats/pdf/index.ts');
    return renderFirstPage(path, { maxWidth: 1200 });
  }
  if (['tiff', 'jpeg', 'png', 'jp2', 'gif', 'bmp'].includes(format)) {
    try {
      return await sharp(path, { limitInputPixels: 400_000_000, failOn: 'error' }).rotate().resize({ width: 1200, withoutEnlargement: true }).png().toBuffer();
    } catch {
      return null;
    }
  }
  return null;
}
