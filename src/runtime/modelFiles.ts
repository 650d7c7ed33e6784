// The shipped model folders as build assets. Globs, not fixed imports, so that a build holds
// whatever models/<name>/ folders exist (unmask-base appears only after its GPU run) and never
// fails on a missing one. `?url` makes Vite emit each file under a hashed name on our own origin,
// fetched only when the worker loads that model (nothing is downloaded for a model not chosen,
// and the service worker precaches neither); `no-inline` keeps a small file from becoming a
// data: URL, which CSP connect-src 'self' forbids. config.json is small and bundled as data.
import { buildRegistry, type FoundFolder, type ModelEntry } from './models';

export type { ModelEntry, ShippedFile } from './models';

const configs = import.meta.glob<unknown>('../../models/*/config.json', { eager: true, import: 'default' });
const modelUrls = import.meta.glob<string>('../../models/*/model.onnx', {
  eager: true,
  query: '?url&no-inline',
  import: 'default',
});
const tokenizerUrls = import.meta.glob<string>('../../models/*/tokenizer.json', {
  eager: true,
  query: '?url&no-inline',
  import: 'default',
});

const folderOf = (path: string) => path.split('/').slice(-2, -1)[0];
const byFolder = (urls: Record<string, string>) =>
  Object.fromEntries(Object.entries(urls).map(([p, u]) => [folderOf(p), u]));

let registry: { models: ModelEntry[]; problems: string[] } | null = null;

/** The models this build ships, smallest download first (see models.ts), and folders left out. */
export function shippedModels(): { models: ModelEntry[]; problems: string[] } {
  if (!registry) {
    const models = byFolder(modelUrls);
    const tokenizers = byFolder(tokenizerUrls);
    const found: FoundFolder[] = Object.entries(configs).map(([path, config]) => {
      const folder = folderOf(path);
      return { folder, config, modelUrl: models[folder], tokenizerUrl: tokenizers[folder] };
    });
    registry = buildRegistry(found);
  }
  return registry;
}
