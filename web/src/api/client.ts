import type {
  ApiErrorBody,
  ArchivalPackage,
  ArchiveRecord,
  AuditFinding,
  AuditJobOutput,
  AuditMode,
  AuditRun,
  CheckDiff,
  CheckEvidenceFile,
  CheckReport,
  CheckRun,
  CheckTask,
  JobAccepted,
  JobState,
  LocalizedMessage,
  Page,
  Project,
  ProjectDetail,
  Repository,
  StorageOverview,
  Submission,
  UnitProjectDetail,
  User,
  Volume,
  VolumeDetail,
} from './types.ts';

/** An error answered by the API (or a failure to reach it), with a message in both languages. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly localized: LocalizedMessage;

  constructor(body: ApiErrorBody) {
    super(body.message.en);
    this.name = 'ApiError';
    this.statusCode = body.statusCode;
    this.code = body.code;
    this.localized = body.message;
  }
}

export function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  if (typeof v.code !== 'string' || typeof v.message !== 'object' || v.message === null) return false;
  const m = v.message as { zh?: unknown; en?: unknown };
  return typeof m.zh === 'string' && typeof m.en === 'string';
}

const networkError = () =>
  new ApiError({
    statusCode: 0,
    code: 'web.network_error',
    message: { zh: '无法连接服务器，请检查网络后重试。', en: 'Cannot reach the server. Check the network and try again.' },
  });

/** An answer's JSON body, or its error (the API's `{ code, message }`, else a generic HTTP error). */
async function answer<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    if (isErrorBody(parsed)) throw new ApiError({ ...parsed, statusCode: res.status });
    throw new ApiError({
      statusCode: res.status,
      code: 'web.http_error',
      message: { zh: `服务器返回错误（HTTP ${res.status}）。`, en: `The server answered with an error (HTTP ${res.status}).` },
    });
  }
  return parsed as T;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw networkError();
  }
  return answer<T>(res);
}

/** POSTs raw bytes (Content-Type: application/octet-stream). */
async function postBytes<T>(path: string, body: Blob): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': 'application/octet-stream' }, body });
  } catch {
    throw networkError();
  }
  return answer<T>(res);
}

export interface PageParams {
  limit?: number;
  after?: string | null;
}

function withPage(path: string, params: PageParams, filters: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  q.set('limit', String(params.limit ?? 50));
  if (params.after) q.set('after', params.after);
  return `${path}?${q.toString()}`;
}

export interface FindingFilter {
  runId?: string | null;
  repaired?: boolean | null;
}

const enc = encodeURIComponent;

export const api = {
  login: (username: string, password: string) =>
    request<{ user: User }>('POST', '/api/auth/login', { username, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<{ user: User | null }>('GET', '/api/auth/me'),

  repositories: (p: PageParams = {}) => request<Page<Repository>>('GET', withPage('/api/repositories', p)),
  repositoryProjects: (repositoryId: string, p: PageParams = {}) =>
    request<Page<Project>>('GET', withPage(`/api/repositories/${enc(repositoryId)}/projects`, p)),
  project: (id: string) => request<ProjectDetail>('GET', `/api/projects/${enc(id)}`),
  unitProject: (id: string) => request<UnitProjectDetail>('GET', `/api/unit-projects/${enc(id)}`),
  unitProjectVolumes: (unitProjectId: string, p: PageParams = {}) =>
    request<Page<Volume>>('GET', withPage(`/api/unit-projects/${enc(unitProjectId)}/volumes`, p)),
  volume: (id: string) => request<VolumeDetail>('GET', `/api/volumes/${enc(id)}`),
  volumeRecords: (volumeId: string, p: PageParams = {}) =>
    request<Page<ArchiveRecord>>('GET', withPage(`/api/volumes/${enc(volumeId)}/records`, p)),

  // online submission (归档接收): the uploads themselves go through upload/tus.ts
  projectSubmissions: (projectId: string, p: PageParams = {}) =>
    request<Page<Submission>>('GET', withPage(`/api/projects/${enc(projectId)}/submissions`, p)),

  // long-term preservation (admin, archivist; others get 403 auth.forbidden)
  storageLocations: () => request<StorageOverview>('GET', '/api/storage/locations'),
  volumePreservation: (volumeId: string) =>
    request<{ package: ArchivalPackage | null }>('GET', `/api/volumes/${enc(volumeId)}/preservation`),
  preserveVolume: (volumeId: string) => request<JobAccepted>('POST', `/api/volumes/${enc(volumeId)}/preserve`),
  auditRuns: (location: string | null, p: PageParams = {}) =>
    request<Page<AuditRun>>('GET', withPage('/api/storage/audits', p, { location })),
  startAudit: (location: string, mode: AuditMode = 'full') =>
    request<JobAccepted>('POST', '/api/storage/audits', { location, mode }),
  auditJob: (jobId: string) => request<JobState<AuditJobOutput>>('GET', `/api/jobs/fixity-audit/${enc(jobId)}`),
  findings: (f: FindingFilter, p: PageParams = {}) =>
    request<Page<AuditFinding>>(
      'GET',
      withPage('/api/storage/findings', p, {
        runId: f.runId,
        repaired: f.repaired === null || f.repaired === undefined ? null : String(f.repaired),
      }),
    ),

  // 四性检测 (DA/T 70 checks): runs, reports, comparisons and manual tasks
  submissionChecks: (submissionId: string) => request<{ items: CheckRun[] }>('GET', `/api/submissions/${enc(submissionId)}/checks`),
  startSubmissionCheck: (submissionId: string, stage: 'GD' | 'YJ') =>
    request<{ id: string }>('POST', `/api/submissions/${enc(submissionId)}/checks`, { stage }),
  volumeChecks: (volumeId: string) => request<{ items: CheckRun[] }>('GET', `/api/volumes/${enc(volumeId)}/checks`),
  startVolumeCheck: (volumeId: string) => request<{ id: string }>('POST', `/api/volumes/${enc(volumeId)}/checks`),
  checkRun: (id: string) => request<CheckRun>('GET', `/api/checks/${enc(id)}`),
  checkReport: (id: string) => request<CheckReport>('GET', `/api/checks/${enc(id)}/report`),
  checkDiff: (id: string, against: string) => request<CheckDiff>('GET', `/api/checks/${enc(id)}/diff?against=${enc(against)}`),
  checkTasks: (runId: string) => request<{ items: CheckTask[] }>('GET', `/api/checks/${enc(runId)}/tasks`),
  completeCheckTask: (taskId: string, outcome: 'pass' | 'fail', note: string) =>
    request<CheckRun>('POST', `/api/check-tasks/${enc(taskId)}`, { outcome, note }),
  addCheckEvidence: (taskId: string, file: File) =>
    postBytes<CheckEvidenceFile>(`/api/check-tasks/${enc(taskId)}/evidence?name=${enc(file.name)}`, file),
};

/** The check report as an HTML page or a PDF (opened in a new tab). */
export function checkReportUrl(runId: string, format: 'html' | 'pdf', lang: 'zh' | 'en'): string {
  return `/api/checks/${enc(runId)}/report?format=${format}&lang=${lang}`;
}

/** A PNG of a file's first page (PDF) or of an image of the run's submission (for 3-4). */
export function checkPreviewUrl(runId: string, path: string): string {
  return `/api/checks/${enc(runId)}/preview?path=${enc(path)}`;
}

/** Where a component's bytes are served (opened in a new tab). */
export function componentContentUrl(componentId: string): string {
  return `/api/components/${enc(componentId)}/content`;
}
