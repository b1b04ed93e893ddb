import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { contactToken } from '../../core/contact-token.js';
import { emails } from '../../db/schema/index.js';

// What the worker puts into the MIME message: attachments, inline parts, template rendering.

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let t: TestContext;
beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url, PUBLIC_URL: 'https://mail.acme.test/' } });
  await t.startWorker();
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const send = (body: unknown) => t.request('POST', '/v1/send', { body });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const delivered = async (res: { json: any }) => {
  const id = res.json.data.emails[0].email as string;
  const email = await waitFor(async () => {
    const r = await t.request('GET', `/emails/${id}`);
    return ['SENT', 'FAILED'].includes(r.json.status) ? r.json : null;
  }, 20_000, `email ${id}`);
  expect(email.status, email.reason).toBe('SENT');
  return { id, message: sink.messages.find((m) => m.parsed.messageId === email.messageId)! };
};

describe('attachments in the delivered message', () => {
  it('delivers attachment bytes intact and inline parts with their Content-ID', async () => {
    const binary = randomBytes(300_000);
    const png = randomBytes(2_000);
    const res = await send({
      to: 'files@example.com',
      subject: 'Your files',
      body: '<p>Logo: <img src="cid:logo@acme"></p>',
      attachments: [
        { filename: 'report 2024.bin', content: binary.toString('base64'), contentType: 'application/octet-stream' },
        { filename: 'logo.png', content: png.toString('base64'), contentType: 'image/png', contentId: 'logo@acme', disposition: 'inline' },
      ],
    });
    expect(res.status).toBe(200);
    const { id, message } = await delivered(res);
    const parts = message.parsed.attachments;
    expect(parts).toHaveLength(2);

    const file = parts.find((a) => a.filename === 'report 2024.bin')!;
    expect(file.contentType).toBe('application/octet-stream');
    expect(file.contentDisposition).toBe('attachment');
    expect(sha256(file.content)).toBe(sha256(binary));

    const logo = parts.find((a) => a.filename === 'logo.png')!;
    expect(logo.contentType).toBe('image/png');
    expect(logo.contentDisposition).toBe('inline');
    expect(logo.cid).toBe('logo@acme');
    expect(sha256(logo.content)).toBe(sha256(png));
    expect(message.raw).toMatch(/Content-Id: <logo@acme>/i);
    expect(message.parsed.html).toContain('Logo:');

    // The stored copy is dropped once the message has been handed over.
    const [row] = await t.deps.db.select().from(emails).where(eq(emails.id, id));
    expect(row.attachments).toBeNull();
  });
});

describe('rendering templates in the worker', () => {
  const createTemplate = async (body: Record<string, unknown>) =>
    (await t.request('POST', '/templates', { body: { name: 'T', from: 'news@acme.test', type: 'TRANSACTIONAL', ...body } })).json.id as string;

  it('offers hosted-page links, conditionals and loops to templates', async () => {
    const template = await createTemplate({
      subject: '{% if vip %}VIP {% endif %}news for {{ name ?? "you" }}',
      body: [
        '<ul>{% for item in items %}<li>{{ forloop.index }}: {{ item | upcase }}</li>{% endfor %}</ul>',
        '<a href="{{ unsubscribeUrl }}">Unsubscribe</a> <a href="{{ manageUrl }}">Manage</a> <a href="{{ subscribeUrl }}">Subscribe</a>',
      ].join('\n'),
      fromName: 'Acme News',
    });
    const res = await send({ to: 'reader@example.com', template, data: { name: 'Ann', vip: true, items: ['tea', 'cake'] } });
    expect(res.status).toBe(200);
    const contactId = res.json.data.emails[0].contact.id;
    const { id, message } = await delivered(res);
    const m = message.parsed;
    expect(m.subject).toBe('VIP news for Ann');
    expect(m.from?.value[0]).toMatchObject({ name: 'Acme News', address: 'news@acme.test' });
    expect(m.html).toContain('<li>1: TEA</li><li>2: CAKE</li>');
    // Signed contact tokens, never the raw contact id (features/hosted-pages serves these pages).
    const token = contactToken(t.deps.masterKey, contactId);
    expect(m.html).toContain(`href="https://mail.acme.test/unsubscribe/${token}?e=${id}"`);
    expect(m.html).toContain(`href="https://mail.acme.test/manage/${token}?e=${id}"`);
    expect(m.html).toContain(`href="https://mail.acme.test/subscribe/${token}"`);
    expect(m.html).not.toContain(contactId);
  });

  it('ignores reserved link keys passed in data', async () => {
    const res = await send({ to: 'spoof@example.com', subject: 'S', body: '<a href="{{ unsubscribeUrl }}">u</a>', data: { unsubscribeUrl: 'https://evil.test' } });
    const { message } = await delivered(res);
    expect(message.parsed.html).toContain('https://mail.acme.test/unsubscribe/');
    expect(message.parsed.html).not.toContain('evil.test');
  });
});
