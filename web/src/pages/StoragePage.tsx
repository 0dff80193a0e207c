import {
  CheckCircleFilled,
  CloseCircleFilled,
  CloudServerOutlined,
  EnvironmentOutlined,
  InfoCircleOutlined,
  ReloadOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Divider,
  Flex,
  Progress,
  Result,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, type FindingFilter } from '../api/client.ts';
import type { AuditFinding, AuditJobOutput, AuditRun, StorageLocation, StorageOverview } from '../api/types.ts';
import { useAuth } from '../auth/useAuth.ts';
import { canSeeStorage } from '../auth/permissions.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatBytes, formatDateTime } from '../components/format.ts';
import { LoadMoreTable } from '../components/LoadMoreTable.tsx';
import { AuditStatusTag, FindingKindTag, auditModeText, locationText, roleText } from '../components/storageLabels.tsx';
import { usePagedList } from '../hooks/usePagedList.ts';
import type { Translate } from '../i18n/I18nProvider.tsx';
import { useI18n } from '../i18n/useT.ts';
import { Link } from '../router/Link.tsx';

const PAGE = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `user:wang` → wang; `system:scheduler` → 定时任务; other `system:*` → 系统. */
function requester(t: Translate, actor: string): string {
  if (actor === 'system:scheduler') return t('audit.requestedBy.scheduler');
  if (actor.startsWith('system:')) return t('audit.requestedBy.system');
  return actor.replace(/^user:/, '');
}

/** GET /api/storage/locations, reloadable without blanking what is on screen. */
function useOverview() {
  const [data, setData] = useState<StorageOverview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const reload = useCallback(() => {
    const gen = ++generation.current;
    api.storageLocations().then(
      (d) => {
        if (gen !== generation.current) return;
        setData(d);
        setError(null);
      },
      (err: unknown) => {
        if (gen === generation.current) setError(err);
      },
    );
  }, []);
  useEffect(() => {
    reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);
  return { data, error, reload };
}

/** 长期保存: policy, package counts, one card per storage location, audit runs, findings and repairs. */
export function StoragePage() {
  const { t } = useI18n();
  const { user } = useAuth();
  if (!canSeeStorage(user)) {
    return <Result status="403" title={t('storage.title')} subTitle={t('storage.forbidden')} data-testid="storage-forbidden" />;
  }
  return <StorageView />;
}

function StorageView() {
  const { t, lang, pick } = useI18n();
  const { message } = App.useApp();
  const overview = useOverview();
  const locations = overview.data?.items;

  const [runsLocation, setRunsLocation] = useState<string | null>(null);
  const runs = usePagedList((after) => api.auditRuns(runsLocation, { after, limit: PAGE }), `runs:${runsLocation ?? ''}`);

  const [filter, setFilter] = useState<FindingFilter>({});
  const [filterRun, setFilterRun] = useState<AuditRun | null>(null);
  const findings = usePagedList((after) => api.findings(filter, { after, limit: PAGE }), `findings:${filter.runId ?? ''}:${String(filter.repaired ?? '')}`);
  const findingsCard = useRef<HTMLDivElement>(null);

  const [auditing, setAuditing] = useState<Record<string, boolean>>({});
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const refreshAll = useCallback(() => {
    overview.reload();
    runs.reload();
    findings.reload();
  }, [overview, runs, findings]);
  // the polling loop outlives renders: it calls the latest refresh through a ref
  const refreshRef = useRef(refreshAll);
  refreshRef.current = refreshAll;

  // one notice per location: the result replaces "queued"
  const say = (key: string, type: 'info' | 'success' | 'warning' | 'error', text: string) =>
    void message.open({ key: `audit-${key}`, type, duration: type === 'info' ? 0 : 8, content: <span data-testid="audit-message" data-type={type}>{text}</span> });

  /** POST an audit (full), then poll its job until it ends, refresh, and say how it went. */
  const runAudit = async (l: StorageLocation) => {
    const where = roleText(t, l.role);
    setAuditing((a) => ({ ...a, [l.name]: true }));
    try {
      const { jobId } = await api.startAudit(l.name, 'full');
      say(l.name, 'info', t('storage.audit.started', { location: where }));
      let delay = 400;
      let sawActive = false;
      for (;;) {
        await sleep(delay);
        if (!alive.current) {
          message.destroy(`audit-${l.name}`);
          return;
        }
        delay = Math.min(Math.round(delay * 1.5), 3000);
        const job = await api.auditJob(jobId);
        if (job.state === 'active' && !sawActive) {
          sawActive = true;
          refreshRef.current(); // the run appears as 进行中
        }
        if (job.state === 'completed') {
          const out: AuditJobOutput | null = job.output;
          if (!out || 'skipped' in out) say(l.name, 'info', t('storage.audit.skipped', { location: where }));
          else if (out.status === 'busy') say(l.name, 'warning', t('storage.audit.busy', { location: where }));
          else if (out.status === 'interrupted') say(l.name, 'warning', t('storage.audit.interrupted', { location: where, objects: out.objectsChecked }));
          else {
            const params = { location: where, objects: out.objectsChecked, findings: out.findings, unrepaired: out.unrepaired };
            say(l.name, out.unrepaired > 0 ? 'warning' : 'success', t('storage.audit.done', params));
          }
          break;
        }
        if (job.state === 'failed' || job.state === 'cancelled') {
          say(l.name, 'error', t('storage.audit.failed', { location: where }));
          break;
        }
      }
    } catch (err) {
      if (alive.current) say(l.name, 'error', err instanceof ApiError ? pick(err.localized) : t('error.generic'));
    } finally {
      if (alive.current) {
        setAuditing((a) => ({ ...a, [l.name]: false }));
        refreshRef.current();
      }
    }
  };

  const showRunFindings = (run: AuditRun) => {
    setFilterRun(run);
    setFilter((f) => ({ ...f, runId: run.id }));
    findingsCard.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  const runColumns: TableColumnsType<AuditRun> = [
    { title: t('audit.startedAt'), dataIndex: 'startedAt', render: (_: unknown, r: AuditRun) => formatDateTime(r.startedAt, lang) },
    {
      title: t('audit.location'),
      dataIndex: 'location',
      render: (_: unknown, r: AuditRun) => <span data-testid="run-location">{locationText(t, r.location, locations)}</span>,
    },
    { title: t('audit.mode'), dataIndex: 'mode', render: (_: unknown, r: AuditRun) => auditModeText(t, r.mode) },
    { title: t('audit.status'), dataIndex: 'status', render: (_: unknown, r: AuditRun) => <AuditStatusTag status={r.status} /> },
    { title: t('audit.objectsChecked'), dataIndex: 'objectsChecked', align: 'right' },
    { title: t('audit.bytesChecked'), dataIndex: 'bytesChecked', align: 'right', render: (_: unknown, r: AuditRun) => formatBytes(r.bytesChecked) },
    {
      title: t('audit.findings'),
      dataIndex: 'findings',
      align: 'right',
      render: (_: unknown, r: AuditRun) =>
        r.findings > 0 ? (
          <Tooltip title={t('audit.showFindings')}>
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => showRunFindings(r)} data-testid="run-findings">
              {r.findings}
            </Button>
          </Tooltip>
        ) : (
          <span data-testid="run-findings">0</span>
        ),
    },
    {
      title: t('audit.unrepaired'),
      dataIndex: 'unrepaired',
      align: 'right',
      render: (_: unknown, r: AuditRun) => (
        <Typography.Text type={r.unrepaired > 0 ? 'danger' : undefined} strong={r.unrepaired > 0} data-testid="run-unrepaired">
          {r.unrepaired}
        </Typography.Text>
      ),
    },
    { title: t('audit.finishedAt'), dataIndex: 'finishedAt', render: (_: unknown, r: AuditRun) => formatDateTime(r.finishedAt, lang) || t('common.none') },
    { title: t('audit.requestedBy'), dataIndex: 'requestedBy', render: (_: unknown, r: AuditRun) => <span title={r.requestedBy}>{requester(t, r.requestedBy)}</span> },
  ];

  const findingColumns: TableColumnsType<AuditFinding> = [
    { title: t('finding.at'), dataIndex: 'at', render: (_: unknown, f: AuditFinding) => formatDateTime(f.at, lang) },
    { title: t('finding.location'), dataIndex: 'location', render: (_: unknown, f: AuditFinding) => locationText(t, f.location, locations) },
    {
      title: t('finding.archivalCode'),
      dataIndex: 'archivalCode',
      render: (_: unknown, f: AuditFinding) =>
        f.volumeId ? (
          <Link to={{ name: 'volume', id: f.volumeId }} testId="finding-volume-link">
            {f.archivalCode ?? f.volumeId}
          </Link>
        ) : (
          <Typography.Text type="secondary">{t('finding.noVolume')}</Typography.Text>
        ),
    },
    { title: t('finding.kind'), dataIndex: 'kind', render: (_: unknown, f: AuditFinding) => <FindingKindTag kind={f.kind} /> },
    {
      title: t('finding.repair'),
      dataIndex: 'repaired',
      render: (_: unknown, f: AuditFinding) => {
        if (f.repaired) {
          return (
            <Tag color="success" icon={<CheckCircleFilled />} data-testid="finding-repair" data-repaired="true">
              {t('finding.repairedFrom', { location: locationText(t, f.repairedFrom ?? '', locations) })}
            </Tag>
          );
        }
        // A stray file harms no content: it is reported for a person to look at, never deleted.
        if (f.kind === 'unexpected') {
          return (
            <Tag icon={<InfoCircleOutlined />} data-testid="finding-repair" data-repaired="false">
              {t('finding.reported')}
            </Tag>
          );
        }
        return (
          <Tag color="error" icon={<CloseCircleFilled />} data-testid="finding-repair" data-repaired="false">
            {t('finding.unrepaired')}
          </Tag>
        );
      },
    },
    {
      title: t('finding.pathDetail'),
      dataIndex: 'path',
      render: (_: unknown, f: AuditFinding) => (
        <Flex vertical style={{ maxWidth: 340 }}>
          <Typography.Text style={{ fontSize: 12 }} ellipsis={{ tooltip: f.path }} data-testid="finding-path">
            {f.path}
          </Typography.Text>
          {f.detail ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: f.detail }} data-testid="finding-detail">
              {f.detail}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
  ];

  const repairedValue = filter.repaired === true ? 'repaired' : filter.repaired === false ? 'unrepaired' : 'all';

  return (
    <Flex vertical gap="middle" data-testid="storage-page">
      <Flex justify="space-between" align="center" wrap gap="small">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="storage-title">
            {t('storage.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('storage.subtitle')}</Typography.Text>
        </div>
        <Button icon={<ReloadOutlined />} onClick={refreshAll} data-testid="storage-refresh">
          {t('storage.refresh')}
        </Button>
      </Flex>

      <ErrorAlert error={overview.error} />
      {overview.data ? (
        <>
          <Summary data={overview.data} />
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('storage.locations')}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {overview.data.items.map((l) => (
              <Col key={l.name} xs={24} lg={12} xl={8}>
                <LocationCard location={l} auditing={auditing[l.name] === true} onAudit={() => void runAudit(l)} />
              </Col>
            ))}
          </Row>
        </>
      ) : overview.error ? null : (
        <Skeleton active />
      )}

      <Card
        title={t('audit.runsTitle')}
        extra={
          <Select<string>
            size="small"
            style={{ minWidth: 160 }}
            value={runsLocation ?? ''}
            onChange={(v) => setRunsLocation(v === '' ? null : v)}
            data-testid="runs-location-filter"
            options={[
              { value: '', label: t('audit.allLocations') },
              ...(locations ?? []).filter((l) => l.role !== 'offline').map((l) => ({ value: l.name, label: locationText(t, l.name, locations) })),
            ]}
          />
        }
      >
        <LoadMoreTable list={runs} columns={runColumns} rowKey="id" testId="audit-runs-table" />
      </Card>

      <div ref={findingsCard}>
        <Card
          title={t('finding.title')}
          extra={
            <Space wrap>
              {filterRun ? (
                <Tag
                  closable
                  color="blue"
                  onClose={() => {
                    setFilterRun(null);
                    setFilter((f) => ({ ...f, runId: null }));
                  }}
                  data-testid="findings-run-filter"
                >
                  {t('finding.filter.run', { time: formatDateTime(filterRun.startedAt, lang), location: locationText(t, filterRun.location, locations) })}
                </Tag>
              ) : null}
              <Segmented<string>
                size="small"
                value={repairedValue}
                onChange={(v) => setFilter((f) => ({ ...f, repaired: v === 'all' ? null : v === 'repaired' }))}
                options={[
                  { value: 'all', label: t('finding.filter.all') },
                  { value: 'unrepaired', label: t('finding.filter.unrepaired') },
                  { value: 'repaired', label: t('finding.filter.repaired') },
                ]}
                data-testid="findings-repaired-filter"
              />
            </Space>
          }
        >
          <LoadMoreTable list={findings} columns={findingColumns} rowKey="id" testId="findings-table" />
        </Card>
      </div>
    </Flex>
  );
}

/** 复制策略 and the package counts 已保存 / 待保存 / 降级. */
function Summary({ data }: { data: StorageOverview }) {
  const { t } = useI18n();
  const { policy, packages } = data;
  const stat = (testId: string, value: number, color?: string) => (
    <span data-testid={testId} style={color ? { color } : undefined}>
      {value}
    </span>
  );
  return (
    <Card data-testid="storage-summary">
      <Row gutter={[24, 16]} align="middle">
        <Col xs={24} md={12} xl={9}>
          <Statistic
            title={
              <Space size={4}>
                <SafetyOutlined />
                {t('storage.policy')}
                <Tooltip title={t('storage.policyHint')}>
                  <InfoCircleOutlined />
                </Tooltip>
              </Space>
            }
            value={t('storage.policyText', { copies: policy.copies, offSite: policy.offSite })}
            formatter={(v) => <span data-testid="storage-policy">{v}</span>}
          />
        </Col>
        <Col xs={8} md={4} xl={5}>
          <Statistic title={t('storage.packages.preserved')} value={packages.preserved} formatter={() => stat('packages-preserved', packages.preserved, '#389e0d')} />
        </Col>
        <Col xs={8} md={4} xl={5}>
          <Statistic title={t('storage.packages.pending')} value={packages.pending} formatter={() => stat('packages-pending', packages.pending, packages.pending > 0 ? '#1677ff' : undefined)} />
        </Col>
        <Col xs={8} md={4} xl={5}>
          <Statistic title={t('storage.packages.degraded')} value={packages.degraded} formatter={() => stat('packages-degraded', packages.degraded, packages.degraded > 0 ? '#cf1322' : undefined)} />
        </Col>
      </Row>
    </Card>
  );
}

function Line({ icon, children }: { icon?: ReactNode; children: ReactNode }) {
  return (
    <Flex gap={6} align="baseline">
      {icon ? <Typography.Text type="secondary">{icon}</Typography.Text> : null}
      <div style={{ minWidth: 0, flex: 1 }}>{children}</div>
    </Flex>
  );
}

/** One storage location: role, kind, where it is, capacity, replicas and its last audit, with 立即审计. */
function LocationCard({ location: l, auditing, onAudit }: { location: StorageLocation; auditing: boolean; onAudit: () => void }) {
  const { t, lang } = useI18n();
  const place = [l.city, l.seismicZone ? t('storage.seismicZone', { zone: l.seismicZone }) : ''].filter(Boolean).join(' · ');
  const cap = l.capacity;
  const usedPercent = cap && cap.totalBytes > 0 ? Math.round(((cap.totalBytes - cap.freeBytes) / cap.totalBytes) * 1000) / 10 : null;
  const lowSpace = cap !== null && cap.totalBytes > 0 && cap.freeBytes / cap.totalBytes < 0.1;
  const a = l.lastAudit;
  const online = l.role !== 'offline';

  return (
    <Card
      data-testid="location-card"
      data-location={l.name}
      title={
        <Space>
          <CloudServerOutlined />
          <span data-testid="location-role">{roleText(t, l.role)}</span>
          {l.name !== l.role ? <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>{l.name}</Typography.Text> : null}
        </Space>
      }
      extra={<Tag data-testid="location-kind">{t(`storage.kind.${l.kind}`)}</Tag>}
      actions={[
        online ? (
          <Tooltip title={t('storage.auditNowHint')} key="audit">
            <Button type="link" icon={<SafetyOutlined />} loading={auditing} onClick={onAudit} data-testid="audit-now">
              {t('storage.auditNow')}
            </Button>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary" key="offline">
            {t('storage.offlineHint')}
          </Typography.Text>
        ),
      ]}
      style={{ height: '100%', display: 'flex', flexDirection: 'column' }}
      styles={{ body: { paddingBlock: 16, flex: 1 } }}
    >
      <Flex vertical gap={10}>
        <Line icon={<EnvironmentOutlined />}>
          <span data-testid="location-place">{place || t('storage.placeUnknown')}</span>
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }} ellipsis={{ tooltip: l.describe }}>
            {l.describe}
          </Typography.Text>
        </Line>

        <div data-testid="location-capacity">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('storage.capacity')}
          </Typography.Text>
          {cap && usedPercent !== null ? (
            <>
              <Progress percent={usedPercent} size="small" status={lowSpace ? 'exception' : 'normal'} />
              <Typography.Text style={{ fontSize: 12 }} type={lowSpace ? 'danger' : undefined}>
                {t('storage.capacityText', { free: formatBytes(cap.freeBytes), total: formatBytes(cap.totalBytes) })}
              </Typography.Text>
            </>
          ) : (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('storage.capacityUnknown')}
              </Typography.Text>
            </div>
          )}
        </div>

        <Row gutter={8}>
          <Col span={8}>
            <Statistic
              title={t('storage.replicas.verified')}
              value={l.replicas.verified}
              formatter={() => <span data-testid="location-verified" style={{ color: '#389e0d' }}>{l.replicas.verified}</span>}
            />
          </Col>
          <Col span={8}>
            <Statistic
              title={t('storage.replicas.failing')}
              value={l.replicas.failing}
              formatter={() => (
                <span data-testid="location-failing" style={l.replicas.failing > 0 ? { color: '#cf1322' } : undefined}>
                  {l.replicas.failing}
                </span>
              )}
            />
          </Col>
          <Col span={8}>
            <Statistic title={t('storage.replicas.bytes')} value={formatBytes(l.replicas.bytes)} formatter={(v) => <span data-testid="location-bytes">{v}</span>} />
          </Col>
        </Row>

        <Divider style={{ margin: '2px 0' }} />
        <div data-testid="location-last-audit">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('storage.lastAudit')}
          </Typography.Text>
          {a ? (
            <Flex vertical gap={2}>
              <Space size={6} wrap>
                <AuditStatusTag status={a.status} />
                <span>{auditModeText(t, a.mode)}</span>
                <Typography.Text type="secondary">{formatDateTime(a.finishedAt ?? a.startedAt, lang)}</Typography.Text>
              </Space>
              <Typography.Text type={a.unrepaired > 0 ? 'danger' : undefined} data-testid="location-audit-summary">
                {t('storage.lastAudit.summary', { objects: a.objectsChecked, findings: a.findings, unrepaired: a.unrepaired })}
              </Typography.Text>
            </Flex>
          ) : (
            <div>
              <Typography.Text type="secondary" data-testid="location-audit-summary">
                {t('storage.lastAudit.none')}
              </Typography.Text>
            </div>
          )}
        </div>
      </Flex>
    </Card>
  );
}
