import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { getEmail } from '../../api/emails';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card, PageHeader } from '../../components/ui/page-header';
import { SandboxedFrame } from '../../components/ui/sandboxed-frame';
import { LoadingBlock } from '../../components/ui/spinner';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { EmailOutcomeAlert, EmailTimelineCard, EmailTrackingCard, hasOutcomeAlert } from './email-outcome';
import { EmailStatusBadge } from './email-status-badge';

const route = getRouteApi('/p/$projectId/emails/$emailId');

export function EmailDetailPage() {
  const { emailId } = route.useParams();
  const { project } = useProject();
  const email = useQuery({ queryKey: ['email', project.id, emailId], queryFn: () => getEmail(project.id, emailId) });
  usePageTitle(email.data ? `${email.data.subject || 'Email'} · Emails` : 'Email');

  const back = (
    <Link to="/p/$projectId/emails" params={{ projectId: project.id }} className="text-sm font-medium text-blue-800 hover:underline">
      ← All emails
    </Link>
  );
  if (email.isPending) return <LoadingBlock label="Loading email…" />;
  if (email.isError) {
    const missing = email.error instanceof ApiError && email.error.status === 404;
    return (
      <div className="max-w-3xl space-y-4">
        {back}
        <h1 className="text-2xl font-semibold text-slate-900">{missing ? 'Email not found' : 'Email'}</h1>
        <ErrorAlert error={email.error} title={missing ? 'This email does not exist in this project.' : 'Could not load the email'} onRetry={missing ? undefined : () => void email.refetch()} />
      </div>
    );
  }

  const m = email.data;
  const contactId = m.contact?.id;
  const rows: [string, ReactNode][] = [
    ['Status', <EmailStatusBadge key="s" status={m.status} />],
    ['Reason', m.reason ?? '—'],
    ['To', m.to],
    ['From', m.from ? (m.fromName ? `${m.fromName} <${m.from}>` : m.from) : '—'],
    ['Source', m.sourceType],
    ['Attempts', m.attempts ?? '—'],
    ['Message-ID', m.messageId ? <code key="mid" className="font-mono text-xs break-all">{m.messageId}</code> : '—'],
    ['Email ID', <code key="id" className="font-mono text-xs break-all">{m.id}</code>],
  ];
  if (m.status === 'BOUNCED' || m.bounceType) rows.splice(2, 0, ['Bounce type', m.bounceType ?? '—']);
  // The callout above the cards already carries the reason.
  if (hasOutcomeAlert(m)) rows.splice(1, 1);

  return (
    <div className="max-w-6xl">
      <div className="mb-2">{back}</div>
      <PageHeader title={m.subject || '(no subject)'} description={<>Email to {m.to}</>} />
      <EmailOutcomeAlert email={m} projectId={project.id} />
      <div className="grid gap-6 xl:grid-cols-[22rem_1fr]">
        <div className="min-w-0 space-y-6">
          <Card title="Details">
            <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2 text-sm">
              {rows.map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="font-medium text-slate-700">{label}</dt>
                  <dd className="break-words text-slate-900">{value}</dd>
                </div>
              ))}
            </dl>
            {contactId && (
              <Link to="/p/$projectId/contacts/$contactId" params={{ projectId: project.id, contactId }} className="mt-4 inline-block text-sm font-medium text-blue-800 hover:underline">
                View contact
              </Link>
            )}
          </Card>
          <EmailTimelineCard email={m} />
          <EmailTrackingCard email={m} projectId={project.id} />
        </div>
        <div className="min-w-0 space-y-6">
          <Card title="Rendered message">
            {m.html ? (
              <SandboxedFrame html={m.html} title={`Rendered message: ${m.subject}`} />
            ) : (
              <p className="text-sm text-slate-700">The rendered HTML is not stored for this email. With the inbox transport, open it in the Dev Inbox.</p>
            )}
          </Card>
          {m.text && (
            <Card title="Text part">
              <pre className="max-h-96 overflow-auto text-xs whitespace-pre-wrap text-slate-900" tabIndex={0}>
                {m.text}
              </pre>
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}
