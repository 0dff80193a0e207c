// Types mirroring the HTTP API (the one place the web app describes it).

export type Role = 'admin' | 'archivist' | 'reviewer' | 'submitter' | 'viewer';

export interface RepositoryRef {
  id: string;
  code: string;
  name: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  repository: RepositoryRef;
}

export interface LocalizedMessage {
  zh: string;
  en: string;
}

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: LocalizedMessage;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Repository {
  id: string;
  code: string;
  name: string;
  level: 'city' | 'county';
  regionCode: string;
  regionName: string;
  parentId: string | null;
}

export type ProjectType = 'building' | 'municipal';

export interface Project {
  id: string;
  repositoryId: string;
  projectCode: string;
  name: string;
  projectType: ProjectType;
  builderName: string;
  builderUscc: string;
  regionCode: string;
  address: string;
  buildingCount: number;
  unitProjectCount: number;
}

export interface Location {
  lon: number;
  lat: number;
}

export interface Building {
  id: string;
  projectId: string;
  buildingCode: string;
  name: string;
  address: string;
  location: Location | null;
}

export interface UnitProject {
  id: string;
  projectId: string;
  buildingId: string | null;
  code: string;
  name: string;
  volumeCount: number;
}

export interface ProjectDetail {
  project: Project;
  buildings: Building[];
  unitProjects: UnitProject[];
}

export interface UnitProjectDetail {
  unitProject: UnitProject;
  project: { id: string; name: string; repositoryId: string };
}

export type VolumeCategory = 'A' | 'B' | 'C' | 'D' | 'E';
export type Retention = 'permanent' | 'long' | 'short';
export type Classification = 'none' | 'internal' | 'confidential' | 'secret';
export type Access = 'open' | 'restricted';

export interface Volume {
  id: string;
  unitProjectId: string;
  archivalCode: string;
  title: string;
  category: VolumeCategory;
  year: number;
  retention: Retention;
  classification: Classification;
  access: Access;
  recordCount: number;
}

export interface VolumeDetail {
  volume: Volume;
  unitProject: { id: string; name: string };
  project: { id: string; name: string; repositoryId: string };
}

export interface Component {
  id: string;
  fileName: string;
  size: number;
  format: string;
  sha256: string;
  sm3: string;
}

export interface ArchiveRecord {
  id: string;
  volumeId: string;
  seq: number;
  title: string;
  author: string;
  date: string | null;
  docNumber: string;
  pages: number;
  category: string;
  subclass: string;
  components: Component[];
}

// ---------------------------------------------------------------- long-term preservation (长期保存)

export type LocationRole = 'primary' | 'same-city' | 'off-site' | 'offline';
export type PackageStateName = 'pending' | 'preserved' | 'degraded';
export type ReplicaStateName = 'verified' | 'failed' | 'missing' | 'corrupted';
export type AuditMode = 'full' | 'sample';
/** audit_run.status; `busy` only ever appears in a job's output (another audit held the location). */
export type AuditStatus = 'running' | 'done' | 'interrupted';
export type FindingKind = 'missing' | 'corrupted' | 'unexpected' | 'invalid';

export interface LastAudit {
  id: string;
  mode: AuditMode;
  status: AuditStatus;
  startedAt: string;
  finishedAt: string | null;
  objectsChecked: number;
  findings: number;
  unrepaired: number;
}

export interface StorageLocation {
  name: string;
  role: LocationRole;
  kind: 'fs' | 's3';
  describe: string;
  city: string;
  seismicZone: string;
  /** null for object storage (S3) or when the filesystem cannot be asked */
  capacity: { totalBytes: number; freeBytes: number } | null;
  replicas: { verified: number; failing: number; bytes: number };
  lastAudit: LastAudit | null;
}

export interface StorageOverview {
  policy: { copies: number; offSite: number };
  packages: { preserved: number; pending: number; degraded: number };
  items: StorageLocation[];
}

export interface ReplicaState {
  location: string;
  role: LocationRole;
  state: ReplicaStateName;
  version: number;
  detail: string;
  verifiedAt: string | null;
}

export interface ArchivalPackage {
  volumeId: string;
  ocflId: string;
  headVersion: number;
  bytes: number;
  files: number;
  state: PackageStateName;
  replicas: ReplicaState[];
}

export interface AuditRun {
  id: string;
  location: string;
  mode: AuditMode;
  status: AuditStatus;
  startedAt: string;
  finishedAt: string | null;
  objectsChecked: number;
  bytesChecked: number;
  findings: number;
  unrepaired: number;
  requestedBy: string;
}

export interface AuditFinding {
  id: string;
  runId: string;
  location: string;
  volumeId: string | null;
  archivalCode: string | null;
  path: string;
  kind: FindingKind;
  detail: string;
  repaired: boolean;
  repairedFrom: string | null;
  at: string;
}

export interface JobAccepted {
  jobId: string;
  queue: string;
}

/** pg-boss job states. */
export type JobStateName = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobState<O = unknown> {
  id: string;
  state: JobStateName;
  output: O | null;
}

/** What a fixity-audit job answers when it is done (`skipped` for a scheduled full pass not yet due). */
export type AuditJobOutput =
  | { runId: string; status: AuditStatus | 'busy'; objectsChecked: number; findings: number; unrepaired: number }
  | { skipped: true };

// ---------------------------------------------------------------- online submission (归档接收)

/** A file received by a resumable upload (GET /api/projects/:id/submissions). */
export interface Submission {
  id: string;
  fileName: string;
  size: number;
  sha256: string;
  sm3: string;
  state: string;
  kind: string;
  submittedBy: string;
  createdAt: string;
}

// ---------------------------------------------------------------- 四性检测 (DA/T 70 checks)

/** 归档 (GD), 移交与接收 (YJ), 长期保存 (BC). */
export type CheckStage = 'GD' | 'YJ' | 'BC';
/** 真实性, 完整性, 可用性, 安全性. */
export type CheckClass = 'authenticity' | 'integrity' | 'usability' | 'security';
/** A automatic, S system computes + person confirms, M manual, T needs a tool or operations evidence. */
export type CheckAutomation = 'A' | 'S' | 'M' | 'T';
export type CheckOutcome = 'pass' | 'fail' | 'warn' | 'manual' | 'not-run';
export type CheckSeverity = 'blocking' | 'warning';
export type CheckVerdict = 'passed' | 'failed' | 'incomplete';
export type CheckRunState = 'queued' | 'running' | 'done' | 'failed';

export interface CheckSummary {
  counts: Record<CheckOutcome, number>;
  blockingFailures: number;
  openTasks: number;
  verdict: CheckVerdict;
  files: number;
  bytes: number;
}

export interface CheckProgress {
  files?: number;
  done?: number;
  bytes?: number;
  phase?: 'files' | 'items' | 'done';
}

/** GET /api/checks/:id (and the rows of GET /api/submissions/:id/checks, newest first). */
export interface CheckRun {
  id: string;
  repositoryId: string;
  submissionId: string | null;
  volumeId: string | null;
  stage: CheckStage;
  schemeId: string | null;
  schemeVersion: number;
  state: CheckRunState;
  progress: CheckProgress | null;
  verdict: CheckVerdict | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  summary: CheckSummary | null;
}

/** One outcome of one item for one subject (the package, a file path, or `record:<key>`). */
export interface CheckResult {
  code: string;
  outcome: CheckOutcome;
  subject: string;
  record?: string;
  message: LocalizedMessage;
  evidence?: Record<string, unknown>;
}

export interface CheckItemSummary {
  code: string;
  item: string;
  class: CheckClass;
  name: LocalizedMessage;
  automation: CheckAutomation;
  severity: CheckSeverity;
  outcome: CheckOutcome;
  counts: Record<CheckOutcome, number>;
}

export interface CheckEvidenceFile {
  fileName: string;
  storageKey: string;
  size: number;
}

export interface CheckTask {
  id: string;
  code: string;
  name: LocalizedMessage;
  state: 'open' | 'done';
  assignee?: string | null;
  outcome?: 'pass' | 'fail' | null;
  note?: string | null;
  evidence?: CheckEvidenceFile[] | null;
  doneBy?: string | null;
  doneAt?: string | null;
}

/** GET /api/checks/:id/report (docs/check-report.schema.json). */
export interface CheckReport {
  stage: CheckStage;
  scheme: { id?: string; name: string; version: number };
  target: { kind?: string; name: string };
  startedAt: string;
  finishedAt: string;
  summary: CheckSummary;
  byItem: CheckItemSummary[];
  items: CheckResult[];
  tasks: Omit<CheckTask, 'id'>[];
}

/** GET /api/checks/:id/diff?against=… */
export interface CheckDiff {
  counts: { fixed: number; added: number; remaining: number };
  fixed: CheckResult[];
  added: CheckResult[];
  remaining: CheckResult[];
}
