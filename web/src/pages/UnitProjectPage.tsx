import { Card, Descriptions, Flex, Skeleton, type TableColumnsType } from 'antd';
import { api } from '../api/client.ts';
import type { Volume } from '../api/types.ts';
import { Crumbs } from '../components/Crumbs.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { AccessTag, CategoryLabel, ClassificationLabel, RetentionLabel } from '../components/labels.tsx';
import { LoadMoreTable } from '../components/LoadMoreTable.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { usePagedList } from '../hooks/usePagedList.ts';
import { useRepositoryName } from '../hooks/useRepositoryName.ts';
import { useT } from '../i18n/useT.ts';
import { Link } from '../router/Link.tsx';

/** A unit project and its volumes. */
export function UnitProjectPage({ id }: { id: string }) {
  const t = useT();
  const state = useAsync(() => api.unitProject(id), id);
  const list = usePagedList((after) => api.unitProjectVolumes(id, { after }), id);
  const detail = state.data;
  const repoName = useRepositoryName(detail?.project.repositoryId);

  const columns: TableColumnsType<Volume> = [
    { title: t('volume.archivalCode'), dataIndex: 'archivalCode' },
    {
      title: t('volume.title'),
      dataIndex: 'title',
      render: (_: unknown, v: Volume) => (
        <Link to={{ name: 'volume', id: v.id }} testId="volume-link">
          {v.title}
        </Link>
      ),
    },
    { title: t('volume.category'), dataIndex: 'category', render: (_: unknown, v: Volume) => <CategoryLabel category={v.category} /> },
    { title: t('volume.year'), dataIndex: 'year' },
    { title: t('volume.retention'), dataIndex: 'retention', render: (_: unknown, v: Volume) => <RetentionLabel retention={v.retention} /> },
    { title: t('volume.access'), dataIndex: 'access', render: (_: unknown, v: Volume) => <AccessTag access={v.access} /> },
    {
      title: t('volume.classification'),
      dataIndex: 'classification',
      render: (_: unknown, v: Volume) => <ClassificationLabel classification={v.classification} />,
    },
    { title: t('volume.recordCount'), dataIndex: 'recordCount', align: 'right' },
  ];

  if (state.error) return <ErrorAlert error={state.error} />;
  if (!detail) return <Skeleton active />;
  const { unitProject: u, project } = detail;

  return (
    <>
      <Crumbs
        trail={[
          { title: repoName ?? '…', to: { name: 'repository', id: project.repositoryId } },
          { title: project.name, to: { name: 'project', id: project.id } },
          { title: u.name },
        ]}
      />
      <Flex vertical gap="middle">
        <Card title={u.name} data-testid="unit-project-detail">
          <Descriptions
            column={{ xs: 1, md: 3 }}
            items={[
              { key: 'code', label: t('unit.code'), children: u.code },
              { key: 'project', label: t('unit.project'), children: <Link to={{ name: 'project', id: project.id }}>{project.name}</Link> },
              { key: 'volumes', label: t('unit.volumeCount'), children: u.volumeCount },
            ]}
          />
        </Card>
        <Card title={t('volume.listTitle')}>
          <LoadMoreTable list={list} columns={columns} rowKey="id" testId="volumes-table" fit />
        </Card>
      </Flex>
    </>
  );
}
