import { Link, useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { PageHeader } from '../../components/ui/page-header';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';

const TABS = [
  { key: 'api-keys', label: 'API Keys', to: '/p/$projectId/settings/api-keys' },
  { key: 'members', label: 'Members', to: '/p/$projectId/settings/members' },
  { key: 'project', label: 'Project', to: '/p/$projectId/settings/project' },
] as const;

/** Settings pages share a heading and a second-level navigation. */
export function SettingsLayout({ title, children }: { title: string; children: ReactNode }) {
  const { project } = useProject();
  usePageTitle(`${title} · Settings`);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  return (
    <div className="max-w-4xl">
      <PageHeader title="Settings" description={<>Settings of the project <strong>{project.name}</strong>.</>} />
      <nav aria-label="Settings" className="mb-6 border-b border-slate-200">
        <ul className="-mb-px flex flex-wrap gap-1">
          {TABS.map((tab) => {
            const current = pathname.endsWith(`/settings/${tab.key}`);
            return (
              <li key={tab.key}>
                <Link
                  to={tab.to}
                  params={{ projectId: project.id }}
                  aria-current={current ? 'page' : undefined}
                  className={`inline-block border-b-2 px-3 py-2 text-sm font-medium ${current ? 'border-blue-700 text-blue-800' : 'border-transparent text-slate-700 hover:text-slate-900'}`}
                >
                  {tab.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <h2 className="sr-only">{title}</h2>
      {children}
    </div>
  );
}
