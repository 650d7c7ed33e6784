// The models this build ships and which one a device gets. A build may hold one model folder or
// several (models/<name>/ with config.json, model.onnx, tokenizer.json); the registry is built
// from whatever folders the build found, so a missing folder (unmask-base before its GPU run) is
// simply not offered. Pure: the Vite glob that finds the folders lives in modelFiles.ts.
import { parseModelConfig, type ModelConfig } from './config';
import { messageOf } from './errors';
import type { Backend } from './types';

export interface ShippedFile {
  /** The file name in config.json's `files`. */
  name: 'model.onnx' | 'tokenizer.json';
  url: string;
  sha256: string;
  bytes: number;
}

export interface ModelEntry {
  name: string;
  config: ModelConfig;
  files: { model: ShippedFile; tokenizer: ShippedFile };
  /** Bytes a first use downloads (model + tokenizer). */
  downloadBytes: number;
  /** What the model is good for, in one line. */
  description: string;
}

/** What we know about each named model beyond its config: what it is for, where it is the default. */
export const MODEL_NOTES: Record<string, { description: string; defaultOn?: Backend }> = {
  'unmask-small': {
    description: 'Fast on any device, phones included; rough English with odd words.',
    defaultOn: 'wasm',
  },
  'unmask-base': {
    description: 'Writes clearer English; needs WebGPU to be quick (slow on WASM).',
    defaultOn: 'webgpu',
  },
};

/** A line for a model the registry does not name, from its config's own facts. */
export function fallbackDescription(config: ModelConfig): string {
  const m = config.params / 1e6;
  const layers = typeof config.model?.n_layers === 'number' ? `, ${config.model.n_layers} layers` : '';
  return `A ${m.toFixed(m < 10 ? 1 : 0)} M-parameter model${layers}, reads ${config.context} tokens.`;
}

export function describeModel(config: ModelConfig): string {
  return MODEL_NOTES[config.name]?.description ?? fallbackDescription(config);
}

/** One model folder as the build found it; a url is missing when the folder lacks that file. */
export interface FoundFolder {
  folder: string;
  config: unknown;
  modelUrl?: string;
  tokenizerUrl?: string;
}

/**
 * The usable models, smallest download first, and a sentence for each folder left out (missing
 * file, broken config, a name used twice). Never throws: one broken folder must not hide the rest.
 */
export function buildRegistry(found: FoundFolder[]): { models: ModelEntry[]; problems: string[] } {
  const models: ModelEntry[] = [];
  const problems: string[] = [];
  for (const f of found) {
    if (!f.modelUrl || !f.tokenizerUrl) {
      problems.push(`models/${f.folder} lacks ${!f.modelUrl ? 'model.onnx' : 'tokenizer.json'}; it is not offered.`);
      continue;
    }
    let config: ModelConfig;
    try {
      config = parseModelConfig(f.config);
    } catch (err) {
      problems.push(`models/${f.folder}: ${messageOf(err)}; it is not offered.`);
      continue;
    }
    if (models.some((m) => m.name === config.name)) {
      problems.push(`models/${f.folder} repeats the name ${config.name}; it is not offered.`);
      continue;
    }
    const file = (name: ShippedFile['name'], url: string): ShippedFile => ({ name, url, ...pickFacts(config, name) });
    const files = { model: file('model.onnx', f.modelUrl), tokenizer: file('tokenizer.json', f.tokenizerUrl) };
    models.push({
      name: config.name,
      config,
      files,
      downloadBytes: files.model.bytes + files.tokenizer.bytes,
      description: describeModel(config),
    });
  }
  models.sort((a, b) => a.downloadBytes - b.downloadBytes || a.name.localeCompare(b.name));
  return { models, problems };
}

const pickFacts = (config: ModelConfig, name: ShippedFile['name']) => ({
  sha256: config.files[name].sha256,
  bytes: config.files[name].bytes,
});

/**
 * The model a device gets when the user has not chosen one: the one the registry marks as the
 * default for that backend, else the smallest download (WASM) or the largest model (WebGPU).
 */
export function defaultModel(models: ModelEntry[], backend: Backend): ModelEntry {
  if (models.length === 0) throw new Error('no model in this build');
  const marked = models.find((m) => MODEL_NOTES[m.name]?.defaultOn === backend);
  if (marked) return marked;
  if (backend === 'wasm') return models[0];
  return models.reduce((best, m) => (m.config.params > best.config.params ? m : best));
}

/**
 * The model to load: the one asked for if this build has it, else the device's default (`gpu`:
 * whether WebGPU is expected to run). `note` says why the one asked for was not used.
 */
export function resolveModel(
  models: ModelEntry[],
  asked: string | null,
  gpu: boolean,
): { entry: ModelEntry; note: string | null } {
  const found = asked === null ? undefined : models.find((m) => m.name === asked);
  if (found) return { entry: found, note: null };
  const entry = defaultModel(models, gpu ? 'webgpu' : 'wasm');
  return {
    entry,
    note: asked === null ? null : `The model ${asked} is not in this version of the app; using ${entry.name}.`,
  };
}
