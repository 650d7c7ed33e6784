// Rasterizes public/icons/icon.svg into the PNG icons the web manifest lists.
// Run: node e2e/tools/make-icons.mjs   (needs Chromium at /usr/bin/chromium or $CHROMIUM)
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dir = fileURLToPath(new URL('../../public/icons/', import.meta.url));
const svg = await readFile(dir + 'icon.svg', 'utf8');
const body = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');

// A maskable icon is cropped to a circle of 80 % of its width: full-bleed background, and the
// artwork scaled into that safe zone.
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
  <rect width="512" height="512" fill="#1b1d2a"/>
  <g transform="translate(25.6 25.6) scale(0.9)">${body.replace(/rx="112"/, 'rx="0"')}</g>
</svg>`;

const jobs = [
  { file: 'icon-192.png', size: 192, svg },
  { file: 'icon-512.png', size: 512, svg },
  { file: 'icon-maskable-512.png', size: 512, svg: maskable },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const job of jobs) {
    const page = await browser.newPage({ viewport: { width: job.size, height: job.size } });
    const sized = job.svg.replace(/width="512" height="512"/, `width="${job.size}" height="${job.size}"`);
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    await page.locator('svg').screenshot({ path: dir + job.file, omitBackground: true });
    await page.close();
    console.log('wrote', job.file);
  }
} finally {
  await browser.close();
}
