// What a frame costs the page (issue 19, item 9): step time, frame size and main-thread time per
// frame, for two builds side by side (for instance before and after frames were transferred and
// coalesced per paint). Each build is served with the production headers (serve/static.mjs) and
// driven in Debian's Chromium on WASM; the runs alternate between the builds so that a busy machine
// slows both alike. Main-thread time comes from Chromium's own counters (CDP Performance.getMetrics:
// TaskDuration, ScriptDuration) over the run, divided by its frames.
//   node bench/frames.mjs --build before=/tmp/dist-before --build after=dist [--runs 3] [--length 100]
//     [--motion reduce]
// What the closed explainer views cost: the same code built without them,
//   VITE_BENCH_WITHOUT_VIEWS=1 npx vite build --outDir /tmp/dist-noviews
//   node bench/frames.mjs --build without=/tmp/dist-noviews --build with=dist
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';

const { values } = parseArgs({
  options: {
    build: { type: 'string', multiple: true, default: ['current=dist'] },
    runs: { type: 'string', default: '3' },
    length: { type: 'string', default: '100' },
    // 'reduce' stops the masked slots' noise animation, whose style work otherwise runs all the time
    // and is counted in every frame's share.
    motion: { type: 'string', default: 'no-preference' },
  },
});
const builds = values.build.map((b, k) => {
  const [name, dir] = b.split('=');
  return { name, dir, port: 4390 + k };
});
const RUNS = Number(values.runs);
const LENGTH = Number(values.length);

function serve(dir, port) {
  const child = spawn(process.execPath, ['serve/static.mjs', dir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('Serving') && resolve(child));
    child.once('exit', (code) => reject(new Error(`server for ${dir} exited ${code}`)));
  });
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function oneRun(browser, build) {
  const page = await browser.newPage({ reducedMotion: values.motion });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`http://localhost:${build.port}/`);
  await page.getByTestId('backend').waitFor({ timeout: 120_000 });
  await page.getByTestId('prompt').fill('The old house stood');
  await page.getByTestId('length').fill(String(LENGTH));
  await page.getByTestId('steps').fill(String(LENGTH));
  await page.getByTestId('temperature').fill('0');
  await page.getByTestId('refine').fill('0');
  await page.waitForTimeout(300);
  const before = await metrics(cdp);
  const t0 = Date.now();
  await page.getByTestId('generate').click();
  await page.getByTestId('run-status').filter({ hasText: /^Done/ }).waitFor({ timeout: 300_000 });
  const wall = Date.now() - t0;
  const after = await metrics(cdp);
  const frames = Number((await page.getByTestId('forward-passes').textContent()) ?? '0');
  const msPerStep = Number((await page.getByTestId('ms-per-step').textContent()) ?? 'NaN');
  const tokens = await page.getByTestId('token').count();
  // The canvas (prompt + slots) is N ids; a frame carries ids, drafts and draft probabilities (4 bytes each).
  const n = tokens + (await page.evaluate(() => document.querySelectorAll('[data-testid="prompt-token"]').length));
  await page.close();
  return {
    frames,
    msPerStep,
    wallMsPerFrame: wall / frames,
    taskMsPerFrame: (1000 * (after.TaskDuration - before.TaskDuration)) / frames,
    scriptMsPerFrame: (1000 * (after.ScriptDuration - before.ScriptDuration)) / frames,
    styleMsPerFrame: (1000 * (after.RecalcStyleDuration - before.RecalcStyleDuration)) / frames,
    layoutMsPerFrame: (1000 * (after.LayoutDuration - before.LayoutDuration)) / frames,
    frameBytes: 12 * n,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const servers = [];
try {
  for (const b of builds) servers.push(await serve(b.dir, b.port));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const results = Object.fromEntries(builds.map((b) => [b.name, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const b of builds) {
      const got = await oneRun(browser, b);
      results[b.name].push(got);
      console.log(`${b.name} run ${r + 1}: ${JSON.stringify(got)}`);
    }
  }
  await browser.close();
  console.log(`\n| build | frames | ms/step | main-thread task ms/frame | script | style | layout | frame payload |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const b of builds) {
    const rs = results[b.name];
    const m = (k) => median(rs.map((x) => x[k]));
    console.log(
      `| ${b.name} | ${m('frames')} | ${m('msPerStep').toFixed(1)} | ${m('taskMsPerFrame').toFixed(2)} | ${m('scriptMsPerFrame').toFixed(2)} | ${m('styleMsPerFrame').toFixed(2)} | ${m('layoutMsPerFrame').toFixed(2)} | ${m('frameBytes')} B |`,
    );
  }
} finally {
  for (const s of servers) s.kill();
}
