import { Button, Flex, Table, Typography, type TableColumnsType } from 'antd';
import type { PagedList } from '../hooks/usePagedList.ts';
import { useT } from '../i18n/useT.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

interface Props<T> {
  list: PagedList<T>;
  columns: TableColumnsType<T>;
  rowKey: keyof T & string;
  testId: string;
  /** fit the card's width, wrapping cell text, instead of scrolling sideways (for long titles) */
  fit?: boolean;
}

/** An antd Table fed by keyset paging, with a "load more" button while a `next` cursor remains. */
export function LoadMoreTable<T extends object>({ list, columns, rowKey, testId, fit = false }: Props<T>) {
  const t = useT();
  return (
    <Flex vertical gap="small">
      <ErrorAlert error={list.error} />
      <Table<T>
        data-testid={testId}
        columns={columns}
        dataSource={list.items}
        rowKey={rowKey}
        loading={list.loading}
        pagination={false}
        size="middle"
        scroll={fit ? undefined : { x: 'max-content' }}
      />
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary" data-testid={`${testId}-count`}>
          {list.next ? t('common.shown', { n: list.items.length }) : t('common.allShown', { n: list.items.length })}
        </Typography.Text>
        {list.next ? (
          <Button onClick={list.loadMore} loading={list.loading} data-testid={`${testId}-load-more`}>
            {t('common.loadMore')}
          </Button>
        ) : null}
      </Flex>
    </Flex>
  );
}
