import { Card, type TableColumnsType } from 'antd';
import { api } from '../api/client.ts';
import type { Repository } from '../api/types.ts';
import { Crumbs } from '../components/Crumbs.tsx';
import { LevelTag } from '../components/labels.tsx';
import { LoadMoreTable } from '../components/LoadMoreTable.tsx';
import { usePagedList } from '../hooks/usePagedList.ts';
import { useT } from '../i18n/useT.ts';
import { Link } from '../router/Link.tsx';

export function RepositoriesPage() {
  const t = useT();
  const list = usePagedList((after) => api.repositories({ after }), 'repositories');
  const columns: TableColumnsType<Repository> = [
    {
      title: t('repo.name'),
      dataIndex: 'name',
      render: (_: unknown, r: Repository) => (
        <Link to={{ name: 'repository', id: r.id }} testId="repository-link">
          {r.name}
        </Link>
      ),
    },
    { title: t('repo.code'), dataIndex: 'code' },
    { title: t('repo.level'), dataIndex: 'level', render: (_: unknown, r: Repository) => <LevelTag level={r.level} /> },
    { title: t('repo.regionCode'), dataIndex: 'regionCode' },
    { title: t('repo.regionName'), dataIndex: 'regionName' },
  ];
  return (
    <>
      <Crumbs trail={[]} />
      <Card title={t('repo.title')}>
        <LoadMoreTable list={list} columns={columns} rowKey="id" testId="repositories-table" />
      </Card>
    </>
  );
}
