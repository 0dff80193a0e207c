import { Card, Descriptions, Flex, Typography, type TableColumnsType } from 'antd';
import { api } from '../api/client.ts';
import { findRepository } from '../api/repositoryCache.ts';
import type { Project } from '../api/types.ts';
import { Crumbs } from '../components/Crumbs.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { LevelTag, ProjectTypeTag } from '../components/labels.tsx';
import { LoadMoreTable } from '../components/LoadMoreTable.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { usePagedList } from '../hooks/usePagedList.ts';
import { useT } from '../i18n/useT.ts';
import { Link } from '../router/Link.tsx';

/** One repository and its projects. */
export function RepositoryPage({ id }: { id: string }) {
  const t = useT();
  const repo = useAsync(() => findRepository(id), id);
  const list = usePagedList((after) => api.repositoryProjects(id, { after }), id);
  const r = repo.data;

  const columns: TableColumnsType<Project> = [
    { title: t('project.projectCode'), dataIndex: 'projectCode' },
    {
      title: t('project.name'),
      dataIndex: 'name',
      render: (_: unknown, p: Project) => (
        <Link to={{ name: 'project', id: p.id }} testId="project-link">
          {p.name}
        </Link>
      ),
    },
    { title: t('project.type'), dataIndex: 'projectType', render: (_: unknown, p: Project) => <ProjectTypeTag type={p.projectType} /> },
    {
      title: t('project.builder'),
      dataIndex: 'builderName',
      render: (_: unknown, p: Project) => (
        <Flex vertical>
          <span>{p.builderName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} title={t('project.uscc')}>
            {t('project.uscc')}: {p.builderUscc}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t('project.address'), dataIndex: 'address' },
    { title: t('project.buildingCount'), dataIndex: 'buildingCount', align: 'right' },
    { title: t('project.unitProjectCount'), dataIndex: 'unitProjectCount', align: 'right' },
  ];

  return (
    <>
      <Crumbs trail={[{ title: r?.name ?? id }]} />
      <Flex vertical gap="middle">
        <ErrorAlert error={repo.error} />
        {r ? (
          <Card title={r.name} data-testid="repository-detail">
            <Descriptions
              column={{ xs: 1, md: 2, xl: 4 }}
              items={[
                { key: 'code', label: t('repo.code'), children: r.code },
                { key: 'level', label: t('repo.level'), children: <LevelTag level={r.level} /> },
                { key: 'regionCode', label: t('repo.regionCode'), children: r.regionCode },
                { key: 'regionName', label: t('repo.regionName'), children: r.regionName },
              ]}
            />
          </Card>
        ) : null}
        <Card title={t('project.listTitle')}>
          <LoadMoreTable list={list} columns={columns} rowKey="id" testId="projects-table" fit />
        </Card>
      </Flex>
    </>
  );
}
