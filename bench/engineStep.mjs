// node bench/engineStep.mjs: see engineStep.ts.
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { module } = await runnerImport(resolve(root, 'bench/engineStep.ts'), {
  configFile: false,
  root,
  logLevel: 'error',
});
const rows = await module.engineStep();
for (const r of rows) {
  console.log(
    `${r.label}: ${r.steps} steps, ${r.rows} rows sampled; engine ${r.engineMsPerStep.toFixed(2)} ms/step, ` +
      `forward ${r.forwardMsPerStep.toFixed(1)} ms/step (Node, 1 thread): engine ${(100 * r.engineShare).toFixed(1)} % of a step`,
  );
}
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join('/')}`,
);
