import { appendEvent } from './event-chain.ts';
import { copyObject } from './replicate.ts';
import { intact, type Preservation } from './service.ts';

export type RestoreReport = {
  location: string; objects: number; filesCopied: number; bytesCopied: number; filesAlreadyGood: number;
  verified: number; failed: { volumeId: string; reason: string }[];
};

/**
 * Rebuilds a wiped (or partly lost) location from the others: every archival package is copied from
 * a location where it verifies, then re-verified in place (every file re-hashed with SHA-512, SHA-256
 * and SM3). `verified === objects` is the proof of a 100 % fixity match.
 */
export async function restoreLocation(p: Preservation, locationName: string, actor: string): Promise<RestoreReport> {
  const target = p.location(locationName);
  await target.store.init();
  const report: RestoreReport = { location: locationName, objects: 0, filesCopied: 0, bytesCopied: 0, filesAlreadyGood: 0, verified: 0, failed: [] };
  let after = '';
  for (;;) {
    const batch = await p.db.query<{ volume_id: string; repository_id: string; ocfl_id: string; head_version: number }>(
      'SELECT volume_id, repository_id, ocfl_id, head_version FROM archival_package WHERE ocfl_id > $1 ORDER BY ocfl_id LIMIT 100', [after]);
    if (batch.length === 0) break;
    for (const pkg of batch) {
      after = pkg.ocfl_id;
      report.objects++;
      let done = false;
      for (const source of p.online.filter((l) => l !== target)) {
        const check = await source.store.validateObject(pkg.ocfl_id).catch(() => undefined);
        if (!check || !intact(check)) continue;
        const copied = await copyObject(source.store, target.store, pkg.ocfl_id);
        const verify = await target.store.validateObject(pkg.ocfl_id);
        await p.recordReplica(pkg.volume_id, pkg.repository_id, target, pkg.head_version, verify, actor);
        if (intact(verify)) {
          report.filesCopied += copied.files;
          report.bytesCopied += copied.bytes;
          report.filesAlreadyGood += copied.skipped;
          report.verified++;
          done = true;
          break;
        }
      }
      if (!done) report.failed.push({ volumeId: pkg.volume_id, reason: 'no location holds a copy that verifies' });
      await p.settle(pkg.volume_id, actor);
    }
  }
  await p.db.tx((tx) => appendEvent(tx, { actor, action: 'preservation.location.restored', subject: `location:${locationName}`, data: report }));
  return report;
}
