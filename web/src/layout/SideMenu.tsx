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
import type { MessageKey } from '../i18n/zh-CN.ts';
import { useT } from '../i18n/useT.ts';
import { navigate } from '../router/routes.ts';

const comingSoon: Array<{ key: string; label: MessageKey; icon: ReactNode }> = [
  { key: 'submissions', label: 'nav.submissions', icon: <InboxOutlined /> },
  { key: 'checks', label: 'nav.checks', icon: <SafetyCertificateOutlined /> },
  { key: 'acceptance', label: 'nav.acceptance', icon: <AuditOutlined /> },
  { key: 'preservation', label: 'nav.preservation', icon: <CloudServerOutlined /> },
  { key: 'search', label: 'nav.search', icon: <SearchOutlined /> },
  { key: 'statistics', label: 'nav.statistics', icon: <BarChartOutlined /> },
  { key: 'admin', label: 'nav.admin', icon: <SettingOutlined /> },
];

export function SideMenu() {
  const t = useT();
  const items: MenuProps['items'] = [
    {
      key: 'browse',
      icon: <FolderOpenOutlined />,
      label: <span data-testid="nav-browse">{t('nav.browse')}</span>,
    },
    ...comingSoon.map((m) => ({
      key: m.key,
      icon: m.icon,
      disabled: true,
      title: `${t(m.label)} (${t('nav.comingSoon')})`,
      label: (
        <span data-testid={`nav-${m.key}`}>
          {t(m.label)}{' '}
          <Tag bordered={false} style={{ marginInlineStart: 4, fontSize: 11 }}>
            {t('nav.comingSoon')}
          </Tag>
        </span>
      ),
    })),
  ];
  return (
    <Menu
      data-testid="side-menu"
      mode="inline"
      selectedKeys={['browse']}
      items={items}
      style={{ height: '100%', borderInlineEnd: 0 }}
      onClick={(e) => {
        if (e.key === 'browse') navigate({ name: 'browse' });
      }}
    />
  );
}
