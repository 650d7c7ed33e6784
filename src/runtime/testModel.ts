// Test helpers: where the shipped model lives on disk and its parsed config. Node-only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModelConfig, type ModelConfig } from './config';

export const MODEL_DIR = fileURLToPath(new URL('../../models/unmask-small', import.meta.url));

export function readConfig(): ModelConfig {
  return parseModelConfig(JSON.parse(readFileSync(`${MODEL_DIR}/config.json`, 'utf8')));
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(`${MODEL_DIR}/fixtures/${name}`, 'utf8')) as T;
}
