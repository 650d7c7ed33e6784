// Lighthouse on the production build, mobile preset (its default: a mid-range phone, throttled) and
// desktop, in Debian's Chromium: the category scores and the layout shift. Lighthouse 12.2.3 is the
// last that runs on this project's Node 20. Part of `npm run bench` (--no-lighthouse skips it).
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo', 'pwa'];

/** Scores (0..1) per category and the key metrics of one audit of `url`. */
export async function audit(url, formFactor) {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const desktop = formFactor === 'desktop';
    const result = await lighthouse(
      url,
      { port: chrome.port, output: 'json', logLevel: 'error' },
      desktop
        ? {
            extends: 'lighthouse:default',
            settings: {
              formFactor: 'desktop',
              screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
              throttling: { rttMs: 40, throughputKbps: 10240, cpuSlowdownMultiplier: 1 },
            },
          }
        : undefined,
    );
    const { categories, audits } = result.lhr;
    const scores = Object.fromEntries(CATEGORIES.filter((c) => categories[c]).map((c) => [c, categories[c].score]));
    const metric = (id) => audits[id]?.numericValue;
    return {
      formFactor,
      scores,
      cls: metric('cumulative-layout-shift'),
      fcpMs: metric('first-contentful-paint'),
      lcpMs: metric('largest-contentful-paint'),
      tbtMs: metric('total-blocking-time'),
    };
  } finally {
    await chrome.kill();
  }
}
