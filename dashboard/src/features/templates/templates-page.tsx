import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { listTemplates } from '../../api/templates';
import { Badge } from '../../components/ui/badge';
import { buttonClass } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime, formatNumber } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';

const PAGE_SIZE = 20;
const TYPE_TONE = { TRANSACTIONAL: 'blue', MARKETING: 'purple', HEADLESS: 'neutral' } as const;

export function TemplatesPage() {
  usePageTitle('Templates');
  const { project } = useProject();
  const [page, setPage] = useState(1);
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  useEffect(() => {
    const t = window.setTimeout(() => {
      setSearch(searchInput.trim());
      setPage(1);
    }, 300);
    return () => window.clearTimeout(t);
  }, [searchInput]);

  const templates = useQuery({
    queryKey: ['templates', project.id, { page, search }],
    queryFn: () => listTemplates(project.id, { page, pageSize: PAGE_SIZE, search: search || undefined }),
    placeholderData: keepPreviousData,
  });
  const newButton = (
    <Link to="/p/$projectId/templates/$templateId" params={{ projectId: project.id, templateId: 'new' }} className={buttonClass('primary')}>
      New template
    </Link>
  );
  const data = templates.data;

  return (
    <div className="max-w-6xl">
      <PageHeader title="Templates" description="Reusable emails. Send one with POST /v1/send and its template ID." actions={newButton} />
      <div role="search" className="mb-4 max-w-md">
        <TextField label="Search templates" type="search" placeholder="Search by name" value={searchInput} onChange={(e) => setSearchInput(e.target.value)} />
      </div>
      {templates.isPending ? (
        <LoadingBlock label="Loading templates…" />
      ) : templates.isError ? (
        <ErrorAlert error={templates.error} title="Could not load templates" onRetry={() => void templates.refetch()} />
      ) : data && data.data.length === 0 ? (
        search ? (
          <EmptyState title={`No templates match "${search}"`} description="Try another name or clear the search." />
        ) : (
          <EmptyState title="No templates yet" description="Create a template for emails you send often: welcome mails, receipts, password resets." action={newButton} />
        )
      ) : data ? (
        <>
          <Table label="Templates">
            <THead>
              <Th>Name</Th>
              <Th>Type</Th>
              <Th>Subject</Th>
              <Th>Updated</Th>
            </THead>
            <TBody>
              {data.data.map((t) => (
                <tr key={t.id} className="hover:bg-slate-50">
                  <Td>
                    <Link to="/p/$projectId/templates/$templateId" params={{ projectId: project.id, templateId: t.id }} className="font-medium text-blue-800 hover:underline">
                      {t.name}
                    </Link>
                  </Td>
                  <Td>
                    <Badge tone={TYPE_TONE[t.type]}>{t.type.charAt(0) + t.type.slice(1).toLowerCase()}</Badge>
                  </Td>
                  <Td className="max-w-xs truncate">{t.subject}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(t.updatedAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <Pager
            label="Templates pages"
            status={`Page ${data.page} of ${Math.max(1, data.totalPages)} · ${formatNumber(data.total)} templates`}
            busy={templates.isFetching}
            hasPrevious={page > 1}
            hasNext={page < data.totalPages}
            onPrevious={() => setPage((p) => Math.max(1, p - 1))}
            onNext={() => setPage((p) => p + 1)}
          />
        </>
      ) : null}
    </div>
  );
}
