import { request } from './client';
import type { FilterCondition } from './types';

export const CAMPAIGN_STATUSES = ['DRAFT', 'SCHEDULED', 'SENDING', 'SENT', 'CANCELLED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type CampaignType = 'MARKETING' | 'TRANSACTIONAL';
export type AudienceType = 'ALL' | 'SEGMENT' | 'FILTERED';

export interface Campaign {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  subject: string;
  body: string;
  from: string;
  fromName: string | null;
  replyTo: string | null;
  templateId: string | null;
  type: CampaignType;
  audienceType: AudienceType;
  segmentId: string | null;
  segment: { id: string; name: string } | null;
  audienceCondition: FilterCondition | null;
  status: CampaignStatus;
  scheduledFor: string | null;
  sentAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  totalRecipients: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CampaignInput {
  name: string;
  description?: string | null;
  subject: string;
  body: string;
  from: string;
  fromName?: string | null;
  replyTo?: string | null;
  type: CampaignType;
  audienceType: AudienceType;
  segmentId?: string | null;
  audienceCondition?: FilterCondition | null;
}

export interface CampaignStats {
  totalRecipients: number;
  sentCount: number;
  deliveredCount: number;
  openedCount: number;
  humanOpenedCount: number;
  clickedCount: number;
  humanClickedCount: number;
  bouncedCount: number;
  complainedCount: number;
  unsubscribedCount: number;
  suppressedCount: number;
  failedCount: number;
  openRate: number;
  humanOpenRate: number;
  clickRate: number;
  humanClickRate: number;
  bounceRate: number;
  deliveryRate: number;
  complaintRate: number;
  unsubscribeRate: number;
}

export interface CampaignRecipient {
  emailId: string;
  contactId: string;
  email: string;
  status: string;
  reason: string | null;
  bounceType: string | null;
  occurredAt: string;
}

export interface CampaignPage {
  data: Campaign[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

const one = (id: string) => `/campaigns/${encodeURIComponent(id)}`;
const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

export const listCampaigns = (projectId: string, q: { page: number; pageSize: number; status?: CampaignStatus; search?: string }) =>
  request<CampaignPage>('/campaigns', { projectId, query: q });

export const getCampaign = (projectId: string, id: string) => data(request<{ data: Campaign }>(one(id), { projectId }));

export const createCampaign = (projectId: string, body: CampaignInput) => data(request<{ data: Campaign }>('/campaigns', { method: 'POST', body, projectId }));

export const updateCampaign = (projectId: string, id: string, body: Partial<CampaignInput>) =>
  data(request<{ data: Campaign }>(one(id), { method: 'PUT', body, projectId }));

export const deleteCampaign = (projectId: string, id: string) => request<unknown>(one(id), { method: 'DELETE', projectId });

export const duplicateCampaign = (projectId: string, id: string) => data(request<{ data: Campaign }>(`${one(id)}/duplicate`, { method: 'POST', body: {}, projectId }));

/** Without `scheduledFor` the campaign is sent now. */
export const sendCampaign = (projectId: string, id: string, scheduledFor?: string) =>
  data(request<{ data: Campaign }>(`${one(id)}/send`, { method: 'POST', body: scheduledFor ? { scheduledFor } : {}, projectId }));

export const cancelCampaign = (projectId: string, id: string) => data(request<{ data: Campaign }>(`${one(id)}/cancel`, { method: 'POST', body: {}, projectId }));

export const testCampaign = (projectId: string, id: string, email: string) =>
  request<{ message: string; data: { emailId: string; status: string; reason: string | null } }>(`${one(id)}/test`, { method: 'POST', body: { email }, projectId });

export const getCampaignStats = (projectId: string, id: string) => data(request<{ data: CampaignStats }>(`${one(id)}/stats`, { projectId }));

export const listCampaignRecipients = (projectId: string, id: string, type: 'bounced' | 'complained' | 'all', limit = 50) =>
  request<{ data: CampaignRecipient[]; total: number; hasMore: boolean; cursor: string | null }>(`${one(id)}/recipients`, { projectId, query: { type, limit } });

export const campaignKeys = {
  list: (projectId: string) => ['campaigns', projectId] as const,
  one: (projectId: string, id: string) => ['campaign', projectId, id] as const,
  stats: (projectId: string, id: string) => ['campaign-stats', projectId, id] as const,
  recipients: (projectId: string, id: string, type: string) => ['campaign-recipients', projectId, id, type] as const,
};
