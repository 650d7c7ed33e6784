// Types for static.mjs (plain JavaScript so that Node runs it as is).
import type { Server } from 'node:http';
export declare function createStaticServer(options: {
  root: string;
  onResponse?: (r: { path: string; status: number; bytes: number }) => void;
}): Server;
