import { Tag } from 'antd';
import type { Access, Classification, ProjectType, Repository, Retention, VolumeCategory } from '../api/types.ts';
import { useT } from '../i18n/useT.ts';

export function LevelTag({ level }: { level: Repository['level'] }) {
  const t = useT();
  return <Tag color={level === 'city' ? 'geekblue' : 'cyan'}>{t(level === 'city' ? 'repo.level.city' : 'repo.level.county')}</Tag>;
}

export function ProjectTypeTag({ type }: { type: ProjectType }) {
  const t = useT();
  return (
    <Tag color={type === 'building' ? 'blue' : 'purple'}>
      {t(type === 'building' ? 'project.type.building' : 'project.type.municipal')}
    </Tag>
  );
}

export function AccessTag({ access }: { access: Access }) {
  const t = useT();
  return (
    <Tag color={access === 'open' ? 'green' : 'orange'} data-testid={`access-${access}`}>
      {t(access === 'open' ? 'access.open' : 'access.restricted')}
    </Tag>
  );
}

export function CategoryLabel({ category }: { category: VolumeCategory }) {
  const t = useT();
  return <>{t(`category.${category}`)}</>;
}

export function RetentionLabel({ retention }: { retention: Retention }) {
  const t = useT();
  return <>{t(`retention.${retention}`)}</>;
}

export function ClassificationLabel({ classification }: { classification: Classification }) {
  const t = useT();
  return <>{t(`classification.${classification}`)}</>;
}
