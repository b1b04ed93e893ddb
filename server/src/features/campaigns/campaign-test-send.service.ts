import { AppError } from '../../core/errors.js';
import { recordActivity } from '../activity/activity.service.js';
import { lookupContacts } from '../contacts/contact-list.service.js';
import { assertSenderAllowed } from '../emails/sender-policy.js';
import { acceptPreparedEmail } from '../emails/send.service.js';
import { isProjectMemberEmail } from '../projects/membership.service.js';
import { audit, getCampaign, type CampaignContext, type CampaignDeps } from './campaigns.service.js';

// POST /campaigns/:id/test (notes §3.4): one copy of the campaign to a project member, through the
// normal send pipeline at transactional priority, so it shows in the Dev Inbox like any email.

export const TEST_HEADER = 'X-Mailwright-Test';
export const TEST_SUBJECT_PREFIX = '[TEST] ';

/**
 * Renders as a real send would for the member's contact (a new contact is created unsubscribed, as
 * /v1/send does), with the subject prefixed, tracking off, and no campaign id, so it never counts in
 * the campaign's stats. A MARKETING campaign's footer and List-Unsubscribe come along when the
 * member's contact may receive marketing mail; otherwise the copy goes without them rather than being
 * held back by the marketing rules. An address on the suppression list is not sent to (SUPPRESSED).
 */
export async function sendCampaignTest(deps: CampaignDeps, ctx: CampaignContext, id: string, address: string) {
  const campaign = await getCampaign(deps.db, ctx.projectId, id);
  const email = address.trim().toLowerCase();
  if (!(await isProjectMemberEmail(deps.db, ctx.projectId, email))) {
    throw new AppError('FORBIDDEN', 'Test emails can only be sent to project members');
  }
  await assertSenderAllowed({ db: deps.db, config: deps.config }, ctx.project, campaign.fromEmail);

  const now = deps.clock.now();
  const contact = (await lookupContacts(deps.db, ctx.projectId, [email])).found[0]?.contact;
  const receivesMarketing = !!contact?.subscribed && !(contact.snoozedUntil && contact.snoozedUntil > now);
  const accepted = await acceptPreparedEmail(deps, ctx, {
    to: email,
    subject: TEST_SUBJECT_PREFIX + campaign.subject,
    body: campaign.body,
    from: { email: campaign.fromEmail, name: campaign.fromName ?? ctx.project.defaultFromName ?? ctx.project.name },
    replyTo: campaign.replyTo,
    headers: { [TEST_HEADER]: 'true' },
    marketing: campaign.type === 'MARKETING' && receivesMarketing,
    trackingOverride: false,
    summary: `Test of campaign "${campaign.name.slice(0, 100)}"`,
    metadata: { campaignId: campaign.id, test: true },
  });
  await recordActivity(deps.db, audit(ctx, 'campaign.test_sent', campaign, `Test of campaign "${campaign.name}" sent to ${email}`, { emailId: accepted.emailId, to: email }));
  return accepted;
}
