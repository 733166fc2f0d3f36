// Where the package's own files are, whether running from source (tsx, vitest) or from dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'runtime'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('internal: cannot find the netspec package root');
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();
export const RUNTIME_DIR = join(PACKAGE_ROOT, 'runtime');
