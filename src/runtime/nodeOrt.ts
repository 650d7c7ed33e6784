// Test helper: onnxruntime-web's WASM backend in Node on the shipped model. In Node the package
// resolves to its node build, which finds its .wasm next to itself in node_modules: nothing is
// downloaded. One thread: the tests share two cores with a training run.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { configureOrt, openSession, type LogitsSession } from './session';
import { MODEL_DIR, readConfig } from './testModel';

let opened: Promise<LogitsSession> | null = null;

export function nodeWasmSession(): Promise<LogitsSession> {
  if (!opened) {
    configureOrt(ort, 1);
    const model = new Uint8Array(readFileSync(`${MODEL_DIR}/model.onnx`));
    opened = openSession(ort, model, 'wasm', readConfig().vocab_size);
  }
  return opened;
}
