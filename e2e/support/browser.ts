import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A page that records every console error and uncaught exception; `assertNoConsoleErrors` fails on any. */
export interface CheckedPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
  assertNoConsoleErrors(): void;
}

export async function openPage(browser: Browser, baseURL: string): Promise<CheckedPage> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught on ${page.url()}: ${e.message}`));
  return {
    context,
    page,
    errors,
    assertNoConsoleErrors() {
      if (errors.length) throw new Error(`Browser console errors:\n${errors.join('\n')}`);
    },
  };
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core on the current page: the serious and critical findings. */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays fully in force.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Audits the page the user is looking at: axe at 1280 px and at 390 px, plus a full-page screenshot
 * at both widths in e2e/screenshots/<name>-<width>.png.
 */
export async function auditPage(page: Page, name: string): Promise<AxeFinding[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top: a full-page screenshot of a scrolled page shows the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  const findings: AxeFinding[] = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    // Pages that poll (an email still sending) never go network-idle; a short wait is enough for a picture.
    await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => undefined);
    findings.push(...(await axeFindings(page)).map((f) => ({ ...f, help: `[${name} @ ${width}px] ${f.help}` })));
    // Wide tables may scroll inside their own region, but the page itself must fit the screen.
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (pageWidth > width) findings.push({ id: 'horizontal-scroll', impact: 'serious', help: `[${name} @ ${width}px] the page is ${pageWidth}px wide`, nodes: [] });
    await page.screenshot({ path: `${SCREENSHOT_DIR}${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return findings;
}
