import { Breadcrumb } from 'antd';
import { href, type Route } from '../router/routes.ts';
import { useT } from '../i18n/useT.ts';

export interface Crumb {
  title: string;
  to?: Route;
}

/** 档案馆 › 项目 › 单位工程 › 案卷 — always starts at the list of repositories. */
export function Crumbs({ trail }: { trail: Crumb[] }) {
  const t = useT();
  const all: Crumb[] = [{ title: t('crumb.repositories'), to: { name: 'browse' } }, ...trail];
  return (
    <Breadcrumb
      data-testid="breadcrumbs"
      style={{ marginBottom: 16 }}
      items={all.map((c, i) => (c.to && i < all.length - 1 ? { title: c.title, href: href(c.to) } : { title: c.title }))}
    />
  );
}
