import { loadBefore, startNodeFlags } from './lib.js';
import { SEND, type Measurement } from './load.js';
import type { BenchReport } from './results.js';
import { RSS_TARGET, loadLine, loadOptions, measureBaseline, measureMailwright, measurementTable, mib, rssVerdict, valid, type HttpOptions } from './track.js';

// POST /v1/send accept path on PostgreSQL (until the 200: contact upsert, suppression check, email row,
// delivery job, activity, all in one transaction), against the same bare Fastify + one INSERT baseline
// as /v1/track. Delivery is not part of it: the API runs with `--api-only`, so no worker in that
// process competes for the CPU or drains the queue during the load (in production workers are
// separate processes anyway); MAIL_TRANSPORT=inbox.

const TARGET = 0.5;

/** `pgBaseline` comes from the track benchmark of the same run; measured here when track did not run. */
export async function runSendBench(opts: HttpOptions, pgBaseline?: Measurement): Promise<BenchReport> {
  const load = loadOptions(opts);
  const before = loadBefore();
  let baseline = pgBaseline;
  if (!baseline) {
    console.log('PostgreSQL: baseline...');
    baseline = await measureBaseline('postgres', load);
    console.log(`  ${baseline.reqPerSec.toFixed(0)} req/s`);
  }
  console.log('PostgreSQL: Mailwright /v1/send (--api-only)...');
  const mw = await measureMailwright('postgres', ['--api-only'], SEND, 'secretKey', load);
  console.log(`  ${mw.m.reqPerSec.toFixed(0)} req/s, p99 ${mw.m.p99Ms} ms, peak RSS ${mib(mw.rssMiB)}`);
  const ratio = baseline.reqPerSec > 0 ? mw.m.reqPerSec / baseline.reqPerSec : 0;
  return {
    name: 'send',
    title: 'POST /v1/send (accept path)',
    date: new Date().toISOString(),
    loadBefore: before.text,
    rows: [
      {
        what: '/v1/send accept, PostgreSQL',
        mailwright: `${mw.m.reqPerSec.toFixed(0)} req/s, p99 ${mw.m.p99Ms} ms`,
        baseline: `${baseline.reqPerSec.toFixed(0)} req/s (bare Fastify + 1 INSERT${pgBaseline ? ', from the track run' : ''})`,
        ratio: ratio.toFixed(2),
        target: `≥ ${TARGET} (p99 reported)`,
        verdict: !valid(baseline, mw.m) ? 'INVALID' : ratio >= TARGET ? 'PASS' : 'FAIL',
      },
      { what: 'API RSS under /v1/send load, PostgreSQL', mailwright: `peak ${mib(mw.rssMiB)}`, baseline: '—', ratio: '', target: RSS_TARGET, verdict: rssVerdict(mw.rssMiB) },
    ],
    detail: [
      loadLine(load),
      `- Mailwright: \`node ${[...startNodeFlags(), 'server/dist/main.js'].join(' ')} --api-only\` (as \`npm start -- --api-only\`; no worker in the process: delivery is not part of the accept path), secret key, MAIL_TRANSPORT=inbox, REQUIRE_VERIFIED_DOMAINS=false, limits raised above the load`,
      '- Each request: one recipient (cycling over the contacts), inline subject and Liquid body, `from` given; a 200 means the contact upsert, the email row and its `email.send` job are committed in one transaction',
      '',
      ...measurementTable([
        { db: 'PostgreSQL', server: 'bare Fastify + 1 INSERT', m: baseline },
        { db: 'PostgreSQL', server: 'Mailwright /v1/send', m: mw.m, ratio, rss: mw.rssMiB },
      ]),
      '',
      'ratio = Mailwright /v1/send req/s ÷ the baseline\'s req/s.',
    ],
  };
}
