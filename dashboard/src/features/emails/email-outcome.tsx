import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { EmailDetail } from '../../api/types';
import { Card } from '../../components/ui/page-header';
import { formatDateTime, formatNumber } from '../../lib/format';

const suppressionLink = (projectId: string, email: string, text: string) => (
  <Link to="/p/$projectId/suppressions" params={{ projectId }} search={{ search: email }} className="font-medium text-blue-800 underline">
    {text}
  </Link>
);

const OUTCOME_STATUSES = new Set(['SUPPRESSED', 'BOUNCED', 'COMPLAINED', 'FAILED']);

/** Whether EmailOutcomeAlert shows this email (it then carries the reason). */
export const hasOutcomeAlert = (m: Pick<EmailDetail, 'status'>) => OUTCOME_STATUSES.has(m.status);

/** A callout for emails that did not reach the inbox (or drew a complaint): what happened, why, what next. */
export function EmailOutcomeAlert({ email: m, projectId }: { email: EmailDetail; projectId: string }) {
  let tone = 'border-red-300 bg-red-50 text-red-900';
  let title: string;
  let body: ReactNode;
  switch (m.status) {
    case 'SUPPRESSED':
      tone = 'border-purple-300 bg-purple-50 text-purple-950';
      title = 'Not sent: the recipient is on the suppression list';
      body = (
        <>
          Mailwright never hands mail for a suppressed address to a mail server. {suppressionLink(projectId, m.to, 'See the entry on the suppression list')} to learn
          why it is listed, or remove it there if the recipient wants your mail again.
        </>
      );
      break;
    case 'BOUNCED':
      title = `Bounced${m.bounceType ? ` (${m.bounceType.toLowerCase()})` : ''}${m.bouncedAt ? ` on ${formatDateTime(m.bouncedAt)}` : ''}`;
      body = (
        <>
          The receiving server refused this email. Hard bounces (the address does not exist) put the address on the{' '}
          {suppressionLink(projectId, m.to, 'suppression list')} so it is not mailed again.
        </>
      );
      break;
    case 'COMPLAINED':
      tone = 'border-amber-300 bg-amber-50 text-amber-950';
      title = `Marked as spam by the recipient${m.complainedAt ? ` on ${formatDateTime(m.complainedAt)}` : ''}`;
      body = (
        <>
          The email was delivered, then reported as spam. The address is now on the {suppressionLink(projectId, m.to, 'suppression list')}; complaints weigh
          heavily on your sender reputation.
        </>
      );
      break;
    case 'FAILED':
      title = `Delivery failed${m.failedAt ? ` on ${formatDateTime(m.failedAt)}` : ''}`;
      body = <>Mailwright gave up after {m.attempts ?? 'several'} attempt{m.attempts === 1 ? '' : 's'}. The reason below comes from the mail server or the transport.</>;
      break;
    default:
      return null;
  }
  return (
    <div className={`mb-6 rounded-md border p-4 text-sm ${tone}`}>
      <p className="font-semibold">{title}</p>
      <p className="mt-1">{body}</p>
      {m.reason && (
        <p className="mt-2 break-words">
          <span className="font-semibold">Reason:</span> {m.reason}
        </p>
      )}
    </div>
  );
}

/** Every moment the email went through, oldest first (only those that happened). */
export function EmailTimelineCard({ email: m }: { email: EmailDetail }) {
  const steps: [string, string | null | undefined][] = [
    ['Created', m.createdAt],
    ['Sent', m.sentAt],
    ['Delivered', m.deliveredAt],
    ['First opened', m.openedAt],
    ['First clicked', m.clickedAt],
    ['Bounced', m.bouncedAt],
    ['Marked as spam', m.complainedAt],
    ['Failed', m.failedAt],
  ];
  const happened = steps
    .filter((s): s is [string, string] => typeof s[1] === 'string' && s[1] !== '')
    .sort((a, b) => new Date(a[1]).getTime() - new Date(b[1]).getTime());
  return (
    <Card title="Timeline">
      <ol className="space-y-2 text-sm">
        {happened.map(([label, at]) => (
          <li key={label} className="flex flex-wrap justify-between gap-x-3">
            <span className="font-medium text-slate-700">{label}</span>
            <time dateTime={at} className="text-slate-900">
              {formatDateTime(at)}
            </time>
          </li>
        ))}
      </ol>
    </Card>
  );
}

const hasTracking = (m: EmailDetail) => typeof m.opens === 'number' || typeof m.clicks === 'number';

/** Opens and clicks: totals include machine hits, human counts and first timestamps do not. */
export function EmailTrackingCard({ email: m, projectId }: { email: EmailDetail; projectId: string }) {
  // Nothing to track on mail that never left (suppressed, or failed before any open).
  if (!hasTracking(m) || ((m.status === 'SUPPRESSED' || m.status === 'FAILED') && !m.opens && !m.clicks)) return null;
  const none = !m.opens && !m.clicks;
  const stat = (label: string, human: number | undefined, total: number | undefined, first: string | null | undefined, firstLabel: string) => (
    <div className="rounded-md border border-slate-200 p-3">
      <dt className="text-xs font-semibold tracking-wide text-slate-700 uppercase">{label}</dt>
      <dd className="mt-1">
        <span className="text-2xl font-semibold text-slate-900">{formatNumber(human ?? 0)}</span> <span className="text-sm text-slate-700">human</span>
        <p className="text-xs text-slate-700">{formatNumber(total ?? 0)} in total, machines included</p>
        <p className="mt-1 text-xs text-slate-700">
          {firstLabel}: {first ? formatDateTime(first) : '—'}
        </p>
      </dd>
    </div>
  );
  return (
    <Card title="Opens and clicks">
      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-1">
        {stat('Opens', m.humanOpens, m.opens, m.openedAt, 'First human open')}
        {stat('Clicks', m.humanClicks, m.clicks, m.clickedAt, 'First human click')}
      </dl>
      <p className="mt-3 text-xs text-slate-700">
        Totals include machine hits (privacy proxies such as Apple Mail, link scanners, prefetching); human counts leave them out.
        {none && (
          <>
            {' '}
            Nothing recorded yet. If tracking is off for this kind of email, see{' '}
            <Link to="/p/$projectId/settings/project" params={{ projectId }} className="font-medium text-blue-800 underline">
              Settings → Project → Sending
            </Link>
            .
          </>
        )}
      </p>
    </Card>
  );
}
