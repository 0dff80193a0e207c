import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { generateBuildingCode, generateUscc } from '../codes/index.ts';
import { createBuilding, createProject, createRecord, createRepository, createUnitProject, createVolume, type NewComponent } from '../catalog/index.ts';
import { createUser, type Actor } from '../identity/index.ts';
import type { Db } from '../platform/db.ts';
import type { FsContentStore } from '../preservation/index.ts';
import { DEMO_ARCHIVAL_CODE_RULE, DEMO_PROJECTS, DEMO_REPOSITORIES, DEMO_USERS } from './data.ts';
import { demoPdf } from './pdf.ts';

const SEED: Actor = { kind: 'system', name: 'seed-demo' };
const DEMO_KEY = 'demo';
const SEED_LOCK = 7_246_003;

export type DemoResult = { created: boolean; passwords: { username: string; role: string; repository: string; password: string }[] };

function must<T>(r: { ok: true; value: T } | { ok: false; issues: unknown }, what: string): T {
  if (!r.ok) throw new Error(`demo data: bad ${what}: ${JSON.stringify(r.issues)}`);
  return r.value;
}

/**
 * Loads the demo archive once, in one transaction (all or nothing); a second call finds the marker and
 * does nothing. PDFs go to the content store first: an interrupted seed leaves at most unreferenced
 * content-addressed files, never a half-made catalog.
 */
export async function seedDemo(db: Db, store: FsContentStore, opts: { password?: string | undefined } = {}): Promise<DemoResult> {
  const [done] = await db.query('SELECT 1 FROM app_setting WHERE key = $1', [DEMO_KEY]);
  if (done) return { created: false, passwords: [] };

  // Render and store every component before the transaction: hashing is I/O, not catalog state.
  const files = new Map<string, NewComponent>();
  for (const [pi, p] of DEMO_PROJECTS.entries()) {
    for (const u of p.units) {
      for (const [vi, v] of u.volumes.entries()) {
        for (const [ri, r] of v.records.entries()) {
          const bytes = await demoPdf({ archivalCode: `${p.projectCode}/${u.code}/${vi + 1}`, seq: ri + 1, docNumber: '', pages: r.pages });
          const stored = await store.put(Readable.from([Buffer.from(bytes)]));
          files.set(`${pi}/${u.code}/${vi}/${ri}`, {
            fileName: `${String(ri + 1).padStart(3, '0')}-${r.title}.pdf`, format: 'application/pdf', size: stored.size,
            sha256: stored.sha256, sha512: stored.sha512, sm3: stored.sm3, storageKey: stored.key,
          });
        }
      }
    }
  }

  return db.tx(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const [again] = await tx.query('SELECT 1 FROM app_setting WHERE key = $1', [DEMO_KEY]);
    if (again) return { created: false, passwords: [] };

    const repoIds = new Map<string, string>();
    for (const r of DEMO_REPOSITORIES) {
      const { id } = await createRepository(tx, SEED, {
        code: r.code, name: r.name, level: r.level, regionCode: r.regionCode,
        parentId: r.parent ? repoIds.get(r.parent)! : null, archivalCodeRule: DEMO_ARCHIVAL_CODE_RULE,
      });
      repoIds.set(r.code, id);
    }

    const projectIds: string[] = [];
    for (const [pi, p] of DEMO_PROJECTS.entries()) {
      const { id: projectId } = await createProject(tx, SEED, repoIds.get(p.repository)!, {
        projectCode: p.projectCode, name: p.name, projectType: p.projectType, builderName: p.builderName,
        builderUscc: must(generateUscc(p.builderUsccBody), 'USCC'), regionCode: p.regionCode, address: p.address,
      });
      projectIds.push(projectId);
      const buildingIds: string[] = [];
      for (const b of p.buildings) {
        const code = must(generateBuildingCode({ townshipCode: b.township, completionYear: b.year, buildingSeq: b.seq }), 'building code');
        const { id } = await createBuilding(tx, SEED, projectId, { buildingCode: code, name: b.name, address: b.address, location: { lon: b.lon, lat: b.lat } });
        buildingIds.push(id);
      }
      for (const u of p.units) {
        const { id: unitId } = await createUnitProject(tx, SEED, projectId, {
          code: u.code, name: u.name, buildingId: u.building === null ? null : buildingIds[u.building]!,
        });
        for (const [vi, v] of u.volumes.entries()) {
          const { id: volumeId } = await createVolume(tx, SEED, unitId, {
            title: v.title, category: v.category, subclass: v.subclass, year: v.year, retention: v.retention,
            access: v.access, classification: v.classification,
          });
          for (const [ri, r] of v.records.entries()) {
            await createRecord(tx, SEED, volumeId, {
              title: r.title, author: r.author, date: r.date, docNumber: r.docNumber, pages: r.pages, subclass: r.subclass, origin: 'born-digital',
            }, [files.get(`${pi}/${u.code}/${vi}/${ri}`)!]);
          }
        }
      }
    }

    const passwords: DemoResult['passwords'] = [];
    for (const u of DEMO_USERS) {
      const password = opts.password ?? randomBytes(9).toString('base64url');
      await createUser(tx, {
        username: u.username, displayName: u.displayName, role: u.role, repositoryId: repoIds.get(u.repository)!, password,
        ...(u.unitUsccBody ? { unitUscc: must(generateUscc(u.unitUsccBody), 'unit USCC'), projectIds: (u.projects ?? []).map((i) => projectIds[i]!) } : {}),
      }, SEED);
      passwords.push({ username: u.username, role: u.role, repository: u.repository, password });
    }
    await tx.query('INSERT INTO app_setting (key, value) VALUES ($1, $2)', [DEMO_KEY, JSON.stringify({ seededAt: new Date().toISOString() })]);
    return { created: true, passwords };
  });
}
