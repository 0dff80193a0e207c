import { FileTextOutlined, FilePdfOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Form,
  Image,
  Input,
  Progress,
  Radio,
  Result,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Statistic,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
  type TableColumnsType,
  type UploadProps,
} from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { api, ApiError, checkPreviewUrl, checkReportUrl } from '../api/client.ts';
import type { CheckClass, CheckDiff, CheckEvidenceFile, CheckItemSummary, CheckReport, CheckResult, CheckRun, CheckTask, User } from '../api/types.ts';
import { canRunChecks, canSeeChecks } from '../auth/permissions.ts';
import { useAuth } from '../auth/useAuth.ts';
import { CHECK_CLASSES, CHECK_OUTCOMES, OutcomeTag, RunStateTag, SeverityTag, VerdictTag, automationText, classText, outcomeColor, outcomeText, stageText } from '../components/checkLabels.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatBytes, formatDateTime } from '../components/format.ts';
import type { Translate } from '../i18n/I18nProvider.tsx';
import { useI18n } from '../i18n/useT.ts';
import { href, navigate } from '../router/routes.ts';

const POLL_MS = 1000;
/** How many files of the run are previewed for 3-4 (内容数据的可读性检测). */
const PREVIEWS = 4;
const PREVIEWABLE = /\.(pdf|jpe?g|png|tiff?|jp2|bmp|gif)$/i;

const isActive = (run: CheckRun | null): boolean => run !== null && (run.state === 'queued' || run.state === 'running');
const isProblem = (r: { outcome: string }): boolean => r.outcome !== 'pass';
/** A subject that is a file path inside the package (not the package, not a record). */
const isPath = (subject: string): boolean => subject !== 'package' && !subject.startsWith('record:');

/** GET /api/checks/:id, polled every second while the run is queued or running. */
function useRun(id: string) {
  const [run, setRun] = useState<CheckRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      api.checkRun(id).then(
        (r) => {
          if (!live) return;
          setRun(r);
          setError(null);
          if (isActive(r)) timer = setTimeout(load, POLL_MS);
        },
        (err: unknown) => {
          if (!live) return;
          setError(err);
          // a lost connection is retried; a refusal (403/404) is final
          if (!(err instanceof ApiError) || err.statusCode === 0 || err.statusCode >= 500) timer = setTimeout(load, POLL_MS * 3);
        },
      );
    };
    load();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [id, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { run, setRun, error, reload };
}

/** 四性检测报告: a run's verdict, counts and items by property, its manual tasks, and a comparison with earlier runs. */
export function CheckPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { user } = useAuth();
  if (!user || !canSeeChecks(user)) {
    return <Result status="403" title={t('check.title')} subTitle={t('check.forbidden')} data-testid="check-forbidden" />;
  }
  return <CheckView id={id} user={user} />;
}

function CheckView({ id, user }: { id: string; user: User }) {
  const { t, lang, pick } = useI18n();
  const { message } = App.useApp();
  const { run, setRun, error } = useRun(id);
  const done = run?.state === 'done';

  // the report and the tasks, once the run is done (again after a task changed the verdict)
  const [version, setVersion] = useState(0);
  const [report, setReport] = useState<CheckReport | null>(null);
  const [tasks, setTasks] = useState<CheckTask[] | null>(null);
  const [detailError, setDetailError] = useState<unknown>(null);
  useEffect(() => {
    if (!done) return;
    let live = true;
    Promise.all([api.checkReport(id), api.checkTasks(id)]).then(
      ([r, ts]) => {
        if (!live) return;
        setReport(r);
        setTasks(ts.items);
        setDetailError(null);
      },
      (err: unknown) => {
        if (live) setDetailError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [id, done, version]);

  // the other runs of the same submission (compare)
  const submissionId = run?.submissionId ?? null;
  const [siblings, setSiblings] = useState<CheckRun[]>([]);
  useEffect(() => {
    if (!submissionId) return;
    let live = true;
    api.submissionChecks(submissionId).then(
      (r) => {
        if (live) setSiblings(r.items);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [submissionId, done]);

  const mayRun = run !== null && canRunChecks(user, run.repositoryId);
  const [rerunning, setRerunning] = useState(false);
  const rerun = async () => {
    if (!run) return;
    setRerunning(true);
    try {
      const started = run.submissionId
        ? await api.startSubmissionCheck(run.submissionId, run.stage === 'YJ' ? 'YJ' : 'GD')
        : await api.startVolumeCheck(run.volumeId ?? '');
      void message.success({ content: <span data-testid="check-rerun-message">{t('check.rerunStarted')}</span> });
      navigate({ name: 'check', id: started.id });
    } catch (err) {
      void message.error(err instanceof ApiError ? pick(err.localized) : t('error.generic'));
    } finally {
      setRerunning(false);
    }
  };

  const onTaskDone = (updated: CheckRun) => {
    setRun(updated);
    setVersion((v) => v + 1);
  };

  if (!run) {
    return (
      <Flex vertical gap="middle" data-testid="check-page">
        <ErrorAlert error={error} />
        {error ? null : <Skeleton active />}
      </Flex>
    );
  }

  const pdfLang = lang === 'en' ? 'en' : 'zh';
  const openTasks = tasks?.filter((x) => x.state === 'open').length ?? report?.summary.openTasks ?? 0;

  return (
    <Flex vertical gap="middle" data-testid="check-page" data-run-id={run.id} data-state={run.state}>
      <Breadcrumb
        data-testid="breadcrumbs"
        items={[{ title: t('check.back'), href: href({ name: 'submissions' }) }, { title: t('check.title') }]}
      />
      <Card data-testid="check-header">
        <Flex vertical gap="middle">
          <Flex justify="space-between" align="flex-start" wrap gap="small">
            <Flex vertical gap={4}>
              <Space size="middle" wrap align="center">
                <Typography.Title level={3} style={{ margin: 0 }} data-testid="check-title">
                  {t('check.title')}
                </Typography.Title>
                {run.verdict ? <VerdictTag verdict={run.verdict} /> : <RunStateTag state={run.state} />}
              </Space>
              <Typography.Text type="secondary">{t('check.subtitle')}</Typography.Text>
            </Flex>
            <Space wrap>
              <Button icon={<FileTextOutlined />} href={checkReportUrl(run.id, 'html', pdfLang)} target="_blank" disabled={!done} data-testid="check-html">
                {t('check.html')}
              </Button>
              <Button icon={<FilePdfOutlined />} href={checkReportUrl(run.id, 'pdf', pdfLang)} target="_blank" disabled={!done} data-testid="check-pdf">
                {t('check.pdf')}
              </Button>
              {mayRun ? (
                <Button type="primary" icon={<ReloadOutlined />} loading={rerunning} disabled={isActive(run)} onClick={() => void rerun()} data-testid="check-rerun">
                  {t('check.rerun')}
                </Button>
              ) : null}
            </Space>
          </Flex>

          <Descriptions
            size="small"
            column={{ xs: 1, md: 2, xl: 3 }}
            items={[
              { key: 'target', label: t('check.target'), children: <span data-testid="check-target">{report?.target.name ?? t('common.none')}</span> },
              { key: 'stage', label: t('check.stage'), children: <span data-testid="check-stage" data-stage={run.stage}>{stageText(t, run.stage)}</span> },
              {
                key: 'scheme',
                label: t('check.scheme'),
                children: (
                  <span data-testid="check-scheme">
                    {report ? t('check.schemeVersion', { name: report.scheme.name, version: report.scheme.version }) : `v${run.schemeVersion}`}
                  </span>
                ),
              },
              {
                key: 'files',
                label: t('check.files'),
                children: run.summary ? (
                  <span data-testid="check-files">{t('check.filesBytes', { files: run.summary.files, size: formatBytes(run.summary.bytes) })}</span>
                ) : (
                  t('common.none')
                ),
              },
              { key: 'created', label: t('check.createdAt'), children: formatDateTime(run.createdAt, lang) },
              { key: 'started', label: t('check.startedAt'), children: <span data-testid="check-started-at">{formatDateTime(run.startedAt, lang) || t('common.none')}</span> },
              { key: 'finished', label: t('check.finishedAt'), children: <span data-testid="check-finished-at">{formatDateTime(run.finishedAt, lang) || t('common.none')}</span> },
            ]}
          />

          {isActive(run) ? <RunProgress run={run} /> : null}
          {run.state === 'failed' ? (
            <Alert type="error" showIcon title={t('check.runFailed')} description={run.error ?? undefined} data-testid="check-run-error" />
          ) : null}
          {run.summary ? <Counts run={run} openTasks={openTasks} /> : null}
        </Flex>
      </Card>

      <ErrorAlert error={detailError} />
      {done && report && tasks ? (
        <Card styles={{ body: { paddingTop: 4 } }}>
          <Tabs
            data-testid="check-tabs"
            items={[
              { key: 'items', label: <span data-testid="check-tab-items">{t('check.tab.items')}</span>, children: <ItemsPanel report={report} /> },
              {
                key: 'tasks',
                label: (
                  <span data-testid="check-tab-tasks">
                    {t('check.tab.tasks')} <Badge count={openTasks} size="small" color="blue" />
                  </span>
                ),
                children: <TasksPanel run={run} report={report} tasks={tasks} mayRun={mayRun} onDone={onTaskDone} onEvidence={() => setVersion((v) => v + 1)} />,
              },
              {
                key: 'compare',
                label: <span data-testid="check-tab-compare">{t('check.tab.compare')}</span>,
                children: <ComparePanel run={run} siblings={siblings} />,
              },
            ]}
          />
        </Card>
      ) : done && !detailError ? (
        <Skeleton active />
      ) : null}
    </Flex>
  );
}

/** The live progress of a queued or running run: files done / total and the bytes read. */
function RunProgress({ run }: { run: CheckRun }) {
  const { t } = useI18n();
  const p = run.progress ?? {};
  const files = p.files ?? 0;
  const doneFiles = p.done ?? 0;
  const percent = run.state === 'queued' ? 0 : p.phase === 'items' || p.phase === 'done' ? 99 : files > 0 ? Math.min(99, Math.floor((doneFiles / files) * 100)) : 0;
  const text =
    run.state === 'queued'
      ? t('check.progress.queued')
      : p.phase === 'items'
        ? t('check.progress.items')
        : t('check.progress.files', { done: doneFiles, files, size: formatBytes(p.bytes ?? 0) });
  return (
    <div data-testid="check-progress" data-done={doneFiles} data-files={files}>
      <Progress percent={percent} status="active" />
      <Typography.Text type="secondary" data-testid="check-progress-text">
        {text}
      </Typography.Text>
    </div>
  );
}

/** Counts per outcome, blocking failures and open manual tasks. */
function Counts({ run, openTasks }: { run: CheckRun; openTasks: number }) {
  const { t } = useI18n();
  const s = run.summary;
  if (!s) return null;
  const colors: Record<string, string> = { green: '#389e0d', red: '#cf1322', gold: '#d48806', blue: '#1d4e89', default: '#595959' };
  return (
    <Row gutter={[16, 8]} data-testid="check-counts">
      {CHECK_OUTCOMES.map((o) => (
        <Col key={o} xs={8} md={4} xl={3}>
          <Statistic
            title={outcomeText(t, o)}
            value={s.counts[o] ?? 0}
            formatter={() => (
              <span data-testid={`check-count-${o}`} style={{ color: (s.counts[o] ?? 0) > 0 ? colors[outcomeColor[o]] : undefined }}>
                {s.counts[o] ?? 0}
              </span>
            )}
          />
        </Col>
      ))}
      <Col xs={12} md={4} xl={3}>
        <Statistic
          title={t('check.blockingFailures')}
          value={s.blockingFailures}
          formatter={() => (
            <span data-testid="check-blocking" style={s.blockingFailures > 0 ? { color: colors.red } : undefined}>
              {s.blockingFailures}
            </span>
          )}
        />
      </Col>
      <Col xs={12} md={4} xl={3}>
        <Statistic title={t('check.openTasks')} value={openTasks} formatter={() => <span data-testid="check-open-tasks">{openTasks}</span>} />
      </Col>
    </Row>
  );
}

/** `package` → 整个报送包; `record:3` → 文件 3; a path as it is. */
function subjectText(t: Translate, subject: string): string {
  if (subject === 'package') return t('check.finding.package');
  if (subject.startsWith('record:')) return t('check.finding.record', { key: subject.slice('record:'.length) });
  return subject;
}

function evidenceText(evidence: Record<string, unknown> | undefined): string {
  if (!evidence || Object.keys(evidence).length === 0) return '';
  try {
    return JSON.stringify(evidence);
  } catch {
    return '';
  }
}

/** The results of one item (or of a comparison): outcome, subject, record, message. */
function FindingsTable({ results, testId = 'check-findings', showCode = false }: { results: CheckResult[]; testId?: string; showCode?: boolean }) {
  const { t, pick } = useI18n();
  const columns: TableColumnsType<CheckResult & { key: string }> = [
    ...(showCode ? [{ title: t('check.item.code'), dataIndex: 'code', width: 100, render: (_: unknown, r: CheckResult) => <span data-testid="finding-code">{r.code}</span> }] : []),
    { title: t('check.finding.outcome'), dataIndex: 'outcome', width: 120, render: (_: unknown, r: CheckResult) => <OutcomeTag outcome={r.outcome} testId="finding-outcome" /> },
    {
      title: t('check.finding.subject'),
      dataIndex: 'subject',
      width: '40%',
      render: (_: unknown, r: CheckResult) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text style={{ fontSize: 12 }} ellipsis={{ tooltip: r.subject }} data-testid="finding-subject" data-subject={r.subject}>
            {subjectText(t, r.subject)}
          </Typography.Text>
          {r.record && !r.subject.startsWith('record:') ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('check.finding.record', { key: r.record })}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('check.finding.message'),
      dataIndex: 'message',
      render: (_: unknown, r: CheckResult) => {
        const ev = evidenceText(r.evidence);
        return (
          <Flex vertical style={{ minWidth: 0 }}>
            <span data-testid="finding-message">{pick(r.message)}</span>
            {ev ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(r.evidence, null, 2)}</pre> }}>
                {t('check.finding.evidence')}: {ev}
              </Typography.Text>
            ) : null}
          </Flex>
        );
      },
    },
  ];
  const data = results.map((r, i) => ({ ...r, key: `${r.code}:${r.subject}:${i}` }));
  return (
    <Table
      data-testid={testId}
      size="small"
      columns={columns}
      dataSource={data}
      rowKey="key"
      pagination={data.length > 20 ? { pageSize: 20, size: 'small', showSizeChanger: false } : false}
      locale={{ emptyText: t('check.finding.none') }}
      tableLayout="fixed"
    />
  );
}

/** The items grouped by the four properties, each expandable to its findings; 只看问题 hides what passed. */
function ItemsPanel({ report }: { report: CheckReport }) {
  const { t, pick } = useI18n();
  const [onlyProblems, setOnlyProblems] = useState(false);
  const resultsByCode = useMemo(() => {
    const m = new Map<string, CheckResult[]>();
    for (const r of report.items) {
      const list = m.get(r.code);
      if (list) list.push(r);
      else m.set(r.code, [r]);
    }
    return m;
  }, [report]);

  const columns: TableColumnsType<CheckItemSummary> = [
    { title: t('check.item.code'), dataIndex: 'code', width: 110, render: (_: unknown, i: CheckItemSummary) => <span data-testid="item-code">{i.code}</span> },
    { title: t('check.item.name'), dataIndex: 'name', render: (_: unknown, i: CheckItemSummary) => <span data-testid="item-name">{pick(i.name)}</span> },
    { title: t('check.item.automation'), dataIndex: 'automation', width: 120, render: (_: unknown, i: CheckItemSummary) => automationText(t, i.automation) },
    { title: t('check.item.severity'), dataIndex: 'severity', width: 100, render: (_: unknown, i: CheckItemSummary) => <SeverityTag severity={i.severity} /> },
    {
      title: t('check.item.counts'),
      dataIndex: 'counts',
      width: 240,
      render: (_: unknown, i: CheckItemSummary) => (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="item-counts">
          {CHECK_OUTCOMES.filter((o) => (i.counts[o] ?? 0) > 0)
            .map((o) => `${outcomeText(t, o)} ${i.counts[o]}`)
            .join(' · ') || t('common.none')}
        </Typography.Text>
      ),
    },
    { title: t('check.item.outcome'), dataIndex: 'outcome', width: 120, render: (_: unknown, i: CheckItemSummary) => <OutcomeTag outcome={i.outcome} testId="item-outcome" /> },
  ];

  return (
    <Flex vertical gap="large" data-testid="check-items">
      <Space>
        <Switch checked={onlyProblems} onChange={setOnlyProblems} data-testid="check-only-problems" />
        <span>{t('check.onlyProblems')}</span>
      </Space>
      {CHECK_CLASSES.map((c: CheckClass) => {
        const all = report.byItem.filter((i) => i.class === c);
        const rows = onlyProblems ? all.filter(isProblem) : all;
        return (
          <section key={c} data-testid="check-class" data-class={c}>
            <Flex align="baseline" gap="small" style={{ marginBottom: 8 }}>
              <Typography.Title level={5} style={{ margin: 0 }} data-testid="check-class-title">
                {classText(t, c)}
              </Typography.Title>
              <Typography.Text type="secondary">{t('check.items.count', { n: all.length })}</Typography.Text>
            </Flex>
            <Table<CheckItemSummary>
              data-testid={`check-class-${c}`}
              size="small"
              columns={columns}
              dataSource={rows}
              rowKey="code"
              pagination={false}
              tableLayout="fixed"
              locale={{ emptyText: onlyProblems ? t('check.noProblems') : t('check.finding.none') }}
              rowClassName={() => 'check-item-row'}
              onRow={(i) => ({ 'data-code': i.code, 'data-outcome': i.outcome }) as HTMLAttributes<HTMLElement>}
              expandable={{
                rowExpandable: (i) => (resultsByCode.get(i.code)?.length ?? 0) > 0,
                expandedRowRender: (i) => {
                  const results = resultsByCode.get(i.code) ?? [];
                  return <FindingsTable results={onlyProblems ? results.filter(isProblem) : results} />;
                },
              }}
            />
          </section>
        );
      })}
    </Flex>
  );
}

/** The manual tasks: a form for each open one (archivists), who / when / outcome / note for the done ones. */
function TasksPanel({
  run,
  report,
  tasks,
  mayRun,
  onDone,
  onEvidence,
}: {
  run: CheckRun;
  report: CheckReport;
  tasks: CheckTask[];
  mayRun: boolean;
  onDone: (run: CheckRun) => void;
  onEvidence: () => void;
}) {
  const { t } = useI18n();
  // the first few PDF / image files of the run, to look at for 3-4
  const previewPaths = useMemo(() => {
    const seen: string[] = [];
    for (const r of report.items) {
      if (seen.length >= PREVIEWS) break;
      if (isPath(r.subject) && PREVIEWABLE.test(r.subject) && !seen.includes(r.subject)) seen.push(r.subject);
    }
    return seen;
  }, [report]);

  if (tasks.length === 0) return <Empty description={t('check.task.none')} data-testid="check-tasks-empty" />;
  return (
    <Flex vertical gap="middle" data-testid="check-tasks">
      {mayRun ? null : <Alert type="info" showIcon title={t('check.task.readOnly')} data-testid="check-tasks-read-only" />}
      {tasks.map((task) => (
        <TaskCard
          key={task.id}
          run={run}
          task={task}
          mayRun={mayRun}
          previews={task.code.endsWith('-3-4') ? previewPaths : []}
          onDone={onDone}
          onEvidence={onEvidence}
        />
      ))}
    </Flex>
  );
}

function TaskCard({
  run,
  task,
  mayRun,
  previews,
  onDone,
  onEvidence,
}: {
  run: CheckRun;
  task: CheckTask;
  mayRun: boolean;
  previews: string[];
  onDone: (run: CheckRun) => void;
  onEvidence: () => void;
}) {
  const { t, lang, pick } = useI18n();
  const open = task.state === 'open';
  const evidence = task.evidence ?? [];
  return (
    <Card
      size="small"
      data-testid="check-task"
      data-code={task.code}
      data-state={task.state}
      title={
        <Space wrap>
          <Typography.Text code>{task.code}</Typography.Text>
          <span data-testid="task-name">{pick(task.name)}</span>
        </Space>
      }
      extra={
        <Tag color={open ? 'blue' : 'green'} data-testid="task-state" data-state={task.state}>
          {open ? t('check.task.open') : t('check.task.done')}
        </Tag>
      }
    >
      <Flex vertical gap="middle">
        {task.assignee ? <Typography.Text type="secondary">{t('check.task.assignee', { user: task.assignee })}</Typography.Text> : null}
        {previews.length > 0 ? <Previews runId={run.id} paths={previews} /> : null}
        {open ? (
          mayRun ? (
            <TaskForm task={task} onDone={onDone} onEvidence={onEvidence} />
          ) : (
            <Typography.Text type="secondary" data-testid="task-waiting">
              {t('check.task.readOnly')}
            </Typography.Text>
          )
        ) : (
          <Descriptions
            size="small"
            column={1}
            data-testid="task-result"
            items={[
              {
                key: 'outcome',
                label: t('check.task.outcome'),
                children: task.outcome ? <OutcomeTag outcome={task.outcome} testId="task-outcome" /> : t('common.none'),
              },
              { key: 'note', label: t('check.task.note'), children: <span data-testid="task-note" style={{ whiteSpace: 'pre-wrap' }}>{task.note || t('common.none')}</span> },
              { key: 'evidence', label: t('check.task.evidence'), children: <EvidenceList files={evidence} taskId={task.id} /> },
              {
                key: 'done',
                label: t('check.task.completed'),
                children: <span data-testid="task-done-by">{t('check.task.doneBy', { user: task.doneBy ?? t('common.none'), time: formatDateTime(task.doneAt, lang) })}</span>,
              },
            ]}
          />
        )}
      </Flex>
    </Card>
  );
}

function EvidenceList({ files, taskId }: { files: CheckEvidenceFile[]; taskId?: string | undefined }) {
  const { t } = useI18n();
  if (files.length === 0) return <span data-testid="task-evidence">{t('common.none')}</span>;
  return (
    <Flex vertical gap={2} data-testid="task-evidence">
      {files.map((f) => (
        <span key={f.storageKey} data-testid="task-evidence-file">
          {taskId ? (
            <a href={`/api/check-tasks/${taskId}/evidence/${files.indexOf(f)}`} download={f.fileName} data-testid="task-evidence-link">{f.fileName}</a>
          ) : f.fileName}{' '}
          <Typography.Text type="secondary">({formatBytes(f.size)})</Typography.Text>
        </span>
      ))}
    </Flex>
  );
}

/** The first pages of a few files of the run (3-4: can a person read them?). */
function Previews({ runId, paths }: { runId: string; paths: string[] }) {
  const { t } = useI18n();
  return (
    <Flex vertical gap="small" data-testid="task-previews">
      <Typography.Text strong>{t('check.task.previews')}</Typography.Text>
      <Typography.Text type="secondary">{t('check.task.previewHint')}</Typography.Text>
      <Image.PreviewGroup>
        <Flex gap="middle" wrap>
          {paths.map((p) => (
            <Preview key={p} src={checkPreviewUrl(runId, p)} path={p} />
          ))}
        </Flex>
      </Image.PreviewGroup>
    </Flex>
  );
}

function Preview({ src, path }: { src: string; path: string }) {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  const name = path.split('/').pop() ?? path;
  return (
    <Flex vertical align="center" gap={4} style={{ width: 168 }} data-testid="task-preview" data-path={path} data-failed={failed ? 'true' : 'false'}>
      {failed ? (
        <Flex align="center" justify="center" style={{ width: 160, height: 200, background: '#fafafa', border: '1px dashed #d9d9d9' }}>
          <Typography.Text type="secondary">{t('check.task.previewFailed')}</Typography.Text>
        </Flex>
      ) : (
        <Image
          src={src}
          alt={name}
          width={160}
          height={200}
          style={{ objectFit: 'contain', border: '1px solid #f0f0f0', background: '#fff' }}
          onError={() => setFailed(true)}
        />
      )}
      <Typography.Text style={{ fontSize: 12, maxWidth: 160 }} ellipsis={{ tooltip: path }}>
        {name}
      </Typography.Text>
    </Flex>
  );
}

interface TaskFormValues {
  outcome?: 'pass' | 'fail';
  note?: string;
}

/** 通过 / 不通过, a note, evidence files (uploaded at once to the task), submit. */
function TaskForm({ task, onDone, onEvidence }: { task: CheckTask; onDone: (run: CheckRun) => void; onEvidence: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<TaskFormValues>();
  const [saving, setSaving] = useState(false);
  const [uploaded, setUploaded] = useState<CheckEvidenceFile[]>(task.evidence ?? []);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const customRequest: UploadProps['customRequest'] = ({ file, onSuccess, onError }) => {
    if (!(file instanceof File)) return;
    api.addCheckEvidence(task.id, file).then(
      (ev) => {
        onSuccess?.(ev);
        if (!alive.current) return;
        setUploaded((list) => [...list, ev]);
        void message.success({ content: <span data-testid="task-evidence-message">{t('check.task.evidenceUploaded', { name: ev.fileName })}</span> });
      },
      (err: unknown) => {
        onError?.(err instanceof Error ? err : new Error('upload failed'));
        void message.error(err instanceof ApiError ? pick(err.localized) : t('error.generic'));
      },
    );
  };

  const onFinish = async (values: TaskFormValues) => {
    if (!values.outcome) return;
    setSaving(true);
    try {
      const run = await api.completeCheckTask(task.id, values.outcome, values.note ?? '');
      void message.success({ content: <span data-testid="task-saved-message">{t('check.task.saved', { code: task.code })}</span> });
      onDone(run);
    } catch (err) {
      void message.error(err instanceof ApiError ? pick(err.localized) : t('error.generic'));
      onEvidence();
    } finally {
      if (alive.current) setSaving(false);
    }
  };

  return (
    <Form<TaskFormValues> form={form} layout="vertical" onFinish={(v) => void onFinish(v)} data-testid="task-form" style={{ maxWidth: 720 }}>
      <Form.Item name="outcome" label={t('check.task.outcome')} rules={[{ required: true, message: t('check.task.outcomeRequired') }]}>
        <Radio.Group data-testid="task-outcome-input">
          <Radio value="pass" data-testid="task-outcome-pass">
            {t('check.task.pass')}
          </Radio>
          <Radio value="fail" data-testid="task-outcome-fail">
            {t('check.task.fail')}
          </Radio>
        </Radio.Group>
      </Form.Item>
      <Form.Item name="note" label={t('check.task.note')}>
        <Input.TextArea rows={3} maxLength={4000} placeholder={t('check.task.notePlaceholder')} data-testid="task-note-input" />
      </Form.Item>
      <Form.Item label={t('check.task.evidence')}>
        <Flex vertical gap="small" data-testid="task-evidence-upload">
          <Upload multiple showUploadList={false} customRequest={customRequest}>
            <Button icon={<UploadOutlined />} data-testid="task-evidence-button">
              {t('check.task.upload')}
            </Button>
          </Upload>
          {uploaded.length > 0 ? <EvidenceList files={uploaded} /> : null}
        </Flex>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="task-submit">
        {t('check.task.submit')}
      </Button>
    </Form>
  );
}

type DiffPart = 'fixed' | 'added' | 'remaining';

/** Pick an earlier finished run of the same submission: the findings fixed, new and remaining since then. */
function ComparePanel({ run, siblings }: { run: CheckRun; siblings: CheckRun[] }) {
  const { t, lang } = useI18n();
  const candidates = siblings.filter((r) => r.id !== run.id && r.state === 'done');
  const [against, setAgainst] = useState<string | null>(null);
  const [diff, setDiff] = useState<CheckDiff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [part, setPart] = useState<DiffPart>('added');

  useEffect(() => {
    if (!against) return;
    let live = true;
    setLoading(true);
    setError(null);
    api.checkDiff(run.id, against).then(
      (d) => {
        if (!live) return;
        setDiff(d);
        setLoading(false);
        setPart(d.counts.added > 0 ? 'added' : d.counts.remaining > 0 ? 'remaining' : 'fixed');
      },
      (err: unknown) => {
        if (!live) return;
        setDiff(null);
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [run.id, against]);

  if (candidates.length === 0) return <Empty description={t('check.compare.none')} data-testid="check-compare-none" />;
  const color: Record<DiffPart, string> = { fixed: '#389e0d', added: '#cf1322', remaining: '#d48806' };
  return (
    <Flex vertical gap="middle" data-testid="check-compare">
      <Typography.Text type="secondary">{t('check.compare.hint')}</Typography.Text>
      <Select<string>
        style={{ maxWidth: 480 }}
        placeholder={t('check.compare.pick')}
        value={against ?? undefined}
        onChange={setAgainst}
        data-testid="check-compare-select"
        options={candidates.map((r) => ({
          value: r.id,
          label: (
            <Space data-testid="check-compare-option">
              <span>{formatDateTime(r.createdAt, lang)}</span>
              <span>{stageText(t, r.stage)}</span>
              {r.verdict ? <VerdictTag verdict={r.verdict} testId="compare-verdict" /> : null}
            </Space>
          ),
        }))}
      />
      <ErrorAlert error={error} />
      {loading ? <Skeleton active paragraph={{ rows: 2 }} /> : null}
      {diff && !loading ? (
        <>
          <Row gutter={16}>
            {(['fixed', 'added', 'remaining'] as const).map((k) => (
              <Col key={k} xs={8} md={4}>
                <Statistic
                  title={t(`check.compare.${k}`)}
                  value={diff.counts[k]}
                  formatter={() => (
                    <span data-testid={`compare-count-${k}`} style={diff.counts[k] > 0 ? { color: color[k] } : undefined}>
                      {diff.counts[k]}
                    </span>
                  )}
                />
              </Col>
            ))}
          </Row>
          <Segmented<DiffPart>
            value={part}
            onChange={setPart}
            data-testid="compare-part"
            options={(['fixed', 'added', 'remaining'] as const).map((k) => ({ value: k, label: `${t(`check.compare.${k}`)} (${diff.counts[k]})` }))}
          />
          <FindingsTable results={diff[part]} testId="compare-findings" showCode />
        </>
      ) : null}
    </Flex>
  );
}
