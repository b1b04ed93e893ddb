// Compile-time checks (`npm run typecheck -w sdk`): bodies, path arguments and queries are typed from openapi.json.
import { Mailwright } from '../src/index.js';

export async function typedCalls(mw: Mailwright) {
  // @ts-expect-error subject must be a string
  await mw.emails.send({ to: 'a@example.com', subject: 1 });
  // @ts-expect-error the contact id is a required path argument
  await mw.contacts.get();
  // @ts-expect-error not a query parameter of GET /contacts
  await mw.contacts.list({ nope: 1 });
  const tracked = await mw.track({ event: 'signed-up', email: 'a@example.com' });
  if (tracked.data) {
    const contactId: string = tracked.data.contact; // `{ success, data }` is unwrapped
    void contactId;
  }
  const page = await mw.request('GET', '/contacts', { query: { limit: 5 } });
  if (page.data) {
    const total: number = page.data.total;
    void total;
  }
  // @ts-expect-error a templated path needs its params
  await mw.request('GET', '/contacts/{id}', {});
  await mw.request('POST', '/not/in/the/document', { body: { free: 'form' } });
}
