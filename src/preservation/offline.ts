import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { exportVolumeBag, importVolumeBag, type ExportResult, type ImportResult } from './bagit/index.ts';
import { appendEvent } from './event-chain.ts';
import { intact, ocflIdFor, type PackageState, type Preservation } from './service.ts';

/** Bag folder names from 档号: kept readable, made safe for any filesystem a disc may use. */
const safeName = (s: string) => s.normalize('NFC').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 120);

/**
 * Offline copies (脱机保管, 光盘/移动硬盘, 1式2套): each volume's whole OCFL object exported as a BagIt 1.0
 * bag (SHA-256 and SM3 manifests), taken from a location where the object verifies, and re-verified
 * after writing. Run it twice to two carriers for the two sets.
 */
export async function exportVolumes(p: Preservation, volumeIds: string[], to: string, actor: string): Promise<ExportResult[]> {
  const out: ExportResult[] = [];
  for (const volumeId of volumeIds) {
    const [v] = await p.db.query<{ archival_code: string; title: string; repository_id: string; repo_code: string; repo_name: string; state: string | null }>(
      `SELECT v.archival_code, v.title, v.repository_id, r.code AS repo_code, r.name AS repo_name, ap.state
         FROM volume v JOIN repository r ON r.id = v.repository_id LEFT JOIN archival_package ap ON ap.volume_id = v.id WHERE v.id = $1`, [volumeId]);
    if (!v) throw new Error(`volume ${volumeId} not found`);
    if (!v.state) throw new Error(`volume ${v.archival_code} has no archival package yet: preserve it first`);
    const id = ocflIdFor(volumeId);
    let source;
    for (const l of p.online) {
      const report = await l.store.validateObject(id).catch(() => undefined);
      if (report && intact(report)) {
        source = l;
        break;
      }
    }
    if (!source) throw new Error(`volume ${v.archival_code}: no location holds a copy that verifies`);
    const result = await exportVolumeBag({
      store: source.store, ocflId: id, to, bagName: safeName(`${v.repo_code}_${v.archival_code}`),
      bagInfo: {
        'Source-Organization': v.repo_name, 'External-Identifier': v.archival_code, 'External-Description': v.title,
        'Dangan-Volume-Id': volumeId, 'Dangan-Exported-From': source.config.name,
      },
    });
    await p.db.tx((tx) => appendEvent(tx, {
      actor, action: 'preservation.exported', subject: `volume:${volumeId}`, repositoryId: v.repository_id,
      data: { bag: result.path, from: source.config.name, head: result.head, files: result.files, bytes: result.bytes, payloadOxum: result.payloadOxum },
    }));
    out.push(result);
  }
  return out;
}

export type ImportedVolume = { bag: string; result: ImportResult; state: PackageState };

/**
 * Verifies and re-ingests offline copies: `dir` is one bag or a folder of bags. Each bag is checked in
 * full before anything is written, lands at the primary, and is then replicated and re-verified
 * everywhere. The volume must be in this archive's catalog (catalogue import is a separate feature).
 */
export async function importBags(p: Preservation, dir: string, actor: string): Promise<ImportedVolume[]> {
  const bags: string[] = [];
  if ((await stat(join(dir, 'bagit.txt')).catch(() => undefined))?.isFile()) bags.push(dir);
  else {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory() && !e.name.startsWith('.') && (await stat(join(dir, e.name, 'bagit.txt')).catch(() => undefined))) bags.push(join(dir, e.name));
    }
  }
  if (bags.length === 0) throw new Error(`no BagIt bag in ${dir}`);
  const out: ImportedVolume[] = [];
  for (const bag of bags) {
    const result = await importVolumeBag({ dir: bag, store: p.primary.store });
    const m = /^urn:dangan:volume:([0-9a-f-]{36})$/.exec(result.ocflId);
    const volumeId = m?.[1];
    const [v] = volumeId ? await p.db.query<{ repository_id: string }>('SELECT repository_id FROM volume WHERE id = $1', [volumeId]) : [];
    if (!volumeId || !v) throw new Error(`${bag}: ${result.ocflId} is not a volume of this archive's catalog`);
    const inv = await p.primary.store.readInventory(result.ocflId);
    const head = Number(inv.head.slice(1));
    await p.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO archival_package (volume_id, repository_id, ocfl_id, head_version, state) VALUES ($1, $2, $3, $4, 'pending')
         ON CONFLICT (volume_id) DO UPDATE SET head_version = greatest(archival_package.head_version, $4), updated_at = now()`,
        [volumeId, v.repository_id, result.ocflId, head]);
      await appendEvent(tx, {
        actor, action: 'preservation.imported', subject: `volume:${volumeId}`, repositoryId: v.repository_id,
        data: { bag, status: result.status, head: result.head, files: result.files, bytes: result.bytes },
      });
    });
    const state = await p.withPackageLock(volumeId, () => p.replicate(volumeId, actor));
    out.push({ bag, result, state });
  }
  return out;
}
