import { CloudServerOutlined } from '@ant-design/icons';
import { Card, Descriptions, Flex, Skeleton, Table, Typography, type TableColumnsType } from 'antd';
import { api, ApiError } from '../api/client.ts';
import type { ReplicaState } from '../api/types.ts';
import { useAsync } from '../hooks/useAsync.ts';
import { useI18n } from '../i18n/useT.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { formatBytes, formatDateTime } from './format.ts';
import { PackageStateTag, ReplicaStateTag, roleText } from './storageLabels.tsx';

/**
 * 长期保存 on the volume page: the archival package's state, OCFL version, size and each replica.
 * Only rendered for roles that may read it; a 403 (policy changed under us) hides it silently.
 */
export function PreservationCard({ volumeId }: { volumeId: string }) {
  const { t, lang } = useI18n();
  const state = useAsync(() => api.volumePreservation(volumeId), volumeId);

  if (state.error instanceof ApiError && state.error.statusCode === 403) return null;

  const title = (
    <span>
      <CloudServerOutlined /> {t('preservation.title')}
    </span>
  );
  if (state.error) {
    return (
      <Card title={title} data-testid="preservation-card">
        <ErrorAlert error={state.error} />
      </Card>
    );
  }
  if (!state.data) {
    return (
      <Card title={title} data-testid="preservation-card-loading">
        <Skeleton active paragraph={{ rows: 2 }} />
      </Card>
    );
  }
  const pkg = state.data.package;
  if (!pkg) {
    return (
      <Card title={title} data-testid="preservation-card">
        <Typography.Text type="secondary" data-testid="preservation-none">
          {t('preservation.none')}
        </Typography.Text>
      </Card>
    );
  }

  const columns: TableColumnsType<ReplicaState> = [
    { title: t('preservation.replica.location'), dataIndex: 'location', render: (_: unknown, r: ReplicaState) => <span data-testid="replica-location">{roleText(t, r.role)}{r.location !== r.role ? `（${r.location}）` : ''}</span> },
    { title: t('preservation.replica.state'), dataIndex: 'state', render: (_: unknown, r: ReplicaState) => <ReplicaStateTag state={r.state} /> },
    { title: t('preservation.replica.version'), dataIndex: 'version', render: (_: unknown, r: ReplicaState) => `v${r.version}` },
    { title: t('preservation.replica.verifiedAt'), dataIndex: 'verifiedAt', render: (_: unknown, r: ReplicaState) => formatDateTime(r.verifiedAt, lang) || t('common.none') },
    {
      title: t('preservation.replica.detail'),
      dataIndex: 'detail',
      render: (_: unknown, r: ReplicaState) =>
        r.detail ? (
          <Typography.Text type="danger" style={{ maxWidth: 360, fontSize: 12 }} ellipsis={{ tooltip: r.detail }}>
            {r.detail}
          </Typography.Text>
        ) : (
          t('common.none')
        ),
    },
  ];

  return (
    <Card title={title} extra={<PackageStateTag state={pkg.state} />} data-testid="preservation-card">
      <Flex vertical gap="middle">
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 4 }}
          items={[
            { key: 'version', label: t('preservation.version'), children: <span data-testid="preservation-version">v{pkg.headVersion}</span> },
            { key: 'files', label: t('preservation.files'), children: <span data-testid="preservation-files">{pkg.files}</span> },
            { key: 'size', label: t('preservation.size'), children: <span data-testid="preservation-size">{formatBytes(pkg.bytes)}</span> },
            {
              key: 'ocfl',
              label: t('preservation.ocflId'),
              span: 'filled',
              children: (
                <Typography.Text copyable style={{ fontSize: 12 }} type="secondary">
                  {pkg.ocflId}
                </Typography.Text>
              ),
            },
          ]}
        />
        <Table<ReplicaState>
          data-testid="replicas-table"
          size="small"
          rowKey="location"
          columns={columns}
          dataSource={pkg.replicas}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      </Flex>
    </Card>
  );
}
