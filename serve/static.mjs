#!/usr/bin/env node
// A small static server for the production build, with the headers the app needs (serve/headers.mjs)
// and compression: `node serve/static.mjs [dir=dist] [port=8080]`. Also a recipe: any host that
// sends the same headers works the same (README, "Static hosting").
import { stat, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { COMPRESSIBLE, SECURITY, headersFor, isPageRoute } from './headers.mjs';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Brotli quality 5: the wasm shrinks 5.4-fold in about a second (quality 11 takes minutes). */
function compress(data, encoding) {
  if (encoding === 'br') {
    return brotli(data, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
  }
  return gzip(data, { level: 6 });
}

function pickEncoding(acceptEncoding, pathname, size) {
  if (size < 1024 || !COMPRESSIBLE.test(pathname)) return null;
  const accept = String(acceptEncoding ?? '');
  if (/\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return null;
}

/**
 * @param {{ root: string, onResponse?: (r: { path: string, status: number, bytes: number }) => void }} options
 *   onResponse is told the file served (its path under root) and the body bytes of each answer
 *   (as sent, so compressed), for tests.
 */
export function createStaticServer({ root, onResponse }) {
  const base = path.resolve(root);
  // Bodies by file, mtime and encoding: each file is read and compressed once.
  const bodies = new Map();
  const body = (file, mtimeMs, encoding) => {
    const key = `${file}|${mtimeMs}|${encoding ?? ''}`;
    if (!bodies.has(key)) {
      const p = readFile(file).then((data) => (encoding ? compress(data, encoding) : data));
      p.catch(() => bodies.delete(key));
      bodies.set(key, p);
    }
    return bodies.get(key);
  };

  async function find(pathname) {
    const file = path.join(base, pathname);
    if (file !== base && !file.startsWith(base + path.sep)) return null;
    try {
      const s = await stat(file);
      if (s.isFile()) return { file, pathname, stats: s };
      if (s.isDirectory()) return find(path.posix.join(pathname, 'index.html'));
    } catch {
      // missing
    }
    return null;
  }

  return http.createServer(async (req, res) => {
    let served = req.url ?? '';
    const send = (status, headers, data) => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : data);
      onResponse?.({ path: served, status, bytes: req.method === 'HEAD' ? 0 : (data?.length ?? 0) });
    };
    for (const [name, value] of Object.entries(SECURITY)) res.setHeader(name, value);
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(405, { Allow: 'GET, HEAD' }, 'Method not allowed\n');
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      } catch {
        return send(400, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Bad request\n');
      }
      // The single-page fallback answers page routes only; a missing script or map is a 404.
      const found = (await find(pathname)) ?? (isPageRoute(pathname) ? await find('/index.html') : null);
      if (found) served = found.pathname;
      if (!found)
        return send(
          404,
          { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' },
          `Not found: ${pathname}\n`,
        );

      const headers = {
        ...headersFor(found.pathname),
        ETag: `W/"${found.stats.size}-${Math.trunc(found.stats.mtimeMs)}"`,
      };
      if (req.headers['if-none-match'] === headers.ETag) return send(304, headers, undefined);
      const encoding = pickEncoding(req.headers['accept-encoding'], found.pathname, found.stats.size);
      const data = await body(found.file, found.stats.mtimeMs, encoding);
      send(
        200,
        {
          ...headers,
          ...(COMPRESSIBLE.test(found.pathname) ? { Vary: 'Accept-Encoding' } : {}),
          ...(encoding ? { 'Content-Encoding': encoding } : {}),
          'Content-Length': String(data.length),
        },
        data,
      );
    } catch (err) {
      send(
        500,
        { 'Content-Type': 'text/plain; charset=utf-8' },
        `Server error: ${err instanceof Error ? err.message : err}\n`,
      );
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = process.argv[2] ?? 'dist';
  const port = Number(process.argv[3] ?? process.env.PORT ?? 8080);
  createStaticServer({ root }).listen(port, () =>
    console.log(`Serving ${path.resolve(root)} at http://localhost:${port}/`),
  );
}
