#!/usr/bin/env node
// Renders charts of a lab report to PNG files for the README, with Debian's headless Chromium (apt-get install -y
// chromium) through playwright-core, a dev dependency that drives that browser and downloads nothing.
//
//   npx steadygrad lab --report lab.html && node scripts/lab-pictures.js lab.html docs/lab
//
// Each picture is one chart (a <figure class="chart"> whose aria-label starts with the title below), its caption
// included, at 1x scale.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const PICTURES = [
  ['activations-depth.png', 'Gradient norm against depth'],
  ['recurrent-dhdt.png', '||dL/dh_t|| against t for T=50'],
  ['clipping-norms.png', 'Global gradient norm per step, before clipping'],
  ['optimizers-loss.png', 'Training loss per epoch', 'optimizers:'],
  ['forecast.png', 'Held-out months'],
];

const [report, outDir] = process.argv.slice(2);
if (!report || !outDir) {
  console.error('usage: node scripts/lab-pictures.js <report.html> <output folder>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  await page.goto(`file://${path.resolve(report)}`);
  for (const [file, title, section] of PICTURES) {
    // the figure whose label starts with `title`, in the section whose heading starts with `section` if given
    const figure = page
      .locator('section')
      .filter({ has: page.locator('h2', { hasText: section ?? '' }) })
      .locator(`figure.chart[aria-label^="${title}"]`)
      .first();
    await figure.screenshot({ path: path.join(outDir, file) });
    console.log(path.join(outDir, file));
  }
} finally {
  await browser.close();
}
