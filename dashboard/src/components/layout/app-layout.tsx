import { Link, Navigate, Outlet, getRouteApi, useRouterState } from '@tanstack/react-router';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ProjectContext } from '../../features/projects/project-context';
import { setLastProject } from '../../lib/last-project';
import { isUnauthorized, useMe, useProjects } from '../../lib/session';
import { usePageTitle } from '../../lib/use-page-title';
import { buttonClass } from '../ui/button';
import { ErrorAlert } from '../ui/error-alert';
import { LoadingBlock } from '../ui/spinner';
import { ProjectSwitcher } from './project-switcher';
import { UserMenu } from './user-menu';

const route = getRouteApi('/p/$projectId');

type Section = 'contacts' | 'segments' | 'campaigns' | 'workflows' | 'templates' | 'emails' | 'domains' | 'suppressions' | 'inbox' | 'activity' | 'webhooks' | 'billing' | 'settings';
const NAV = [
  { section: 'contacts', label: 'Contacts', to: '/p/$projectId/contacts' },
  { section: 'segments', label: 'Segments', to: '/p/$projectId/segments' },
  { section: 'campaigns', label: 'Campaigns', to: '/p/$projectId/campaigns' },
  { section: 'workflows', label: 'Workflows', to: '/p/$projectId/workflows' },
  { section: 'templates', label: 'Templates', to: '/p/$projectId/templates' },
  { section: 'emails', label: 'Emails', to: '/p/$projectId/emails' },
  { section: 'domains', label: 'Domains', to: '/p/$projectId/domains' },
  { section: 'suppressions', label: 'Suppressions', to: '/p/$projectId/suppressions' },
  { section: 'inbox', label: 'Dev Inbox', to: '/p/$projectId/inbox' },
  { section: 'activity', label: 'Activity', to: '/p/$projectId/activity' },
  { section: 'webhooks', label: 'Webhooks', to: '/p/$projectId/webhooks' },
  { section: 'billing', label: 'Billing', to: '/p/$projectId/billing/consumption' },
  { section: 'settings', label: 'Settings', to: '/p/$projectId/settings/api-keys' },
] as const satisfies readonly { section: Section; label: string; to: string }[];

function Shell({ children, header }: { children: ReactNode; header?: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="flex h-14 items-center gap-3 px-4">
          <Link to="/" className="text-lg font-bold text-blue-800">
            Mailwright
          </Link>
          {header}
        </div>
      </header>
      <main id="main" className="mx-auto max-w-3xl p-4">
        {children}
      </main>
    </div>
  );
}

/** The signed-in frame of every /p/:projectId page: header, sidebar, project context. */
export function AppLayout() {
  const { projectId } = route.useParams();
  const me = useMe();
  const projects = useProjects(me.isSuccess);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const href = useRouterState({ select: (s) => s.location.href });
  const [navOpen, setNavOpen] = useState(false);
  const project = projects.data?.find((p) => p.id === projectId);
  usePageTitle(project ? null : projects.data ? 'Project not found' : 'Loading');

  useEffect(() => {
    if (project) setLastProject(project.id);
  }, [project]);
  useEffect(() => setNavOpen(false), [pathname]);

  const context = useMemo(() => (project && me.data ? { project, me: { id: me.data.id, email: me.data.email } } : null), [project, me.data]);

  if (isUnauthorized(me.error)) return <Navigate to="/login" search={{ next: href }} replace />;
  if (me.isError) return <Shell><ErrorAlert error={me.error} title="Could not load your account" onRetry={() => void me.refetch()} /></Shell>;
  if (projects.isError) return <Shell><ErrorAlert error={projects.error} title="Could not load your projects" onRetry={() => void projects.refetch()} /></Shell>;
  if (!me.data || !projects.data) return <Shell><LoadingBlock /></Shell>;
  if (!project || !context) {
    return (
      <Shell>
        <h1 className="text-2xl font-semibold text-slate-900">Project not found</h1>
        <p className="mt-2 text-sm text-slate-700">This project does not exist or you are not a member of it.</p>
        <Link to="/" className={buttonClass('primary', 'md', 'mt-4')}>
          Go to your projects
        </Link>
      </Shell>
    );
  }

  const active = pathname.split('/')[3] as Section | undefined;
  return (
    <ProjectContext.Provider value={context}>
      <div className="min-h-screen lg:flex lg:flex-col">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="sticky top-0 z-20 border-b border-slate-200 bg-white">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2 px-4 py-2.5">
            <button
              type="button"
              className={buttonClass('secondary', 'sm', 'lg:hidden')}
              aria-expanded={navOpen}
              aria-controls="main-nav"
              onClick={() => setNavOpen((v) => !v)}
            >
              {navOpen ? 'Close menu' : 'Menu'}
            </button>
            <Link to="/" className="text-lg font-bold text-blue-800">
              Mailwright
            </Link>
            <div className="order-last w-full sm:order-none sm:w-auto sm:pl-4">
              <ProjectSwitcher projects={projects.data} currentId={project.id} />
            </div>
            <div className="ml-auto">
              <UserMenu email={me.data.email} />
            </div>
          </div>
        </header>
        <div className="lg:flex lg:flex-1">
          <nav
            id="main-nav"
            aria-label="Main"
            className={`${navOpen ? 'block' : 'hidden'} border-b border-slate-200 bg-white lg:block lg:w-56 lg:shrink-0 lg:border-r lg:border-b-0`}
          >
            <ul className="flex flex-col gap-0.5 p-3">
              {NAV.map((item) => {
                const current = item.section === active;
                return (
                  <li key={item.section}>
                    <Link
                      to={item.to}
                      params={{ projectId: project.id }}
                      aria-current={current ? 'page' : undefined}
                      className={`block rounded-md px-3 py-2 text-sm font-medium ${current ? 'bg-blue-50 text-blue-800' : 'text-slate-700 hover:bg-slate-100 hover:text-slate-900'}`}
                    >
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
            {project.disabled && (
              <p className="mx-3 mb-3 rounded-md bg-amber-50 p-2 text-xs text-amber-900">This project is disabled: sending is paused.</p>
            )}
          </nav>
          <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-4 focus:outline-none sm:p-6 lg:p-8">
            <Outlet />
          </main>
        </div>
      </div>
    </ProjectContext.Provider>
  );
}
