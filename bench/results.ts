import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, machine, type loadBefore } from './lib.js';

// bench/RESULTS.md: one summary table (every target, the figure beside its baseline from the same
// run) and a section per benchmark. A run with `--only` replaces its own sections and keeps the
// others from the previous file, each still showing when and under which load it was measured.

export const RESULTS_MD = path.join(ROOT, 'bench/RESULTS.md');

export type Verdict = 'PASS' | 'FAIL' | 'INVALID';

export interface SummaryRow {
  what: string;
  mailwright: string;
  baseline: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

export interface BenchReport {
  /** Section key: track, send, campaign, segments. */
  name: string;
  title: string;
  date: string;
  loadBefore: string;
  rows: SummaryRow[];
  /** Markdown of the section body. */
  detail: string[];
}

export const passed = (r: BenchReport) => r.rows.every((row) => row.verdict === 'PASS');

const ORDER = ['track', 'send', 'campaign', 'segments'];
const DATA_MARK = '<!-- bench-data ';

function previousReports(): BenchReport[] {
  if (!existsSync(RESULTS_MD)) return [];
  const line = readFileSync(RESULTS_MD, 'utf8').split('\n').find((l) => l.startsWith(DATA_MARK));
  if (!line) return [];
  try {
    return JSON.parse(line.slice(DATA_MARK.length, line.lastIndexOf(' -->'))) as BenchReport[];
  } catch {
    return [];
  }
}

export function writeResults(fresh: BenchReport[], ctx: { pgVersion: string; before: ReturnType<typeof loadBefore>; command: string }) {
  const byName = new Map(previousReports().map((r) => [r.name, r]));
  for (const r of fresh) byName.set(r.name, r);
  const reports = [...byName.values()].sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  const rows = reports.flatMap((r) => r.rows.map((row) => ({ ...row, date: r.date.slice(0, 16).replace('T', ' ') })));
  const met = rows.filter((r) => r.verdict === 'PASS').length;
  const kept = reports.filter((r) => !fresh.includes(r)).map((r) => r.name);
  const md = [
    '# Mailwright benchmarks',
    '',
    `- Written: ${new Date().toISOString()} by \`${ctx.command}\`${kept.length ? `; kept from earlier runs: ${kept.join(', ')} (see their dates)` : ''}`,
    `- Machine: ${machine()}; load average (1/5/15 min) before this run: ${ctx.before.text}${ctx.before.busy ? ' (busy: figures are noisy)' : ''}`,
    `- Node ${process.version}, PostgreSQL ${ctx.pgVersion}; the machine is shared, so every ratio compares against a baseline measured minutes apart in the same run`,
    '',
    '## Targets',
    '',
    '| Benchmark | Mailwright | Baseline (same run) | ratio | target | verdict | measured (UTC) |',
    '|---|---|---|---:|---|---|---|',
    ...rows.map((r) => `| ${r.what} | ${r.mailwright} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.verdict} | ${r.date} |`),
    '',
    `${met} of ${rows.length} targets met.`,
    '',
    'Regenerate: `npm run bench -- --check` runs every benchmark and exits 1 when a target is missed',
    '(`--recipients` defaults to 10,000 with `--check`, 100,000 without). `npm run bench -- --only track,send` runs a subset',
    'and keeps the other sections. Add `--build` after changing server code.',
    '',
    ...reports.flatMap((r) => [`## ${r.title}`, '', `- Measured: ${r.date}; load average before: ${r.loadBefore}`, ...r.detail, '']),
    `${DATA_MARK}${JSON.stringify(reports).replace(/--/g, '-\\u002d')} -->`,
    '',
  ];
  writeFileSync(RESULTS_MD, md.join('\n'));
}
