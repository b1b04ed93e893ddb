import { useState } from 'react';
import { PageHeader } from '../../components/ui/page-header';
import { Tabs } from '../../components/ui/tabs';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { ActivityFeed } from './activity-feed';
import { ApiRequestsTable } from './api-requests-table';

type Tab = 'activity' | 'requests';

export function ActivityPage() {
  const { project } = useProject();
  const [tab, setTab] = useState<Tab>('activity');
  usePageTitle(tab === 'activity' ? 'Activity' : 'API requests · Activity');
  return (
    <div className="max-w-7xl">
      <PageHeader
        title="Activity"
        description="Who changed what in this project, and every API request. Search by request ID to trace a call end to end."
      />
      <Tabs
        label="Activity views"
        value={tab}
        onChange={setTab}
        items={[
          { key: 'activity', label: 'Activity' },
          { key: 'requests', label: 'API requests' },
        ]}
      >
        {tab === 'activity' ? <ActivityFeed projectId={project.id} /> : <ApiRequestsTable projectId={project.id} />}
      </Tabs>
    </div>
  );
}
