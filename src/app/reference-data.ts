import { REGION_TABLE } from '../codes/index.ts';
import { seedBaselineScheme } from '../catalog/index.ts';
import type { Db } from '../platform/db.ts';

/** Shipped reference data (行政区划 table, baseline metadata scheme): loaded at every start, idempotently. */
export async function loadReferenceData(db: Db): Promise<void> {
  await db.tx(async (tx) => {
    for (const r of REGION_TABLE) {
      await tx.query(
        `INSERT INTO region (code, name, level, parent_code, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code, valid_from) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level,
           parent_code = EXCLUDED.parent_code, valid_to = EXCLUDED.valid_to`,
        [r.code, r.name, r.level, r.parent ?? null, r.validFrom, r.validTo ?? null],
      );
    }
    await seedBaselineScheme(tx);
  });
}
