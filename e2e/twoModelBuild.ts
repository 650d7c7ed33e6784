// A production build with two model folders, served on its own port: the committed model and a
// renamed copy of it (other name and bytes, so other URLs and hashes; unmask-base stands in for
// it once a GPU run has made it). It lives in a temporary copy of the project, so the shared
// dist/ and models/ are never touched.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = process.cwd();
const SMALL = 'models/unmask-small';
export const COPY = 'unmask-copy';

export interface TwoModelBuild {
  dir: string;
  stop(): void;
}

export async function startTwoModelBuild(port: number): Promise<TwoModelBuild> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unmask-two-models-'));
  let server: ChildProcess | null = null;
  const stop = () => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const p of ['index.html', 'package.json', 'tsconfig.json', 'vite.config.ts', 'src', 'public', 'serve']) {
      cpSync(path.join(ROOT, p), path.join(dir, p), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    mkdirSync(path.join(dir, 'models', COPY), { recursive: true });
    // words.txt and passages.json: the explainer's data (the sweep's vocabulary, the noise panel's passages).
    for (const f of ['config.json', 'model.onnx', 'tokenizer.json', 'words.txt', 'passages.json'])
      cpSync(path.join(ROOT, SMALL, f), path.join(dir, SMALL, f));
    // The copy: the same graph with another doc_string (ModelProto field 6; protobuf keeps the
    // last), so its bytes, hash and asset URL differ from the small model's.
    const note = Buffer.from('unmask e2e copy');
    const model = Buffer.concat([
      readFileSync(path.join(ROOT, SMALL, 'model.onnx')),
      Buffer.from([0x32, note.length]),
      note,
    ]);
    const tokenizer = readFileSync(path.join(ROOT, SMALL, 'tokenizer.json'));
    const config = JSON.parse(readFileSync(path.join(ROOT, SMALL, 'config.json'), 'utf8'));
    const facts = (b: Buffer) => ({ sha256: createHash('sha256').update(b).digest('hex'), bytes: b.byteLength });
    config.name = COPY;
    config.files = { 'model.onnx': facts(model), 'tokenizer.json': facts(tokenizer) };
    writeFileSync(path.join(dir, 'models', COPY, 'model.onnx'), model);
    writeFileSync(path.join(dir, 'models', COPY, 'tokenizer.json'), tokenizer);
    writeFileSync(path.join(dir, 'models', COPY, 'config.json'), JSON.stringify(config));
    const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: dir, stdio: 'pipe' });
    server = spawn(process.execPath, [vite, 'preview', '--port', String(port), '--strictPort'], {
      cwd: dir,
      stdio: 'ignore',
    });
    for (let i = 0; ; i++) {
      if ((await fetch(`http://localhost:${port}/`).catch(() => null))?.ok) break;
      if (i > 300) throw new Error('vite preview of the two-model build did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    stop();
    throw err;
  }
  return { dir, stop };
}
