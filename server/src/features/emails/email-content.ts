import type { EmailRow } from '../../db/schema/index.js';
import { htmlToText } from '../../mail/html-to-text.js';
import { contactPageUrls, renderHtml, renderSubject } from '../../mail/render.js';

/**
 * The one rendering of an email row: the worker sends it and the API shows it. Rows keep the template
 * and the data snapshot taken at accept time, and rendering is deterministic, so both agree.
 */
export async function renderEmailContent(publicUrl: string, masterKey: Buffer, email: EmailRow): Promise<{ subject: string; html: string; text: string }> {
  const data = { ...email.renderData, ...contactPageUrls(publicUrl, masterKey, email.contactId, email.id), data: email.renderData };
  const html = await renderHtml(email.body, data);
  return { subject: await renderSubject(email.subject, data), html, text: htmlToText(html) };
}
