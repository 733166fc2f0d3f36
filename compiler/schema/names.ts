// Layer and block names are unique in the whole spec (they become parameter prefixes and
// the generated module's members), and no two layers may own the same parameter prefix.
// Checked on the raw value, so a duplicate is reported in the same run as schema mistakes.
import type { Diagnostic } from '../source/diagnostic.js';
import { positionOf } from '../source/diagnostic.js';
import type { JsonPath, ParsedYaml } from '../source/yaml.js';
import { LAYER_NAME_PATTERN } from './build.js';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const namePattern = new RegExp(LAYER_NAME_PATTERN);

export function checkNames(src: ParsedYaml, root: Record<string, unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = new Map<string, JsonPath>();
  const prefixes = new Map<string, string>();
  const lineOf = (path: JsonPath): number | undefined => {
    const r = src.locate(path);
    return r ? positionOf(src.file, r[0]).line : undefined;
  };
  const walk = (items: unknown[], path: JsonPath, prefixOf: (i: number, name?: string) => string, inside: string): void => {
    items.forEach((item, i) => {
      let op: string;
      let attrs: Record<string, unknown> = {};
      if (typeof item === 'string') op = item;
      else if (isMap(item) && Object.keys(item).length === 1) {
        op = Object.keys(item)[0];
        if (isMap(item[op])) attrs = item[op] as Record<string, unknown>;
      } else return;
      const opPath = typeof item === 'string' ? [...path, i] : [...path, i, op];
      const name = typeof attrs.name === 'string' && namePattern.test(attrs.name) ? attrs.name : undefined;
      let clashes = false;
      if (name !== undefined) {
        const first = names.get(name);
        if (first) {
          clashes = true;
          const line = lineOf(first);
          out.push({
            code: 'NS211',
            message: `duplicate layer name '${name}'${line ? ` (first used on line ${line})` : ''}`,
            hint: 'give each layer and block its own name: names become parameter prefixes and module members',
            file: src.file,
            range: src.locate([...opPath, 'name']),
          });
        } else names.set(name, [...opPath, 'name']);
      }
      const prefix = prefixOf(i, name);
      if (op === 'block') {
        if (Array.isArray(attrs.layers)) {
          walk(attrs.layers, [...opPath, 'layers'], (j, n) => `${prefix}.${n ?? j}`, name ? `block '${name}'` : inside);
        }
        return;
      }
      const owner = prefixes.get(prefix);
      if (owner !== undefined && !clashes) {
        out.push({
          code: 'NS212',
          message: `layer ${i} of ${inside} would own the parameters '${prefix}.*', which ${owner} already owns`,
          hint: 'rename the block: unnamed top-level layers own the prefixes layers.0, layers.1, ...',
          file: src.file,
          range: src.locate(opPath, typeof item !== 'string'),
        });
      } else if (owner === undefined) prefixes.set(prefix, `${op} ${prefix}`);
    });
  };
  if (Array.isArray(root.layers)) walk(root.layers, ['layers'], (i, n) => n ?? `layers.${i}`, 'the model');
  return out;
}
