import { request } from './client';

export const BILLING_CATEGORIES = ['transactional', 'campaign', 'workflow', 'inbound'] as const;
export type BillingCategory = (typeof BILLING_CATEGORIES)[number];

export type CategoryUsage = Record<BillingCategory, number>;

export interface Consumption {
  period: { key: string; start: string; end: string };
  usage: CategoryUsage & { total: number };
  daily: (CategoryUsage & { date: string })[];
}

export interface LimitEntry {
  limit: number | null;
  usage: number;
  percentage: number;
  isWarning: boolean;
  isBlocked: boolean;
}

export type BillingLimits = Record<BillingCategory, LimitEntry>;
export type LimitsInput = Partial<Record<BillingCategory, number | null>>;

const base = (id: string) => `/users/@me/projects/${encodeURIComponent(id)}`;

export const getConsumption = (id: string, period?: string) => request<Consumption>(`${base(id)}/billing-consumption`, { query: { period } });

export const getLimits = (id: string) => request<BillingLimits>(`${base(id)}/billing-limits`);

/** Owners and admins; null removes a limit, an omitted category keeps its limit. */
export const putLimits = (id: string, body: LimitsInput) => request<BillingLimits>(`${base(id)}/billing-limits`, { method: 'PUT', body });
