// A self-contained generated folder: the module, plus the runtime files it imports (and
// nothing else), as TypeScript sources and as ES2022 JavaScript with .d.ts types, so it
// runs unchanged in Node and in browsers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_DIR } from '../paths.js';

/** The runtime files that `entry` (a runtime file name) needs, itself included. */
export function runtimeClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const text = readFileSync(join(RUNTIME_DIR, name), 'utf8');
    for (const m of text.matchAll(/from '\.\/([\w-]+)\.js'/g)) visit(`${m[1]}.ts`);
  };
  entries.forEach(visit);
  return [...seen].sort();
}

/** path → contents of every file of the folder. */
export async function bundle(indexTs: string, runtimeEntries: string[] = ['model.ts']): Promise<Map<string, string>> {
  const { Project, ts } = await import('ts-morph');
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      declaration: true,
      strict: true,
      removeComments: false,
      outDir: '/out',
      rootDir: '/src',
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    },
  });
  const files = new Map<string, string>();
  project.createSourceFile('/src/index.ts', indexTs);
  files.set('index.ts', indexTs);
  for (const name of runtimeClosure(runtimeEntries)) {
    const text = readFileSync(join(RUNTIME_DIR, name), 'utf8');
    project.createSourceFile(`/src/runtime/${name}`, text);
    files.set(`runtime/${name}`, text);
  }
  const result = project.emitToMemory();
  for (const f of result.getFiles()) files.set(f.filePath.replace(/^\/out\//, ''), f.text);
  return files;
}
