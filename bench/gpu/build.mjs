// Bundles bench/gpu/entry.ts (the app's engine, runtime and onnxruntime-web's WebGPU build) into
// one ES module for Node: node bench/gpu/build.mjs <out dir> writes <out dir>/bench.mjs.
// Only `webgpu` (Dawn, a native addon) stays outside; pack.sh ships it beside the bundle.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = resolve(process.argv[2] ?? 'bench/gpu/.bundle/stage');
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  publicDir: false,
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: resolve(root, 'bench/gpu/entry.ts'),
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    rollupOptions: {
      external: ['webgpu'],
      output: { entryFileNames: 'bench.mjs', format: 'es', codeSplitting: false },
    },
  },
});
