import type { Runtime } from './runtime.ts';

/** Preserves the named volumes (by 档号) or every volume not yet preserved; for the CLI and the demo. */
export async function preserveVolumes(rt: Runtime, archivalCodes: string[] | null, actor: string): Promise<{ preserved: number; notPreserved: string[] }> {
  const rows = archivalCodes
    ? await rt.db.query<{ id: string; archival_code: string }>('SELECT id, archival_code FROM volume WHERE archival_code = ANY($1) ORDER BY archival_code', [archivalCodes])
    : await rt.db.query<{ id: string; archival_code: string }>(
        `SELECT v.id, v.archival_code FROM volume v LEFT JOIN archival_package p ON p.volume_id = v.id
          WHERE p.state IS DISTINCT FROM 'preserved' ORDER BY v.archival_code`);
  if (archivalCodes) {
    const found = new Set(rows.map((r) => r.archival_code));
    const missing = archivalCodes.filter((c) => !found.has(c));
    if (missing.length) throw new Error(`no volume with 档号 ${missing.join(', ')}`);
  }
  let preserved = 0;
  const notPreserved: string[] = [];
  for (const v of rows) {
    const state = await rt.preservation.preserveVolume(v.id, actor);
    if (state.state === 'preserved') preserved++;
    else notPreserved.push(v.archival_code);
  }
  return { preserved, notPreserved };
}
