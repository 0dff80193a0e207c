import { FilePdfOutlined, FileOutlined } from '@ant-design/icons';
import { Card, Descriptions, Flex, Skeleton, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { api, componentContentUrl } from '../api/client.ts';
import type { ArchiveRecord, Component } from '../api/types.ts';
import { canSeeStorage } from '../auth/permissions.ts';
import { useAuth } from '../auth/useAuth.ts';
import { Crumbs } from '../components/Crumbs.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatBytes } from '../components/format.ts';
import { AccessTag, CategoryLabel, ClassificationLabel, RetentionLabel } from '../components/labels.tsx';
import { LoadMoreTable } from '../components/LoadMoreTable.tsx';
import { PreservationCard } from '../components/PreservationCard.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { usePagedList } from '../hooks/usePagedList.ts';
import { useRepositoryName } from '../hooks/useRepositoryName.ts';
import { useT } from '../i18n/useT.ts';
import { Link } from '../router/Link.tsx';

function ComponentLink({ c }: { c: Component }) {
  const isPdf = /pdf/i.test(c.format) || /\.pdf$/i.test(c.fileName);
  return (
    <Flex gap={6} align="flex-start">
      {isPdf ? <FilePdfOutlined style={{ color: '#cf1322', marginTop: 4 }} /> : <FileOutlined style={{ marginTop: 4 }} />}
      <Flex vertical>
        <a href={componentContentUrl(c.id)} target="_blank" rel="noopener noreferrer" data-testid="component-link" title={`SHA-256 ${c.sha256}\nSM3 ${c.sm3}`} style={{ wordBreak: 'break-all' }}>
          {c.fileName}
        </a>
        <Space size={4}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatBytes(c.size)}
          </Typography.Text>
          <Tag bordered={false} style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', paddingInline: 4 }}>
            {c.format}
          </Tag>
        </Space>
      </Flex>
    </Flex>
  );
}

/** A volume's description and its contents list (卷内目录). */
export function VolumePage({ id }: { id: string }) {
  const t = useT();
  const { user } = useAuth();
  const state = useAsync(() => api.volume(id), id);
  const list = usePagedList((after) => api.volumeRecords(id, { after }), id);
  const detail = state.data;
  const repoName = useRepositoryName(detail?.project.repositoryId);

  const columns: TableColumnsType<ArchiveRecord> = [
    { title: t('record.seq'), dataIndex: 'seq', align: 'right', width: 60 },
    { title: t('record.docNumber'), dataIndex: 'docNumber', minWidth: 120 },
    { title: t('record.author'), dataIndex: 'author', minWidth: 120 },
    { title: t('record.title'), dataIndex: 'title', minWidth: 160, render: (_: unknown, r: ArchiveRecord) => <span data-testid="record-title">{r.title}</span> },
    { title: t('record.date'), dataIndex: 'date', width: 104, render: (_: unknown, r: ArchiveRecord) => <span style={{ whiteSpace: 'nowrap' }}>{r.date ?? t('common.none')}</span> },
    { title: t('record.pages'), dataIndex: 'pages', align: 'right', width: 72 },
    {
      title: t('record.category'),
      dataIndex: 'category',
      width: 100,
      render: (_: unknown, r: ArchiveRecord) => <span style={{ whiteSpace: 'nowrap' }}>{`${r.category} / ${r.subclass}`}</span>,
    },
    {
      title: t('record.components'),
      dataIndex: 'components',
      width: 240,
      render: (_: unknown, r: ArchiveRecord) => (
        <Flex vertical gap={2}>
          {r.components.map((c) => (
            <ComponentLink key={c.id} c={c} />
          ))}
        </Flex>
      ),
    },
  ];

  if (state.error) return <ErrorAlert error={state.error} />;
  if (!detail) return <Skeleton active />;
  const { volume: v, unitProject, project } = detail;

  return (
    <>
      <Crumbs
        trail={[
          { title: repoName ?? '…', to: { name: 'repository', id: project.repositoryId } },
          { title: project.name, to: { name: 'project', id: project.id } },
          { title: unitProject.name, to: { name: 'unitProject', id: unitProject.id } },
          { title: v.archivalCode },
        ]}
      />
      <Flex vertical gap="middle">
        <Card title={v.title} extra={<AccessTag access={v.access} />} data-testid="volume-detail">
          <Descriptions
            bordered
            size="small"
            column={{ xs: 1, lg: 2, xxl: 3 }}
            items={[
              { key: 'code', label: t('volume.archivalCode'), children: <span data-testid="volume-archival-code">{v.archivalCode}</span> },
              { key: 'category', label: t('volume.category'), children: <CategoryLabel category={v.category} /> },
              { key: 'year', label: t('volume.year'), children: v.year },
              { key: 'retention', label: t('volume.retention'), children: <RetentionLabel retention={v.retention} /> },
              { key: 'classification', label: t('volume.classification'), children: <ClassificationLabel classification={v.classification} /> },
              { key: 'records', label: t('volume.recordCount'), children: v.recordCount },
              { key: 'unit', label: t('volume.unitProject'), children: <Link to={{ name: 'unitProject', id: unitProject.id }}>{unitProject.name}</Link> },
              { key: 'project', label: t('volume.project'), children: <Link to={{ name: 'project', id: project.id }}>{project.name}</Link> },
            ]}
          />
        </Card>
        {canSeeStorage(user) ? <PreservationCard volumeId={v.id} /> : null}
        <Card title={t('record.listTitle')}>
          <LoadMoreTable list={list} columns={columns} rowKey="id" testId="records-table" fit />
        </Card>
      </Flex>
    </>
  );
}
