import {
  CloseOutlined,
  DeleteOutlined,
  InboxOutlined,
  PauseOutlined,
  ReloadOutlined,
  CaretRightOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Empty,
  Flex,
  List,
  Popconfirm,
  Progress,
  Result,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
  Upload,
  type TableColumnsType,
  type UploadProps,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { Project, Submission, User } from '../api/types.ts';
import { canRunChecks, canSeeChecks, canUpload } from '../auth/permissions.ts';
import { useAuth } from '../auth/useAuth.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { LatestCheck } from '../components/LatestCheck.tsx';
import { formatBytes, formatDateTime } from '../components/format.ts';
import { LoadMoreTable } from '../components/LoadMoreTable.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { usePagedList } from '../hooks/usePagedList.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { useI18n } from '../i18n/useT.ts';
import { navigate } from '../router/routes.ts';
import { forgetStored, listStored, TUS_VERSION } from '../upload/tus.ts';
import { cancelUpload, clearFinished, pauseUpload, resumeUpload, startUpload, useUploads, type UploadItem } from '../upload/store.ts';

const PAGE = 20;

/** `a1b2c3d4…e5f6a7b8` for a long hex digest. */
export function shortDigest(hex: string): string {
  return hex.length > 20 ? `${hex.slice(0, 8)}…${hex.slice(-8)}` : hex;
}

/** The projects this user may submit to: its own repository's (a submitter sees only those it is invited to). */
async function submittableProjects(user: User): Promise<Project[]> {
  const out: Project[] = [];
  let after: string | null = null;
  do {
    const page = await api.repositoryProjects(user.repository.id, { after, limit: 200 });
    out.push(...page.items);
    after = page.next;
  } while (after);
  return out;
}

/** 归档接收: choose a project, upload files (tus, resumable), follow them, and list the project's submissions. */
export function SubmissionsPage({ projectId }: { projectId: string | null }) {
  const { t } = useI18n();
  const { user } = useAuth();
  if (!user || !canUpload(user)) {
    return <Result status="403" title={t('submission.title')} subTitle={t('submission.forbidden')} data-testid="submissions-forbidden" />;
  }
  return <SubmissionsView user={user} projectId={projectId} />;
}

function SubmissionsView({ user, projectId }: { user: User; projectId: string | null }) {
  const { t, lang } = useI18n();
  const projects = useAsync(() => submittableProjects(user), `${user.id}:${user.repository.id}`);
  const options = projects.data ?? [];
  const project = options.find((p) => p.id === projectId) ?? null;

  // one project only (a typical submitting unit): choose it
  useEffect(() => {
    const only = projects.data?.length === 1 ? projects.data[0] : undefined;
    if (!projectId && only) navigate({ name: 'submissions', projectId: only.id }, { replace: true });
  }, [projectId, projects.data]);

  const list = usePagedList<Submission>(
    (after) => (projectId ? api.projectSubmissions(projectId, { after, limit: PAGE }) : Promise.resolve({ items: [], next: null })),
    `submissions:${projectId ?? ''}`,
  );

  const uploads = useUploads();
  // a finished upload of this project: list its submission
  const doneHere = uploads.filter((u) => u.projectId === projectId && u.status === 'done').length;
  const seenDone = useRef(doneHere);
  const { reload } = list;
  useEffect(() => {
    if (doneHere !== seenDone.current) {
      seenDone.current = doneHere;
      reload();
    }
  }, [doneHere, reload]);

  // unfinished uploads remembered from an earlier visit (not running in this tab)
  const [storedTick, setStoredTick] = useState(0);
  const running = uploads.filter((u) => u.status !== 'done' && u.status !== 'cancelled').length;
  const stored = useMemo(
    () => (projectId ? listStored(projectId) : []),
    // re-read when uploads start or stop, or one is discarded
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [projectId, running, storedTick],
  );
  const active = new Set(uploads.filter((u) => u.status !== 'cancelled').map((u) => `${u.projectId}:${u.fileName}:${u.total}`));
  const leftOver = stored.filter((s) => !active.has(`${s.projectId}:${s.fileName}:${s.size}`));

  const customRequest: UploadProps['customRequest'] = ({ file, onProgress, onSuccess, onError }) => {
    if (!project || !(file instanceof File)) return;
    startUpload(file, { id: project.id, name: project.name }, (ok) => {
      if (ok) {
        onProgress?.({ percent: 100 });
        onSuccess?.({});
      } else onError?.(new Error('upload failed'));
    });
  };

  const columns: TableColumnsType<Submission> = [
    {
      title: t('submission.fileName'),
      dataIndex: 'fileName',
      render: (_: unknown, s: Submission) => <span data-testid="submission-file-name">{s.fileName}</span>,
    },
    {
      title: t('submission.size'),
      dataIndex: 'size',
      align: 'right',
      render: (_: unknown, s: Submission) => (
        <Tooltip title={`${s.size.toLocaleString(lang)} B`}>
          <span data-testid="submission-size" data-bytes={s.size}>{formatBytes(s.size)}</span>
        </Tooltip>
      ),
    },
    {
      title: t('submission.sm3'),
      dataIndex: 'sm3',
      render: (_: unknown, s: Submission) => (
        <Tooltip title={s.sm3}>
          <Typography.Text code copyable={{ text: s.sm3 }} data-testid="submission-sm3" data-sm3={s.sm3}>
            {shortDigest(s.sm3)}
          </Typography.Text>
        </Tooltip>
      ),
    },
    {
      title: t('submission.state'),
      dataIndex: 'state',
      render: (_: unknown, s: Submission) => (
        <Tag color={stateColor[s.state] ?? 'default'} data-testid="submission-state" data-state={s.state}>
          {s.state in stateColor ? t(`submission.state.${s.state}` as MessageKey) : s.state}
        </Tag>
      ),
    },
    ...(canSeeChecks(user)
      ? [
          {
            title: t('submission.check'),
            dataIndex: 'id',
            key: 'check',
            render: (_: unknown, s: Submission) => <LatestCheck submission={s} mayRun={project !== null && canRunChecks(user, project.repositoryId)} />,
          },
        ]
      : []),
    { title: t('submission.submittedBy'), dataIndex: 'submittedBy' },
    {
      title: t('submission.createdAt'),
      dataIndex: 'createdAt',
      render: (_: unknown, s: Submission) => <span data-testid="submission-created-at">{formatDateTime(s.createdAt, lang)}</span>,
    },
  ];

  const finished = uploads.some((u) => u.status === 'done' || u.status === 'cancelled' || u.status === 'failed');

  return (
    <Flex vertical gap="middle" data-testid="submissions-page">
      <div>
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }} data-testid="submissions-title">
          {t('submission.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('submission.subtitle')}</Typography.Text>
      </div>

      <Card>
        <Flex vertical gap="middle">
          <ErrorAlert error={projects.error} />
          <Space wrap>
            <Typography.Text strong>{t('submission.project')}</Typography.Text>
            <Select<string>
              data-testid="submission-project"
              style={{ minWidth: 360 }}
              placeholder={t('submission.projectPlaceholder')}
              loading={projects.loading}
              value={project?.id}
              notFoundContent={t('submission.noProjects')}
              onChange={(id) => navigate({ name: 'submissions', projectId: id }, { replace: true })}
              options={options.map((p) => ({
                value: p.id,
                label: <span data-testid="submission-project-option">{p.name}</span>,
                title: `${p.name} (${p.projectCode})`,
              }))}
            />
            {project ? <Typography.Text type="secondary">{project.projectCode}</Typography.Text> : null}
          </Space>
          {projectId && projects.data && !project ? (
            <Alert type="warning" showIcon title={t('submission.projectUnavailable')} data-testid="submission-project-unavailable" />
          ) : null}
          <div data-testid="upload-dragger">
            <Upload.Dragger
              multiple
              disabled={!project}
              showUploadList={false}
              customRequest={customRequest}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{project ? t('submission.drop') : t('submission.pickProjectFirst')}</p>
              <p className="ant-upload-hint">{t('submission.dropHint')}</p>
            </Upload.Dragger>
          </div>
          {leftOver.length > 0 ? (
            <Alert
              type="info"
              showIcon
              data-testid="unfinished-uploads"
              title={t('submission.unfinished')}
              description={
                <Flex vertical gap={4}>
                  <Typography.Text type="secondary">{t('submission.unfinishedHint')}</Typography.Text>
                  {leftOver.map((s) => (
                    <Flex key={s.fingerprint} gap="small" align="center">
                      <span data-testid="unfinished-file-name">{s.fileName}</span>
                      <Typography.Text type="secondary">{formatBytes(s.size)}</Typography.Text>
                      <Button
                        size="small"
                        type="link"
                        icon={<DeleteOutlined />}
                        onClick={() => {
                          forgetStored(s.fingerprint);
                          void fetch(s.url, { method: 'DELETE', credentials: 'same-origin', headers: { 'tus-resumable': TUS_VERSION } }).catch(() => undefined);
                          setStoredTick((n) => n + 1);
                        }}
                      >
                        {t('submission.discard')}
                      </Button>
                    </Flex>
                  ))}
                </Flex>
              }
            />
          ) : null}
        </Flex>
      </Card>

      {uploads.length > 0 ? (
        <Card
          title={t('submission.uploads')}
          extra={finished ? <Button size="small" onClick={clearFinished} data-testid="uploads-clear">{t('submission.clearFinished')}</Button> : null}
        >
          <List<UploadItem>
            data-testid="uploads-list"
            dataSource={uploads}
            rowKey="key"
            renderItem={(u) => <UploadRow item={u} />}
          />
        </Card>
      ) : null}

      <Card title={project ? `${t('submission.listTitle')} · ${project.name}` : t('submission.listTitle')}>
        {projectId ? (
          <LoadMoreTable list={list} columns={columns} rowKey="id" testId="submissions-table" />
        ) : (
          <Empty description={t('submission.pickProjectFirst')} />
        )}
      </Card>
    </Flex>
  );
}

/** A submission's state: 已接收 → 检测中 → 已检测 (or 已拒收), then 已接收入馆. */
const stateColor: Record<string, string> = { received: 'blue', checking: 'processing', checked: 'cyan', rejected: 'red', accepted: 'green' };

const statusColor: Record<UploadItem['status'], string> = {
  idle: 'default',
  uploading: 'processing',
  retrying: 'warning',
  paused: 'default',
  done: 'success',
  failed: 'error',
  cancelled: 'default',
};

function UploadRow({ item: u }: { item: UploadItem }) {
  const { t, pick } = useI18n();
  const percent = u.total > 0 ? Math.floor((u.sent / u.total) * 100) : u.status === 'done' ? 100 : 0;
  const progressStatus = u.status === 'failed' ? 'exception' : u.status === 'done' ? 'success' : u.status === 'uploading' || u.status === 'retrying' ? 'active' : 'normal';
  const busy = u.status === 'uploading' || u.status === 'retrying' || u.status === 'idle';
  const actions = [];
  if (busy) {
    actions.push(
      <Button key="pause" size="small" icon={<PauseOutlined />} onClick={() => pauseUpload(u.key)} data-testid="upload-pause">
        {t('submission.pause')}
      </Button>,
    );
  }
  if (u.status === 'paused' || u.status === 'failed') {
    actions.push(
      <Button
        key="resume"
        size="small"
        icon={u.status === 'failed' ? <ReloadOutlined /> : <CaretRightOutlined />}
        onClick={() => resumeUpload(u.key)}
        data-testid="upload-resume"
      >
        {u.status === 'failed' ? t('submission.retry') : t('submission.resume')}
      </Button>,
    );
  }
  if (u.status !== 'done' && u.status !== 'cancelled') {
    actions.push(
      <Popconfirm
        key="cancel"
        title={t('submission.cancelConfirm')}
        okText={t('submission.yes')}
        cancelText={t('submission.no')}
        onConfirm={() => cancelUpload(u.key)}
      >
        <Button size="small" danger icon={<CloseOutlined />} data-testid="upload-cancel">
          {t('submission.cancel')}
        </Button>
      </Popconfirm>,
    );
  }
  return (
    <List.Item data-testid="upload-item" data-status={u.status} data-file-name={u.fileName} actions={actions}>
      <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
        <Flex gap="small" align="center" wrap>
          <Typography.Text strong data-testid="upload-file-name">{u.fileName}</Typography.Text>
          <Tag color={statusColor[u.status]} data-testid="upload-status">
            {t(`submission.status.${u.status}` as MessageKey)}
          </Tag>
          <Typography.Text type="secondary">{u.projectName}</Typography.Text>
        </Flex>
        <Progress percent={percent} status={progressStatus} data-testid="upload-progress" data-percent={percent} />
        <Flex gap="middle" wrap>
          <Typography.Text type="secondary" data-testid="upload-bytes">
            {formatBytes(u.sent)} / {formatBytes(u.total)}
          </Typography.Text>
          {busy && u.bytesPerSecond > 0 ? (
            <Typography.Text type="secondary" data-testid="upload-speed">
              {t('submission.speed', { speed: formatBytes(Math.round(u.bytesPerSecond)) })}
            </Typography.Text>
          ) : null}
          {u.status === 'done' && u.submissionId ? (
            <Typography.Text type="success" data-testid="upload-submission" data-submission-id={u.submissionId}>
              {t('submission.submittedAs', { id: u.submissionId })}
            </Typography.Text>
          ) : null}
          {u.error && (u.status === 'failed' || u.status === 'retrying') ? (
            <Typography.Text type={u.status === 'failed' ? 'danger' : 'warning'} data-testid="upload-error" data-code={u.error.code}>
              {pick(u.error.localized)}
            </Typography.Text>
          ) : null}
        </Flex>
      </Flex>
    </List.Item>
  );
}
