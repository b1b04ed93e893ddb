import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { getKeys, regenerateKeys } from '../../api/projects';
import type { ProjectKeys } from '../../api/types';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { useToast } from '../../components/ui/toast';
import { formatDateTime } from '../../lib/format';
import { useConfig } from '../../lib/session';
import { canManage, useProject } from '../projects/project-context';
import { KeyRow, maskKey } from './key-row';
import { SettingsLayout } from './settings-layout';

export function ApiKeysPage() {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const toast = useToast();
  const config = useConfig();
  const [confirming, setConfirming] = useState(false);
  const [justRotated, setJustRotated] = useState(false);
  const keysKey = ['keys', project.id];
  const keys = useQuery({ queryKey: keysKey, queryFn: () => getKeys(project.id) });
  const regenerate = useMutation({
    mutationFn: () => regenerateKeys(project.id),
    onSuccess: (fresh) => {
      queryClient.setQueryData<ProjectKeys>(keysKey, { public: fresh.public, secret: fresh.secret, rotatedAt: new Date().toISOString() });
      setConfirming(false);
      setJustRotated(true);
      toast.show('New API keys generated. The old keys no longer work.');
    },
  });
  const allowed = canManage(project.role);
  const base = config.data?.publicUrl?.replace(/\/$/, '') || window.location.origin;

  return (
    <SettingsLayout title="API Keys">
      <div className="space-y-6">
        <Card title="API keys">
          <p className="mb-4 text-sm text-slate-700">
            Every project has exactly two keys. Send them as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>; the project is derived from
            the key.
          </p>
          {keys.isPending ? (
            <LoadingBlock label="Loading keys…" />
          ) : keys.isError ? (
            <ErrorAlert error={keys.error} title="Could not load the API keys" onRetry={() => void keys.refetch()} />
          ) : (
            <>
              {justRotated && (
                <div role="status" className="mb-4 rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                  New keys generated. Update every consumer (backend environment variables, client bundles, integrations) with the keys below.
                </div>
              )}
              <div className="divide-y divide-slate-200">
                <KeyRow kind="public" value={keys.data.public} />
                <KeyRow kind="secret" value={keys.data.secret} />
              </div>
              {keys.data.rotatedAt && <p className="mt-4 text-xs text-slate-700">Last regenerated {formatDateTime(keys.data.rotatedAt)}.</p>}
            </>
          )}
        </Card>

        <Card title="Example request">
          <pre className="overflow-x-auto rounded-md bg-slate-900 p-4 text-xs leading-relaxed text-slate-100" tabIndex={0} aria-label="Example request using the secret key">
            {`curl ${base}/v1/send \\
  -H "Authorization: Bearer ${keys.data ? maskKey(keys.data.secret) : 'sk_…'}" \\
  -H "Content-Type: application/json" \\
  -d '{ "to": "user@example.com", "subject": "Hello", "body": "<p>Hi</p>" }'`}
          </pre>
        </Card>

        <Card title="Regenerate keys">
          <p className="text-sm text-slate-700">
            Regenerating replaces <strong>both</strong> keys at once. The old keys stop working immediately, with no grace period. If a key leaked, regenerate now,
            then review the{' '}
            <Link to="/p/$projectId/activity" params={{ projectId: project.id }} className="font-medium text-blue-800 underline">
              Activity
            </Link>{' '}
            log for requests you do not recognise.
          </p>
          {allowed ? (
            <Button variant="danger" className="mt-4" onClick={() => setConfirming(true)} disabled={!keys.data}>
              Regenerate keys
            </Button>
          ) : (
            <p className="mt-4 text-sm font-medium text-slate-800">Only project owners and admins can regenerate keys.</p>
          )}
        </Card>
      </div>

      <ConfirmDialog
        open={confirming}
        onClose={() => {
          setConfirming(false);
          regenerate.reset();
        }}
        onConfirm={() => regenerate.mutate()}
        busy={regenerate.isPending}
        title="Regenerate both API keys?"
        confirmLabel="Regenerate both keys"
        description={
          <>
            <p>
              The current public <strong>and</strong> secret keys stop working immediately. Every consumer (your backend environment variables, client-side
              bundles and third-party integrations) must be updated with the new keys, or its requests will fail.
            </p>
            <p className="mt-2">This cannot be undone.</p>
          </>
        }
      >
        {regenerate.isError && <ErrorAlert error={regenerate.error} title="Could not regenerate the keys" />}
      </ConfirmDialog>
    </SettingsLayout>
  );
}
