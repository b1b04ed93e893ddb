import type { ProjectWithKeys } from '../src/features/projects/projects.service.js';
import type { TestContext } from './context.js';

// Small HTTP helpers for the workflow API tests (features/workflows/*.test.ts).

type Body = Record<string, unknown>;

export function workflowApi(t: TestContext, p: ProjectWithKeys) {
  const api = {
    get: (url: string) => t.request('GET', url, { key: p.secretKey }),
    post: (url: string, body: Body = {}) => t.request('POST', url, { key: p.secretKey, body }),
    patch: (url: string, body: Body) => t.request('PATCH', url, { key: p.secretKey, body }),
    del: (url: string) => t.request('DELETE', url, { key: p.secretKey }),
    /** Creates an EVENT workflow; returns its JSON (steps[0] is the trigger). */
    async workflow(extra: Body = {}) {
      const res = await api.post('/workflows', { name: 'Onboarding', eventName: 'signed-up', ...extra });
      if (res.status !== 201) throw new Error(`create workflow: ${res.status} ${res.body}`);
      return res.json as { id: string; steps: { id: string; type: string; name: string; config: Body }[] } & Body;
    },
    /** Adds a step (no auto-connect unless asked); returns its id. */
    async step(workflowId: string, type: string, config: Body = {}, extra: Body = {}) {
      const res = await api.post(`/workflows/${workflowId}/steps`, { type, name: `${type} step`, position: { x: 0, y: 100 }, config, autoConnect: false, ...extra });
      if (res.status !== 201) throw new Error(`add ${type} step: ${res.status} ${res.body}`);
      return res.json.id as string;
    },
    connect: (workflowId: string, fromStepId: string, toStepId: string, extra: Body = {}) =>
      api.post(`/workflows/${workflowId}/transitions`, { fromStepId, toStepId, ...extra }),
    detail: async (workflowId: string) => (await api.get(`/workflows/${workflowId}`)).json,
  };
  return api;
}

export const DELAY = { amount: 1, unit: 'hours' };
export const CONDITION = { field: 'data.plan', operator: 'equals', value: 'pro' };
export const MULTI = {
  mode: 'multi',
  field: 'data.plan',
  branches: [
    { id: 'pro', name: 'Pro', operator: 'equals', value: 'pro' },
    { id: 'free', name: 'Free', operator: 'equals', value: 'free' },
  ],
};
