import type { BillingCategory } from '../../api/billing';

export const CATEGORY_LABEL: Record<BillingCategory, string> = {
  transactional: 'Transactional',
  campaign: 'Campaigns',
  workflow: 'Workflows',
  inbound: 'Inbound',
};

/** Bar colours per category (dark enough against white for the 3:1 non-text contrast rule). */
export const CATEGORY_COLOR: Record<BillingCategory, string> = {
  transactional: 'bg-blue-700',
  campaign: 'bg-purple-700',
  workflow: 'bg-teal-700',
  inbound: 'bg-slate-600',
};
