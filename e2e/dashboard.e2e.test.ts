import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditPage, launchBrowser, openPage, type AxeFinding, type CheckedPage } from './support/browser.js';
import { callApi } from './support/api.js';
import { startServer, type RunningServer } from './support/server.js';

// The issue's user journey, in order, in real Chromium against `npm start`'s server (embedded DB, Dev Inbox):
// sign up → create a project → reveal and copy the secret key → send with it → Emails and Dev Inbox →
// regenerate keys → the old key is refused → Activity shows the send and the rotation with request ids.

const EMAIL = 'owner@acme.test';
const PASSWORD = 'correct horse battery staple';

let server: RunningServer;
let browser: Browser;
let tab: CheckedPage;
let page: Page;
let projectId = '';
let firstSecret = '';
let sendRequestId = '';
let rotateRequestId = '';
let currentSecret = '';
const findings: AxeFinding[] = [];

const url = (path: string) => `/p/${projectId}/${path}`;
async function audit(name: string) {
  findings.push(...(await auditPage(page, name)));
}
const api = (method: string, path: string, key: string, body?: unknown) => callApi(server.url, method, path, key, body);

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  tab = await openPage(browser, server.url);
  page = tab.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

afterEach(() => tab.assertNoConsoleErrors());

describe('the first visit', () => {
  it('sends a new instance to sign up, and the first account lands in the dashboard', async () => {
    await page.goto('/');
    await page.waitForURL(/\/signup/);
    await audit('signup');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    // The instance owner adopts the seeded demo project.
    await page.waitForURL(/\/p\/[0-9a-f-]{36}\//);
  });

  it('creates a project from the project switcher', async () => {
    await page.getByLabel('Project').selectOption({ label: '+ Create project…' });
    await page.waitForURL(/\/new-project/);
    await audit('new-project');
    await page.getByLabel('Project name').fill('Acme Shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/p\/[0-9a-f-]{36}\/settings\/api-keys/);
    projectId = /\/p\/([0-9a-f-]{36})\//.exec(page.url())![1];
    await expect(page.getByLabel('Project').inputValue()).resolves.toBe(projectId);
  });
});

describe('Settings → API Keys', () => {
  it('shows both keys masked, reveals and copies the secret key', async () => {
    const masked = await page.getByTestId('secret-key').textContent();
    expect(masked).toMatch(/^sk_/);
    expect(masked).toContain('•');
    await audit('settings-api-keys');
    await page.getByRole('button', { name: 'Reveal secret key' }).click();
    firstSecret = (await page.getByTestId('secret-key').textContent())!.trim();
    expect(firstSecret).toMatch(/^sk_[0-9A-Za-z]{40,}$/);
    await page.getByRole('button', { name: 'Copy secret key' }).click();
    await page.getByText('Copied').first().waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstSecret);
  });

  it('sends an email with the copied key, which shows in Emails and in the Dev Inbox', async () => {
    const sent = await api('POST', '/v1/send', firstSecret, { to: 'ada@example.com', from: 'hello@acme.test', subject: 'Welcome to Acme', body: '<p>Hello Ada</p>' });
    expect(sent.status, JSON.stringify(sent.json)).toBe(200);
    sendRequestId = sent.requestId;

    await page.goto(url('emails'));
    const row = page.getByRole('row').filter({ hasText: 'Welcome to Acme' });
    await row.waitFor();
    await expect.poll(async () => {
      await page.reload();
      return page.getByRole('row').filter({ hasText: 'Welcome to Acme' }).textContent();
    }, { timeout: 20_000 }).toContain('Sent');
    await audit('emails');
    await page.getByRole('link', { name: 'Welcome to Acme' }).click();
    await page.waitForURL(/\/emails\/[0-9a-f-]{36}/);
    await page.getByText('ada@example.com').first().waitFor();
    await audit('email-detail');

    await page.goto(url('inbox'));
    await page.getByText('Welcome to Acme').first().waitFor();
    await audit('dev-inbox');
  });

  it('regenerates both keys behind a confirmation; the old key stops working at once', async () => {
    await page.goto(url('settings/api-keys'));
    await page.getByRole('button', { name: 'Regenerate keys' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.textContent()).resolves.toMatch(/both keys/i);
    await expect(dialog.textContent()).resolves.toMatch(/immediately/i);
    await audit('settings-api-keys-regenerate-dialog');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/regenerate-keys')),
      dialog.getByRole('button', { name: 'Regenerate both keys' }).click(),
    ]);
    rotateRequestId = response.headers()['x-request-id'];
    await dialog.waitFor({ state: 'hidden' });
    if (await page.getByRole('button', { name: 'Reveal secret key' }).isVisible()) await page.getByRole('button', { name: 'Reveal secret key' }).click();
    const newSecret = (await page.getByTestId('secret-key').textContent())!.trim();
    expect(newSecret).toMatch(/^sk_/);
    expect(newSecret).not.toBe(firstSecret);

    const old = await api('GET', '/contacts', firstSecret);
    expect(old.status).toBe(401);
    expect(old.json.error.code).toBe('INVALID_API_KEY');
    expect((await api('GET', '/contacts', newSecret)).status).toBe(200);
    currentSecret = newSecret;
  });
});

describe('the Activity tab', () => {
  it('shows the send and the key rotation, each with its request id', async () => {
    await page.goto(url('activity'));
    const feed = page.getByRole('table', { name: 'Activity' });
    await feed.waitFor();
    // One request can write several entries (the send also created the contact): all carry its id.
    const sendRow = feed.getByRole('row').filter({ hasText: 'email.queued' });
    await expect(sendRow.getByRole('button', { name: `Copy request ID ${sendRequestId}` }).count()).resolves.toBe(1);
    const rotationRow = feed.getByRole('row').filter({ has: page.getByRole('button', { name: `Copy request ID ${rotateRequestId}` }) });
    await expect(rotationRow.textContent()).resolves.toContain('keys.rotated');
    await expect(rotationRow.textContent()).resolves.toContain(EMAIL);
    await audit('activity');

    await page.getByRole('textbox', { name: 'Request ID' }).fill(sendRequestId);
    await expect.poll(() => feed.textContent()).not.toContain('keys.rotated');
    await expect(feed.textContent()).resolves.toContain('email.queued');
    await page.getByRole('tab', { name: /API requests/i }).click();
    await page.getByRole('table', { name: 'API requests' }).getByText('/v1/send').first().waitFor();
    await audit('activity-api-requests');
  });
});

describe('every other page', () => {
  it('renders contacts, a contact, templates, a template, members and project settings', async () => {
    const contact = await api('POST', '/contacts', currentSecret, { email: 'grace@example.com', subscribed: true, data: { plan: 'pro' } });
    expect(contact.status, JSON.stringify(contact.json)).toBeLessThan(300);
    const template = await api('POST', '/templates', currentSecret, { name: 'Welcome', subject: 'Hi {{name}}', body: '<h1>Hello</h1><p>Thanks for joining.</p>', from: 'hello@acme.test', type: 'TRANSACTIONAL' });
    expect(template.status, JSON.stringify(template.json)).toBeLessThan(300);
    const domain = await api('POST', '/domains', currentSecret, { domain: 'mail.acme-shop.com' });
    expect(domain.status, JSON.stringify(domain.json)).toBeLessThan(300);
    const suppression = await api('POST', '/suppression-list', currentSecret, { email: 'bounced@example.com', reason: 'HARD_BOUNCE' });
    expect(suppression.status, JSON.stringify(suppression.json)).toBeLessThan(300);
    const contactId = contact.json.id ?? contact.json.data?.id;
    const templateId = template.json.id ?? template.json.data?.id;
    for (const [name, path] of [
      ['contacts', 'contacts'],
      ['contact-detail', `contacts/${contactId}`],
      ['templates', 'templates'],
      ['template-editor', `templates/${templateId}`],
      ['template-editor-new', 'templates/new'],
      ['settings-members', 'settings/members'],
      ['settings-project', 'settings/project'],
      ['domains', 'domains'],
      ['domain-detail', `domains/${domain.json.id}`],
      ['suppressions', 'suppressions'],
      ['billing-consumption', 'billing/consumption'],
      ['webhooks', 'webhooks'],
    ] as const) {
      await page.goto(url(path));
      await page.getByRole('main').waitFor();
      await audit(name);
    }
    // The template preview renders in a sandbox that allows nothing (no scripts, no same-origin).
    await page.goto(url(`templates/${templateId}`));
    const frame = page.locator('iframe').first();
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
  });

  it('imports contacts from a CSV file with a progress bar, and finds them by search', async () => {
    await page.goto(url('contacts'));
    await page.getByRole('button', { name: 'Import CSV' }).first().click();
    const rows = Array.from({ length: 120 }, (_, i) => `import${i}@example.com,${i % 2 === 0 ? 'true' : 'false'},Plan ${i}`);
    await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(['email,subscribed,plan', ...rows].join('\n')) });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.getByRole('progressbar').or(page.locator('progress')).first().waitFor();
    await page.getByText('Import finished').waitFor({ timeout: 30_000 });
    await audit('contacts-import-finished');
    await page.keyboard.press('Escape');
    await page.getByRole('searchbox').or(page.getByLabel(/search/i)).first().fill('import7');
    await page.getByText('import77@example.com').waitFor();
  });

  it('builds a dynamic segment with a live count, saves it, and lists it with its member count', async () => {
    await page.goto(url('segments'));
    await page.getByText('No segments yet').waitFor();
    await audit('segments-empty');
    await page.getByRole('main').getByRole('link', { name: 'New segment' }).first().click();
    await page.waitForURL(/\/segments\/new$/);
    const field = page.getByLabel('Field for filter 1 of group 1');
    await field.waitFor();
    await audit('segment-editor-new');

    await page.getByLabel('Name', { exact: true }).fill('Import ones');
    await field.selectOption('email');
    await page.getByLabel('Operator for filter 1 of group 1').selectOption('contains');
    await page.getByLabel('Value for filter 1 of group 1').fill('import1');
    // import1, import10–19, import100–119: the server's own count of the same condition agrees.
    const condition = { logic: 'AND', groups: [{ filters: [{ field: 'email', operator: 'contains', value: 'import1' }] }] };
    const preview = await api('POST', '/segments/preview', currentSecret, { condition });
    expect(preview.status, JSON.stringify(preview.json)).toBe(200);
    expect(preview.json.count).toBe(31);
    const liveCount = page.getByTestId('segment-live-count');
    await expect.poll(() => liveCount.textContent(), { timeout: 15_000 }).toContain('31 contacts match');
    await page.getByRole('list', { name: 'Sample of matching contacts' }).getByText(/^import1\d*@example\.com$/).first().waitFor();
    await audit('segment-editor-live-count');

    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.waitForURL(/\/segments\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Import ones', level: 1 }).waitFor();
    await expect(page.getByTestId('segment-member-count').textContent()).resolves.toBe('31');
    await page.getByRole('table', { name: 'Members of Import ones' }).getByText('@example.com').first().waitFor();
    await audit('segment-detail');

    await page.getByRole('link', { name: 'Segments', exact: true }).click();
    await page.waitForURL(/\/segments$/);
    const row = page.getByRole('row').filter({ hasText: 'Import ones' });
    await row.waitFor();
    await expect(row.getByTestId('segment-member-count').textContent()).resolves.toBe('31');
    await expect(row.textContent()).resolves.toContain('Dynamic');
    await audit('segments');
  });

  it('manages the members of a static segment', async () => {
    const created = await api('POST', '/segments', currentSecret, { name: 'Beta testers', type: 'STATIC' });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    await page.goto(url(`segments/${created.json.id}`));
    await page.getByText('No members yet').waitFor();
    await page.getByLabel('Email addresses').fill('import5@example.com, import6@example.com\nnobody@example.com');
    await page.getByRole('button', { name: 'Add to segment' }).click();
    await page.getByText('2 added').waitFor();
    await page.getByText('nobody@example.com', { exact: false }).first().waitFor();
    const members = page.getByRole('table', { name: 'Members of Beta testers' });
    await members.getByText('import6@example.com').waitFor();
    await audit('segment-detail-static');
    await members.getByRole('button', { name: 'Remove import6@example.com from the segment' }).click();
    await expect.poll(() => members.textContent()).not.toContain('import6@example.com');
    await expect.poll(() => page.getByTestId('segment-member-count').textContent()).toBe('1');
  });

  it('creates a campaign for the dynamic segment, sends it, and shows its stats', async () => {
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.waitForURL(/\/campaigns$/);
    await page.getByText('No campaigns yet').waitFor();
    await audit('campaigns-empty');
    await page.getByRole('main').getByRole('link', { name: 'New campaign' }).first().click();
    await page.waitForURL(/\/campaigns\/new$/);
    await page.getByLabel('Campaign name').waitFor();
    await audit('campaign-editor-new');
    expect(await page.locator('iframe').first().getAttribute('sandbox')).toBe('');

    await page.getByLabel('Campaign name').fill('November news');
    await page.getByLabel('Subject').fill('What is new in November');
    await page.getByLabel('From email').fill('news@acme.test');
    await page.getByLabel('From name').fill('Acme');
    await page.getByRole('radio', { name: /A segment/ }).check();
    await page.getByLabel('Segment', { exact: true }).selectOption({ label: 'Import ones' });
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const campaignId = page.url().split('/').pop()!;

    // import1, import10–19, import100–119 match; only the even-numbered import addresses are subscribed.
    const saved = await api('GET', `/campaigns/${campaignId}`, currentSecret);
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    const total: number = saved.json.data.totalRecipients;
    expect(total).toBe(15);
    const recipients = page.getByTestId('campaign-recipients');
    await expect.poll(() => recipients.textContent()).toContain(`${total} recipients in the saved audience`);
    await page.getByTestId('campaign-status').getByText('Draft').waitFor();
    await audit('campaign-editor-draft');

    await page.getByRole('button', { name: 'Send test' }).click();
    const testDialog = page.getByRole('dialog', { name: 'Send a test email' });
    await expect(testDialog.getByLabel('Send to').inputValue()).resolves.toBe(EMAIL);
    await testDialog.getByRole('button', { name: 'Send test' }).click();
    await page.getByText(`Test email sent to ${EMAIL}`).waitFor();

    await page.getByRole('button', { name: 'Send now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this campaign now?' });
    await dialog.waitFor();
    await expect(dialog.getByTestId('send-confirm-count').textContent()).resolves.toContain(`${total} recipients`);
    await audit('campaign-send-dialog');
    await dialog.getByRole('button', { name: `Send to ${total} recipients` }).click();

    await expect.poll(() => page.getByTestId('campaign-status').first().textContent(), { timeout: 60_000 }).toBe('Sent');
    await page.getByTestId('stat-sent').getByText(`${total}`, { exact: false }).first().waitFor();
    await page.getByRole('tab', { name: 'Bounced' }).waitFor();
    await audit('campaign-stats');

    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.waitForURL(/\/campaigns$/);
    const row = page.getByRole('row').filter({ hasText: 'November news' });
    await row.waitFor();
    await expect(row.getByTestId('campaign-status').textContent()).resolves.toBe('Sent');
    await expect(row.getByTestId('campaign-recipient-count').textContent()).resolves.toBe(String(total));
    await audit('campaigns');
  });

  it('logs out, and the signed-out pages render', async () => {
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await audit('login');
    await page.goto('/forgot-password');
    await audit('forgot-password');
    await page.goto('/reset-password?token=0000');
    await audit('reset-password');
    await page.goto('/login');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/p\/[0-9a-f-]{36}\//);
  });

  it('has no serious or critical accessibility findings on any page, at 1280 px and 390 px', () => {
    expect(findings).toEqual([]);
  });
});
