import {
  AuditOutlined,
  BarChartOutlined,
  CloudServerOutlined,
  FolderOpenOutlined,
  InboxOutlined,
  SafetyCertificateOutlined,
  SearchOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import { Menu, Tag, type MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { useAuth } from '../auth/useAuth.ts';
import { canSeeStorage, canUpload } from '../auth/permissions.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { useT } from '../i18n/useT.ts';
import { navigate, type Route } from '../router/routes.ts';
import { useRoute } from '../router/useRoute.ts';

interface Module {
  key: string;
  label: MessageKey;
  icon: ReactNode;
  /** where the module lives, once it exists; `enabled` says who may open it */
  to?: Route;
  enabled?: boolean;
}

/** The menu key that belongs to a route (the browse pages all light up 档案浏览). */
function selectedKey(route: Route): string {
  if (route.name === 'storage') return 'preservation';
  // a check report is opened from a submission: 归档接收 stays lit
  if (route.name === 'submissions' || route.name === 'check') return 'submissions';
  return 'browse';
}

export function SideMenu() {
  const t = useT();
  const { user } = useAuth();
  const route = useRoute();
  const modules: Module[] = [
    // 归档接收 (resumable uploads) is open to submitters, archivists and admins.
    { key: 'submissions', label: 'nav.submissions', icon: <InboxOutlined />, to: { name: 'submissions' }, enabled: canUpload(user) },
    { key: 'checks', label: 'nav.checks', icon: <SafetyCertificateOutlined /> },
    { key: 'acceptance', label: 'nav.acceptance', icon: <AuditOutlined /> },
    // 长期保存 is open to admins and archivists; for everyone else it stays "coming soon".
    { key: 'preservation', label: 'nav.preservation', icon: <CloudServerOutlined />, to: { name: 'storage' }, enabled: canSeeStorage(user) },
    { key: 'search', label: 'nav.search', icon: <SearchOutlined /> },
    { key: 'statistics', label: 'nav.statistics', icon: <BarChartOutlined /> },
    { key: 'admin', label: 'nav.admin', icon: <SettingOutlined /> },
  ];
  const items: MenuProps['items'] = [
    {
      key: 'browse',
      icon: <FolderOpenOutlined />,
      label: <span data-testid="nav-browse">{t('nav.browse')}</span>,
    },
    ...modules.map((m) =>
      m.enabled
        ? { key: m.key, icon: m.icon, label: <span data-testid={`nav-${m.key}`}>{t(m.label)}</span> }
        : {
            key: m.key,
            icon: m.icon,
            disabled: true,
            title: `${t(m.label)} (${t('nav.comingSoon')})`,
            label: (
              <span data-testid={`nav-${m.key}`}>
                {t(m.label)}{' '}
                <Tag bordered={false} style={{ marginInlineStart: 4, fontSize: 11, lineHeight: '16px', paddingInline: 4 }}>
                  {t('nav.comingSoon')}
                </Tag>
              </span>
            ),
          },
    ),
  ];
  return (
    <Menu
      data-testid="side-menu"
      mode="inline"
      selectedKeys={[selectedKey(route)]}
      items={items}
      style={{ height: '100%', borderInlineEnd: 0 }}
      onClick={(e) => {
        if (e.key === 'browse') {
          navigate({ name: 'browse' });
          return;
        }
        const m = modules.find((x) => x.key === e.key);
        if (m?.enabled && m.to) navigate(m.to);
      }}
    />
  );
}
