// The shipped model files as build assets. `?url` makes Vite emit each file under a hashed name on
// our own origin (so the service worker can precache it and nothing is fetched from a CDN);
// `no-inline` keeps a small file from becoming a data: URL, which CSP connect-src 'self' forbids.
import modelUrl from '../../models/unmask-small/model.onnx?url&no-inline';
import tokenizerUrl from '../../models/unmask-small/tokenizer.json?url&no-inline';
import rawConfig from '../../models/unmask-small/config.json';
import { parseModelConfig, type ModelConfig } from './config';

export interface ShippedFile {
  /** The file name in config.json's `files`. */
  name: 'model.onnx' | 'tokenizer.json';
  url: string;
  sha256: string;
  bytes: number;
}

/** Throws a RuntimeError when config.json lacks a field the runtime needs. */
export function shippedModel(): { config: ModelConfig; files: { model: ShippedFile; tokenizer: ShippedFile } } {
  const config = parseModelConfig(rawConfig);
  const file = (name: ShippedFile['name'], url: string): ShippedFile => ({
    name,
    url,
    sha256: config.files[name].sha256,
    bytes: config.files[name].bytes,
  });
  return { config, files: { model: file('model.onnx', modelUrl), tokenizer: file('tokenizer.json', tokenizerUrl) } };
}
