// Opens an HTML report in Debian's headless Chromium through playwright-core (which drives that browser and downloads
// nothing) and reports, for every chart (figure.chart), whether it drew: an SVG of non-zero size with at least one
// mark of non-zero size; and every console error, page error and request that was not for the file itself.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** CI sets STEADYGRAD_REQUIRE_CHROMIUM=1: a missing browser then fails the test instead of skipping it. */
export const chromiumRequired = process.env.STEADYGRAD_REQUIRE_CHROMIUM === '1';
export const chromiumAvailable = existsSync(CHROMIUM);

export interface PageCheck {
  charts: { id: string; width: number; height: number; marks: number }[];
  errors: string[];
  requests: string[];
}

export async function checkReport(file: string): Promise<PageCheck> {
  if (!chromiumAvailable) {
    throw new Error(`${CHROMIUM} is absent: apt-get install -y chromium (STEADYGRAD_REQUIRE_CHROMIUM=1 is set)`);
  }
  // Under `npm run test:asan` this process preloads the ASan runtime: the browser must not inherit it.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !['LD_PRELOAD', 'ASAN_OPTIONS', 'UBSAN_OPTIONS'].includes(k)),
  ) as Record<string, string>;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    const url = `file://${file}`;
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll('figure.chart'), (figure) => {
        const svg = figure.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        // Vega's SVG puts each mark in a group classed by its type: lines and symbols are paths, bars are paths too.
        const marks = Array.from(
          figure.querySelectorAll('g.mark-line path, g.mark-symbol path, g.mark-rect path'),
          (p) => (p as SVGGraphicsElement).getBBox(),
        ).filter((b) => b.width > 0 || b.height > 0).length;
        return { id: figure.id, width: box?.width ?? 0, height: box?.height ?? 0, marks };
      }),
    );
    return { charts, errors, requests };
  } finally {
    await browser.close();
  }
}
