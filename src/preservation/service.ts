import { Readable } from 'node:stream';
import type { Db, Queryable } from '../platform/db.ts';
import type { FsContentStore } from './content-store.ts';
import { appendEvent } from './event-chain.ts';
import type { LocationConfig, StorageConfig } from './locations.ts';
import { OcflObjectStore, type NewFile, type ValidationReport } from './ocfl/index.ts';
import { copyObject } from './replicate.ts';
import { FsBackend } from './storage/fs-backend.ts';
import { S3Backend } from './storage/s3-backend.ts';
import type { StorageBackend } from './storage/backend.ts';
import { componentPath, loadPackageVolume, volumeEventsJson, volumeJson, volumeXml } from './volume-metadata.ts';

export type Location = { config: LocationConfig; backend: StorageBackend; store: OcflObjectStore };
export type ReplicaState = { location: string; role: LocationConfig['role']; state: 'verified' | 'failed' | 'missing' | 'corrupted'; version: number; detail: string; verifiedAt: string | null };
export type PackageState = {
  volumeId: string; ocflId: string; headVersion: number; bytes: number; files: number;
  state: 'pending' | 'preserved' | 'degraded'; replicas: ReplicaState[];
};

const PACKAGE_LOCK = 7_246_100; // + hashtext(volume id): one writer per archival package across processes

export const ocflIdFor = (volumeId: string) => `urn:dangan:volume:${volumeId}`;

/** Errors that make a copy untrustworthy; a stray (unexpected) file is reported but harms no content. */
export const damage = (r: ValidationReport) => r.findings.filter((f) => f.severity === 'error' && f.kind !== 'unexpected');
export const intact = (r: ValidationReport) => damage(r).length === 0;

export async function openBackend(cfg: LocationConfig): Promise<StorageBackend> {
  if (cfg.backend.kind === 'fs') {
    const b = new FsBackend(cfg.backend.path);
    await b.init();
    return b;
  }
  const { kind: _k, ...s3 } = cfg.backend;
  return new S3Backend(s3);
}

/**
 * Archival packages (one OCFL object per volume), their replicas at every configured location, and the
 * rule that a volume counts as preserved only when every copy the policy requires was written and
 * re-verified (Wellcome's storage service: a replica counts once it has been read back).
 */
export class Preservation {
  private constructor(
    readonly db: Db,
    readonly content: FsContentStore,
    readonly config: StorageConfig,
    readonly locations: Location[],
  ) {}

  static async open(db: Db, content: FsContentStore, config: StorageConfig): Promise<Preservation> {
    const locations: Location[] = [];
    for (const c of config.locations) {
      const backend = await openBackend(c);
      locations.push({ config: c, backend, store: new OcflObjectStore(backend) });
    }
    await db.tx(async (tx) => {
      await tx.query('UPDATE storage_location SET active = false');
      for (const l of locations) {
        await tx.query(
          `INSERT INTO storage_location (name, role, kind, describe, city, seismic_zone, active, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, true, now())
           ON CONFLICT (name) DO UPDATE SET role = $2, kind = $3, describe = $4, city = $5, seismic_zone = $6, active = true, updated_at = now()`,
          [l.config.name, l.config.role, l.config.backend.kind, l.backend.describe, l.config.city, l.config.seismicZone],
        );
      }
    });
    return new Preservation(db, content, config, locations);
  }

  location(name: string): Location {
    const l = this.locations.find((x) => x.config.name === name);
    if (!l) throw new Error(`no storage location named ${name}`);
    return l;
  }

  get primary(): Location {
    return this.locations.find((l) => l.config.role === 'primary')!;
  }

  /** Online locations in policy order: the primary first, then the others (offline copies are exports). */
  get online(): Location[] {
    return [this.primary, ...this.locations.filter((l) => l.config.role !== 'primary' && l.config.role !== 'offline')];
  }

  /** Runs `fn` holding the package's advisory lock on a dedicated connection (session lock, released after). */
  async withPackageLock<T>(volumeId: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.db.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [PACKAGE_LOCK, volumeId]);
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [PACKAGE_LOCK, volumeId]).catch(() => undefined);
      client.release();
    }
  }

  /**
   * Writes a new OCFL version of the volume's package at the primary (only if something changed),
   * then replicates and verifies every online copy, and records the outcome. Idempotent: re-running
   * after a crash finishes what was left; a state with no change writes no version.
   */
  async preserveVolume(volumeId: string, actor: string): Promise<PackageState> {
    return this.withPackageLock(volumeId, async () => {
      const v = await loadPackageVolume(this.db, volumeId);
      if (!v) throw new Error(`volume ${volumeId} not found`);
      const ocflId = ocflIdFor(volumeId);
      const files: NewFile[] = [
        { logicalPath: 'metadata/volume.json', source: bufferStream(volumeJson(v)) },
        { logicalPath: 'metadata/volume.xml', source: bufferStream(volumeXml(v)) },
        { logicalPath: 'metadata/events.json', source: bufferStream(await volumeEventsJson(this.db, v)) },
      ];
      for (const r of v.records) {
        for (const c of r.components) files.push({ logicalPath: componentPath(r, c), open: () => this.content.read(c.storageKey) });
      }
      const result = await this.primary.store.createOrUpdate(ocflId, files, {
        message: `档号 ${v.archivalCode}: ${v.title}`,
        user: { name: actor, address: `urn:dangan:${actor}` },
      });
      const head = Number(result.inventory.head.slice(1));
      const state = stateOfInventory(result.inventory);
      await this.db.tx(async (tx) => {
        await tx.query(
          `INSERT INTO archival_package (volume_id, repository_id, ocfl_id, head_version, bytes, files, state, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'pending', now())
           ON CONFLICT (volume_id) DO UPDATE SET head_version = $4, bytes = $5, files = $6, updated_at = now(),
             state = CASE WHEN archival_package.head_version = $4 THEN archival_package.state ELSE 'pending' END`,
          [volumeId, v.repository.id, ocflId, head, state.bytes, state.files],
        );
        if (result.changed) {
          await appendEvent(tx, {
            actor, action: 'preservation.package.written', subject: `volume:${volumeId}`, repositoryId: v.repository.id,
            data: { ocflId, version: result.version, location: this.primary.config.name, stored: result.stored.length, deduplicated: result.deduplicated.length },
          });
        }
      });
      return this.replicate(volumeId, actor);
    });
  }

  /** Copies the head version to every online location and re-verifies every copy, the primary included. */
  async replicate(volumeId: string, actor: string): Promise<PackageState> {
    const pkg = await this.packageRow(this.db, volumeId);
    if (!pkg) throw new Error(`volume ${volumeId} has no archival package yet`);
    const primaryReport = await this.primary.store.validateObject(pkg.ocfl_id);
    await this.recordReplica(volumeId, pkg.repository_id, this.primary, pkg.head_version, primaryReport, actor);
    for (const l of this.online.slice(1)) {
      let report: ValidationReport;
      try {
        if (!intact(primaryReport)) throw new Error('the primary copy does not verify; not replicating bad bytes');
        await copyObject(this.primary.store, l.store, pkg.ocfl_id);
        report = await l.store.validateObject(pkg.ocfl_id);
      } catch (err) {
        report = { id: pkg.ocfl_id, objectRoot: l.store.objectRoot(pkg.ocfl_id), valid: false, findings: [{ code: 'DANGAN-COPY', severity: 'error', kind: 'invalid', message: (err as Error).message }] };
      }
      await this.recordReplica(volumeId, pkg.repository_id, l, pkg.head_version, report, actor);
    }
    return this.settle(volumeId, actor);
  }

  async recordReplica(volumeId: string, repositoryId: string, l: Location, version: number, report: ValidationReport, actor: string): Promise<void> {
    const errors = damage(report);
    const state = errors.length === 0 ? 'verified' : errors.some((f) => f.kind === 'missing') ? 'missing' : errors.some((f) => f.kind === 'corrupted') ? 'corrupted' : 'failed';
    const stray = report.findings.filter((f) => f.kind === 'unexpected').length;
    const detail = [...errors.slice(0, 5).map((f) => `[${f.code}] ${f.message}`), ...(stray ? [`${stray} unexpected file(s) reported`] : [])].join('; ');
    await this.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO replica (volume_id, location, version, state, detail, verified_at) VALUES ($1, $2, $3, $4, $5, CASE WHEN $4 = 'verified' THEN now() END)
         ON CONFLICT (volume_id, location) DO UPDATE SET version = $3, state = $4, detail = $5,
           verified_at = CASE WHEN $4 = 'verified' THEN now() ELSE replica.verified_at END`,
        [volumeId, l.config.name, version, state, detail],
      );
      await appendEvent(tx, {
        actor, action: state === 'verified' ? 'preservation.replica.verified' : 'preservation.replica.failed',
        subject: `volume:${volumeId}`, repositoryId, data: { location: l.config.name, version, state, detail },
      });
    });
  }

  /** preserved ⇔ ≥ policy.copies verified copies of the head version, ≥ policy.offSite of them off-site. */
  async settle(volumeId: string, actor: string): Promise<PackageState> {
    return this.db.tx(async (tx) => {
      const pkg = (await this.packageRow(tx, volumeId))!;
      const replicas = await tx.query<{ location: string; state: string; version: number }>('SELECT location, state, version FROM replica WHERE volume_id = $1', [volumeId]);
      const good = replicas.filter((r) => r.state === 'verified' && r.version === pkg.head_version);
      const offSite = good.filter((r) => this.locations.find((l) => l.config.name === r.location)?.config.role === 'off-site');
      const ok = good.length >= this.config.policy.copies && offSite.length >= this.config.policy.offSite;
      const state = ok ? 'preserved' : pkg.state === 'pending' ? 'pending' : 'degraded';
      if (state !== pkg.state) {
        await tx.query('UPDATE archival_package SET state = $2, updated_at = now() WHERE volume_id = $1', [volumeId, state]);
        await appendEvent(tx, {
          actor, action: `preservation.package.${state}`, subject: `volume:${volumeId}`, repositoryId: pkg.repository_id,
          data: { version: pkg.head_version, verifiedCopies: good.map((r) => r.location), policy: this.config.policy },
        });
      }
      return (await packageState(tx, volumeId))!;
    });
  }

  private async packageRow(q: Queryable, volumeId: string) {
    const [row] = await q.query<{ ocfl_id: string; repository_id: string; head_version: number; state: PackageState['state'] }>(
      'SELECT ocfl_id, repository_id, head_version, state FROM archival_package WHERE volume_id = $1',
      [volumeId],
    );
    return row;
  }
}

export async function packageState(q: Queryable, volumeId: string): Promise<PackageState | undefined> {
  const [row] = await q.query<Omit<PackageState, 'replicas'>>(
    `SELECT volume_id AS "volumeId", ocfl_id AS "ocflId", head_version AS "headVersion", bytes, files, state FROM archival_package WHERE volume_id = $1`,
    [volumeId],
  );
  if (!row) return undefined;
  const replicas = await q.query<ReplicaState>(
    `SELECT r.location, l.role, r.state, r.version, r.detail, to_char(r.verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "verifiedAt"
       FROM replica r JOIN storage_location l ON l.name = r.location WHERE r.volume_id = $1
      ORDER BY CASE l.role WHEN 'primary' THEN 0 WHEN 'same-city' THEN 1 WHEN 'off-site' THEN 2 ELSE 3 END, r.location`,
    [volumeId],
  );
  return { ...row, replicas };
}

function stateOfInventory(inv: { manifest: Record<string, string[]>; fixity?: Record<string, Record<string, string[]>>; head: string; versions: Record<string, { state: Record<string, string[]> }> }): { files: number; bytes: number } {
  const state = inv.versions[inv.head]!.state;
  const files = Object.values(state).reduce((n, paths) => n + paths.length, 0);
  // Sizes come from the `size` fixity entry (OCFL extension 0009) when present.
  const sizes = inv.fixity?.size ?? {};
  const sizeOf = new Map<string, number>();
  for (const [size, paths] of Object.entries(sizes)) for (const p of paths) sizeOf.set(p, Number(size));
  let bytes = 0;
  for (const digest of Object.keys(state)) {
    const p = inv.manifest[digest]?.[0];
    bytes += (p && sizeOf.get(p)) || 0;
  }
  return { files, bytes };
}

/** A small metadata document as a stream, the shape OCFL writes take. */
const bufferStream = (text: string): Readable => Readable.from([Buffer.from(text, 'utf8')]);
