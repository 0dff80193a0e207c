// The uploads of this browser tab, kept outside React so that they go on while the user browses
// other pages; components read them with useUploads().
import { useSyncExternalStore } from 'react';
import type { ApiError } from '../api/client.ts';
import { TusUpload, uploadFingerprint, type TusStatus } from './tus.ts';

export interface UploadItem {
  key: string;
  fileName: string;
  projectId: string;
  projectName: string;
  status: TusStatus;
  sent: number;
  total: number;
  bytesPerSecond: number;
  submissionId: string | null;
  error: ApiError | null;
}

let items: UploadItem[] = [];
const uploads = new Map<string, TusUpload>();
const listeners = new Set<() => void>();
let seq = 0;

function update(key: string, patch: Partial<UploadItem>): void {
  items = items.map((it) => (it.key === key ? { ...it, ...patch } : it));
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useUploads(): UploadItem[] {
  return useSyncExternalStore(subscribe, () => items, () => items);
}

/** Starts a resumable upload of `file` into the project (resuming a remembered one for the same file). */
export function startUpload(file: File, project: { id: string; name: string }, onDone?: (ok: boolean) => void): string {
  seq += 1;
  const key = `u${seq}`;
  const upload = new TusUpload(file, {
    metadata: { filename: file.name, projectId: project.id },
    fingerprint: uploadFingerprint(file, project.id),
    onProgress: (p) => update(key, { sent: p.sent, total: p.total, bytesPerSecond: p.bytesPerSecond }),
    onStatus: (status, error) => {
      update(key, { status, error, ...(status === 'paused' || status === 'failed' ? { bytesPerSecond: 0 } : {}) });
      if (status === 'failed') onDone?.(false);
    },
    onSuccess: (r) => {
      update(key, { submissionId: r.submissionId, sent: file.size, bytesPerSecond: 0 });
      onDone?.(true);
    },
  });
  uploads.set(key, upload);
  items = [
    ...items,
    { key, fileName: file.name, projectId: project.id, projectName: project.name, status: 'idle', sent: 0, total: file.size, bytesPerSecond: 0, submissionId: null, error: null },
  ];
  for (const l of listeners) l();
  void upload.start();
  return key;
}

export function pauseUpload(key: string): void {
  uploads.get(key)?.pause();
}

export function resumeUpload(key: string): void {
  void uploads.get(key)?.start();
}

export function cancelUpload(key: string): void {
  void uploads.get(key)?.cancel();
}

/** Drops finished, failed and cancelled uploads from the list. */
export function clearFinished(): void {
  items = items.filter((it) => it.status !== 'done' && it.status !== 'cancelled' && it.status !== 'failed');
  for (const [key] of uploads) if (!items.some((it) => it.key === key)) uploads.delete(key);
  for (const l of listeners) l();
}
