// The README's SDK example. Against `npm start` (http://localhost:3000):
//   npm run cli -- project keys <projectId>        # the id is in npm start's banner and in `npm run cli -- project list`
//   MAILWRIGHT_SECRET_KEY=sk_… MAILWRIGHT_PUBLIC_KEY=pk_… node sdk/examples/send.mjs
// MAILWRIGHT_URL points it at another address.
import { Mailwright } from '@mailwright/sdk';

const baseUrl = process.env.MAILWRIGHT_URL ?? 'http://localhost:3000';
const mw = new Mailwright(process.env.MAILWRIGHT_SECRET_KEY, { baseUrl });

// Send: `data` holds the result, `error` the API's error ({ code, message, status, requestId }); nothing throws.
const sent = await mw.emails.send({
  to: { name: 'Ada', email: 'ada@example.com' },
  subject: 'Welcome {{ name ?? "there" }}',
  body: '<p>Hi {{ name }}, your plan is {{ plan }}.</p>',
  data: { plan: 'pro' },
});
if (sent.error) throw new Error(`send failed: ${sent.error.code} ${sent.error.message} (request ${sent.error.requestId})`);
const emailId = sent.data.emails[0].email;
console.log('queued email', emailId);

// The worker delivers it (into the Dev Inbox under `npm start`): wait until it is SENT.
let email;
for (let i = 0; i < 50 && email?.status !== 'SENT'; i++) {
  await new Promise((r) => setTimeout(r, 200));
  email = (await mw.emails.get(emailId)).data;
}
console.log('status', email?.status, '-', email?.reason);

// Track with the public key: the one key that is safe in browsers.
const browser = new Mailwright(process.env.MAILWRIGHT_PUBLIC_KEY, { baseUrl });
const tracked = await browser.track({ event: 'user.signup', email: 'ada@example.com', data: { plan: 'pro' } });
console.log('tracked event', tracked.data?.event ?? tracked.error);

// Read contacts with the secret key.
const contacts = await mw.contacts.list({ limit: 5 });
console.log('contacts', contacts.data?.data.map((c) => c.email));

// A wrong key is an error value, not an exception.
const denied = await browser.contacts.list();
console.log('public key on /contacts:', denied.error?.status, denied.error?.code);

if (email?.status !== 'SENT' || tracked.error || contacts.error || denied.error?.code !== 'INVALID_API_KEY') process.exit(1);
