import { UploadOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Flex, Skeleton, Table, type TableColumnsType } from 'antd';
import { api } from '../api/client.ts';
import type { Building, UnitProject } from '../api/types.ts';
import { canSubmitTo } from '../auth/permissions.ts';
import { useAuth } from '../auth/useAuth.ts';
import { Crumbs } from '../components/Crumbs.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatCoordinate } from '../components/format.ts';
import { ProjectTypeTag } from '../components/labels.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { useRepositoryName } from '../hooks/useRepositoryName.ts';
import { useT } from '../i18n/useT.ts';
import { Link } from '../router/Link.tsx';
import { href } from '../router/routes.ts';

/** A project: its description, its buildings and its unit projects. */
export function ProjectPage({ id }: { id: string }) {
  const t = useT();
  const { user } = useAuth();
  const state = useAsync(() => api.project(id), id);
  const detail = state.data;
  const repoName = useRepositoryName(detail?.project.repositoryId);

  if (state.error) return <ErrorAlert error={state.error} />;
  if (!detail) return <Skeleton active />;
  const { project: p, buildings, unitProjects } = detail;
  const buildingName = new Map(buildings.map((b) => [b.id, b.name]));

  const buildingColumns: TableColumnsType<Building> = [
    { title: t('building.code'), dataIndex: 'buildingCode' },
    { title: t('building.name'), dataIndex: 'name' },
    { title: t('building.address'), dataIndex: 'address' },
    {
      title: t('building.location'),
      dataIndex: 'location',
      render: (_: unknown, b: Building) =>
        b.location
          ? t('building.lonLat', { lon: formatCoordinate(b.location.lon), lat: formatCoordinate(b.location.lat) })
          : t('common.none'),
    },
  ];

  const unitColumns: TableColumnsType<UnitProject> = [
    { title: t('unit.code'), dataIndex: 'code' },
    {
      title: t('unit.name'),
      dataIndex: 'name',
      render: (_: unknown, u: UnitProject) => (
        <Link to={{ name: 'unitProject', id: u.id }} testId="unit-project-link">
          {u.name}
        </Link>
      ),
    },
    {
      title: t('unit.building'),
      dataIndex: 'buildingId',
      render: (_: unknown, u: UnitProject) => (u.buildingId ? (buildingName.get(u.buildingId) ?? t('common.none')) : t('common.none')),
    },
    { title: t('unit.volumeCount'), dataIndex: 'volumeCount', align: 'right' },
  ];

  return (
    <>
      <Crumbs trail={[{ title: repoName ?? '…', to: { name: 'repository', id: p.repositoryId } }, { title: p.name }]} />
      <Flex vertical gap="middle">
        <Card
          title={p.name}
          data-testid="project-detail"
          extra={
            canSubmitTo(user, p.repositoryId) ? (
              <Button type="primary" icon={<UploadOutlined />} href={href({ name: 'submissions', projectId: p.id })} data-testid="project-submit-files">
                {t('submission.submitFiles')}
              </Button>
            ) : null
          }
        >
          <Descriptions
            bordered
            size="small"
            column={{ xs: 1, lg: 2 }}
            items={[
              { key: 'code', label: t('project.projectCode'), children: p.projectCode },
              { key: 'type', label: t('project.type'), children: <ProjectTypeTag type={p.projectType} /> },
              { key: 'builder', label: t('project.builder'), children: p.builderName },
              { key: 'uscc', label: t('project.uscc'), children: p.builderUscc },
              { key: 'region', label: t('project.regionCode'), children: p.regionCode },
              { key: 'address', label: t('project.address'), children: p.address },
            ]}
          />
        </Card>
        <Card title={`${t('building.title')} (${buildings.length})`}>
          <Table<Building> data-testid="buildings-table" columns={buildingColumns} dataSource={buildings} rowKey="id" pagination={false} size="middle" scroll={{ x: 'max-content' }} />
        </Card>
        <Card title={`${t('unit.title')} (${unitProjects.length})`}>
          <Table<UnitProject> data-testid="unit-projects-table" columns={unitColumns} dataSource={unitProjects} rowKey="id" pagination={false} size="middle" scroll={{ x: 'max-content' }} />
        </Card>
      </Flex>
    </>
  );
}
