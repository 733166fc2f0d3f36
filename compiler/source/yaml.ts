// YAML with source positions. A spec is data, never code: custom tags are refused,
// duplicate keys are errors, and alias expansion is bounded.
import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { sourceFile, type Diagnostic, type Range, type SourceFile } from './diagnostic.js';

export type JsonPath = readonly (string | number)[];

export interface ParsedYaml {
  file: SourceFile;
  value: unknown;
  diagnostics: Diagnostic[];
  /** The range of the value at `path` (or of its key, when `key` is set), falling back to the nearest ancestor. */
  locate(path: JsonPath, key?: boolean): Range | undefined;
}

/** Bounds that keep a hostile file from costing more than a real spec would. */
export const YAML_LIMITS = {
  maxBytes: 1 << 20,
  maxAliasCount: 100,
};

const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

function rangeOf(node: unknown): Range | undefined {
  if (isNode(node) && node.range) return [node.range[0], Math.max(node.range[1], node.range[0] + 1)];
  return undefined;
}

/** Child node of a YAML collection node by JSON path segment, with its key node. */
function child(node: unknown, seg: string | number): { key?: Node; value: unknown } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      const k = isScalar(item.key) ? item.key.value : item.key;
      if (k === seg || String(k) === String(seg)) return { key: item.key as Node, value: item.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const v = node.items[seg];
    return v === undefined ? undefined : { value: v };
  }
  return undefined;
}

function refuseTags(doc: Document, file: SourceFile, diags: Diagnostic[]): void {
  const visit = (node: unknown): void => {
    if (isPair(node)) {
      visit(node.key);
      visit(node.value);
      return;
    }
    if (!isNode(node)) return;
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !CORE_TAGS.has(tag)) {
      diags.push({
        code: 'NS103',
        message: `YAML tag '${tag}' is not allowed: a spec is plain data`,
        hint: 'remove the tag',
        file,
        range: rangeOf(node),
      });
    }
    if (isMap(node) || isSeq(node)) for (const item of node.items) visit(item);
  };
  visit(doc.contents);
}

export function parseYaml(path: string, text: string): ParsedYaml {
  const file = sourceFile(path, text);
  const diagnostics: Diagnostic[] = [];
  const none: ParsedYaml = { file, value: undefined, diagnostics, locate: () => undefined };
  if (text.length > YAML_LIMITS.maxBytes) {
    diagnostics.push({
      code: 'NS104',
      message: `spec file is ${text.length} bytes; the limit is ${YAML_LIMITS.maxBytes}`,
      file,
    });
    return none;
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, customTags: [], strict: true });
  for (const e of doc.errors) {
    const isDup = e.code === 'DUPLICATE_KEY';
    diagnostics.push({
      code: isDup ? 'NS102' : 'NS101',
      message: isDup ? 'duplicate key: map keys must be unique' : `YAML syntax error: ${e.message.replace(/ at line \d+, column \d+.*$/s, '')}`,
      file,
      range: [e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)],
    });
  }
  refuseTags(doc, file, diagnostics);
  if (diagnostics.length > 0) return { ...none, diagnostics };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (e) {
    diagnostics.push({
      code: 'NS105',
      message: `YAML aliases expand too far (${(e as Error).message}); the limit is ${YAML_LIMITS.maxAliasCount} expansions`,
      file,
      range: [0, 1],
    });
    return none;
  }
  const locate = (path: JsonPath, key = false): Range | undefined => {
    let node: unknown = doc.contents;
    let best = rangeOf(node);
    for (let i = 0; i < path.length; i++) {
      const c = child(node, path[i]);
      if (!c) return best;
      if (i === path.length - 1 && key && c.key) return rangeOf(c.key) ?? best;
      node = c.value;
      best = rangeOf(node) ?? (c.key ? rangeOf(c.key) : undefined) ?? best;
    }
    return best;
  };
  return { file, value, diagnostics, locate };
}
