import { QueryClient } from '@tanstack/react-query';
import { Outlet, createRootRouteWithContext, createRoute, createRouter, redirect } from '@tanstack/react-router';
import { AppLayout } from './components/layout/app-layout';
import { ActivityPage } from './features/activity/activity-page';
import { ConsumptionPage } from './features/billing/consumption-page';
import { ForgotPasswordPage } from './features/auth/forgot-password-page';
import { LoginPage } from './features/auth/login-page';
import { ResetPasswordPage } from './features/auth/reset-password-page';
import { SignupPage } from './features/auth/signup-page';
import { CampaignEditorPage } from './features/campaigns/campaign-editor-page';
import { CampaignsPage } from './features/campaigns/campaigns-page';
import { ContactDetailPage } from './features/contacts/contact-detail-page';
import { ContactsPage } from './features/contacts/contacts-page';
import { DomainDetailPage } from './features/domains/domain-detail-page';
import { DomainsPage } from './features/domains/domains-page';
import { EmailDetailPage } from './features/emails/email-detail-page';
import { EmailsPage } from './features/emails/emails-page';
import { NotFoundPage } from './features/home/not-found-page';
import { RootRedirect } from './features/home/root-redirect';
import { InboxPage } from './features/inbox/inbox-page';
import { NewProjectPage } from './features/projects/new-project-page';
import { SegmentEditorPage } from './features/segments/segment-editor-page';
import { SegmentsPage } from './features/segments/segments-page';
import { ApiKeysPage } from './features/settings/api-keys-page';
import { MembersPage } from './features/settings/members-page';
import { ProjectSettingsPage } from './features/settings/project-settings-page';
import { SuppressionsPage } from './features/suppressions/suppressions-page';
import { TemplateEditorPage } from './features/templates/template-editor-page';
import { TemplatesPage } from './features/templates/templates-page';
import { ExecutionDetailPage } from './features/workflows/execution-detail-page';
import { WorkflowEditorPage } from './features/workflows/workflow-editor-page';
import { WorkflowsPage } from './features/workflows/workflows-page';
import { WebhooksPage } from './features/webhooks/webhooks-page';

// Code-based routes. Client paths never collide with API paths (/contacts, /auth, …): every
// project page lives under /p/:projectId, and the signed-out pages use names the API does not.

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

const indexRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: RootRedirect });

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  validateSearch: (s: Record<string, unknown>): { next?: string } => ({ next: str(s.next) }),
  component: LoginPage,
});

const signupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'signup',
  validateSearch: (s: Record<string, unknown>): { invite?: string; email?: string } => ({ invite: str(s.invite), email: str(s.email) }),
  component: SignupPage,
});

const forgotRoute = createRoute({ getParentRoute: () => rootRoute, path: 'forgot-password', component: ForgotPasswordPage });

const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'reset-password',
  validateSearch: (s: Record<string, unknown>): { token?: string } => ({ token: str(s.token) }),
  component: ResetPasswordPage,
});

const newProjectRoute = createRoute({ getParentRoute: () => rootRoute, path: 'new-project', component: NewProjectPage });

const projectRoute = createRoute({ getParentRoute: () => rootRoute, path: 'p/$projectId', component: AppLayout });

const child = <P extends string>(path: P) => ({ getParentRoute: () => projectRoute, path }) as const;

const projectIndexRoute = createRoute({
  ...child('/'),
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/p/$projectId/contacts', params, replace: true });
  },
});
const contactsRoute = createRoute({ ...child('contacts'), component: ContactsPage });
const contactRoute = createRoute({ ...child('contacts/$contactId'), component: ContactDetailPage });
const segmentsRoute = createRoute({ ...child('segments'), component: SegmentsPage });
// `segments/new` is this route with segmentId "new" (as templates/new is).
const segmentRoute = createRoute({ ...child('segments/$segmentId'), component: SegmentEditorPage });
const campaignsRoute = createRoute({ ...child('campaigns'), component: CampaignsPage });
// `campaigns/new` is this route with campaignId "new".
const campaignRoute = createRoute({ ...child('campaigns/$campaignId'), component: CampaignEditorPage });
const workflowsRoute = createRoute({ ...child('workflows'), component: WorkflowsPage });
const workflowRoute = createRoute({
  ...child('workflows/$workflowId'),
  validateSearch: (s: Record<string, unknown>): { tab?: 'executions' } => ({ tab: s.tab === 'executions' ? 'executions' : undefined }),
  component: WorkflowEditorPage,
});
const workflowExecutionRoute = createRoute({ ...child('workflows/$workflowId/executions/$executionId'), component: ExecutionDetailPage });
const templatesRoute = createRoute({ ...child('templates'), component: TemplatesPage });
const templateRoute = createRoute({ ...child('templates/$templateId'), component: TemplateEditorPage });
const emailsRoute = createRoute({ ...child('emails'), component: EmailsPage });
const emailRoute = createRoute({ ...child('emails/$emailId'), component: EmailDetailPage });
const domainsRoute = createRoute({ ...child('domains'), component: DomainsPage });
const domainRoute = createRoute({ ...child('domains/$domainId'), component: DomainDetailPage });
const suppressionsRoute = createRoute({
  ...child('suppressions'),
  validateSearch: (s: Record<string, unknown>): { search?: string } => ({ search: str(s.search) }),
  component: SuppressionsPage,
});
const inboxRoute = createRoute({ ...child('inbox'), component: InboxPage });
const activityRoute = createRoute({ ...child('activity'), component: ActivityPage });
const webhooksRoute = createRoute({ ...child('webhooks'), component: WebhooksPage });
const billingIndexRoute = createRoute({
  ...child('billing'),
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/p/$projectId/billing/consumption', params, replace: true });
  },
});
const consumptionRoute = createRoute({ ...child('billing/consumption'), component: ConsumptionPage });
const settingsIndexRoute = createRoute({
  ...child('settings'),
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/p/$projectId/settings/api-keys', params, replace: true });
  },
});
const apiKeysRoute = createRoute({ ...child('settings/api-keys'), component: ApiKeysPage });
const membersRoute = createRoute({ ...child('settings/members'), component: MembersPage });
const projectSettingsRoute = createRoute({ ...child('settings/project'), component: ProjectSettingsPage });

const routeTree = rootRoute.addChildren([
  indexRoute,
  loginRoute,
  signupRoute,
  forgotRoute,
  resetRoute,
  newProjectRoute,
  projectRoute.addChildren([
    projectIndexRoute,
    contactsRoute,
    contactRoute,
    segmentsRoute,
    segmentRoute,
    campaignsRoute,
    campaignRoute,
    workflowsRoute,
    workflowRoute,
    workflowExecutionRoute,
    templatesRoute,
    templateRoute,
    emailsRoute,
    emailRoute,
    domainsRoute,
    domainRoute,
    suppressionsRoute,
    inboxRoute,
    activityRoute,
    webhooksRoute,
    billingIndexRoute,
    consumptionRoute,
    settingsIndexRoute,
    apiKeysRoute,
    membersRoute,
    projectSettingsRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: false,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
