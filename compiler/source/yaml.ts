// YAML with source positions. A spec is data, never code: custom tags are refused,
// duplicate keys are errors, map keys are plain scalars, and alias expansion and nesting
// are bounded before anything expands an alias.
import { isAlias, isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
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
  /** Characters of one spec file. */
  maxBytes: 1 << 20,
  /** Nodes of the document once every alias is expanded (billion-laughs bound). */
  maxExpandedNodes: 100_000,
  /** Nesting of lists and maps. */
  maxDepth: 64,
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
      // As toJS names keys: a null key (`~:` or `:`) becomes ''.
      if (k === seg || String(k ?? '') === String(seg)) return { key: item.key as Node, value: item.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const v = node.items[seg];
    return v === undefined ? undefined : { value: v };
  }
  return undefined;
}

const SEPARATOR = /[\s[\]{},]/;

/** The `!tag` written before a node's value (possibly across an `&anchor`), as the user wrote it. */
function tagSource(text: string, start: number): { text: string; range: Range } | undefined {
  let i = start;
  for (let hop = 0; hop < 2; hop++) {
    let j = i;
    while (j > 0 && /\s/.test(text[j - 1])) j--;
    let k = j;
    while (k > 0 && !SEPARATOR.test(text[k - 1])) k--;
    const token = text.slice(k, j);
    if (token.startsWith('!')) return { text: token, range: [k, j] };
    if (!token.startsWith('&')) return undefined;
    i = k;
  }
  return undefined;
}

/**
 * One walk over the document, in document order, before any alias is expanded: refuses
 * custom tags, non-scalar keys, unresolved and cyclic aliases, deep nesting, and counts the
 * nodes the document would have with every alias expanded.
 */
function inspect(doc: Document, file: SourceFile, diags: Diagnostic[]): void {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let expanded = 0;
  let bombReported = false;
  let depthReported = false;
  const visit = (node: unknown, depth: number): number => {
    if (!isNode(node)) return 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      let n = 1;
      if (!target) {
        diags.push({ code: 'NS105', message: `alias '*${node.source}' has no anchor '&${node.source}' before it`, file, range: rangeOf(node) });
      } else if (open.has(target)) {
        diags.push({ code: 'NS105', message: `alias '*${node.source}' refers to a node that contains it`, hint: 'a spec is a tree: an alias cannot repeat its own ancestor', file, range: rangeOf(node) });
      } else {
        n = sizes.get(target) ?? 1;
      }
      expanded += n;
      if (expanded > YAML_LIMITS.maxExpandedNodes && !bombReported) {
        bombReported = true;
        diags.push({
          code: 'NS105',
          message: `YAML aliases expand this document to more than ${YAML_LIMITS.maxExpandedNodes.toLocaleString('en-US')} nodes`,
          hint: 'write the repeated parts out, or use fewer nested aliases',
          file,
          range: rangeOf(node),
        });
      }
      return n;
    }
    expanded += 1;
    if (node.anchor) anchors.set(node.anchor, node);
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !CORE_TAGS.has(tag)) {
      const written = node.range ? tagSource(file.text, node.range[0]) : undefined;
      diags.push({
        code: 'NS103',
        message: `YAML tag '${written?.text ?? tag}' is not allowed: a spec is plain data`,
        hint: 'remove the tag',
        file,
        range: written?.range ?? rangeOf(node),
      });
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    if (depth >= YAML_LIMITS.maxDepth) {
      if (!depthReported) diags.push({ code: 'NS107', message: `lists and maps are nested more than ${YAML_LIMITS.maxDepth} deep`, file, range: rangeOf(node) });
      depthReported = true;
      return 1;
    }
    open.add(node);
    let n = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isNode(pair.key) && !isScalar(pair.key)) {
          diags.push({ code: 'NS106', message: 'map keys must be plain names, not lists, maps or aliases', file, range: rangeOf(pair.key) });
        }
        n += visit(pair.key, depth + 1) + visit(pair.value, depth + 1);
      }
    } else {
      for (const item of node.items) n += visit(item, depth + 1);
    }
    open.delete(node);
    n = Math.min(n, Number.MAX_SAFE_INTEGER);
    sizes.set(node, n);
    return n;
  };
  visit(doc.contents, 0);
}

/** The unmatched `open` bracket before `pos`, ignoring what is inside quotes or comments only roughly. */
function unclosedBefore(text: string, pos: number, open: string, close: string): number | undefined {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open && depth-- === 0) return i;
  }
  return undefined;
}

/** yaml's error, in the words and at the place a spec author needs, with a hint. */
function syntaxDiagnostic(text: string, e: { code: string; message: string; pos: [number, number] }): Pick<Diagnostic, 'code' | 'message' | 'hint' | 'range'> {
  const message = e.message.replace(/ at line \d+, column \d+.*$/s, '');
  const range: Range = [e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)];
  const flow = /^Flow (map|sequence) in block collection must be sufficiently indented and end with a ([}\]])/.exec(message);
  if (flow) {
    const [close, open] = flow[2] === '}' ? ['}', '{'] : [']', '['];
    const at = unclosedBefore(text, e.pos[0], open, close);
    if (at !== undefined) {
      return {
        code: 'NS101',
        message: `YAML syntax error: this '${open}' is not closed with '${close}'`,
        hint: `close it with '${close}' (a ${flow[1] === 'map' ? 'flow map' : 'flow list'} may go on over more lines only if they are indented more)`,
        range: [at, at + 1],
      };
    }
  }
  switch (e.code) {
    case 'DUPLICATE_KEY': {
      const key = /^("[^"\n]*"|'[^'\n]*'|[^\s:,{}[\]]+)/.exec(text.slice(e.pos[0]))?.[0];
      return {
        code: 'NS102',
        message: `duplicate key${key ? ` '${key.replace(/^["']|["']$/g, '')}'` : ''}: map keys must be unique`,
        hint: 'remove one of the two, or rename it',
        range: key ? [e.pos[0], e.pos[0] + key.length] : range,
      };
    }
    case 'MULTIPLE_DOCS':
      return { code: 'NS101', message: 'YAML syntax error: a spec file holds one YAML document', hint: "remove the '---' separator and what follows it", range };
    case 'RESOURCE_EXHAUSTION':
      return { code: 'NS107', message: 'YAML nesting is too deep to parse', range };
    case 'TAB_AS_INDENT':
      return { code: 'NS101', message: 'YAML syntax error: tabs are not allowed as indentation', hint: 'indent with spaces', range };
    case 'BAD_INDENT':
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return { code: 'NS101', message: `YAML syntax error: ${message}`, hint: 'check the indentation of this line against the lines above it', range };
    default:
      return { code: 'NS101', message: `YAML syntax error: ${message}`, range };
  }
}

export function parseYaml(path: string, text: string): ParsedYaml {
  const file = sourceFile(path, text);
  const diagnostics: Diagnostic[] = [];
  const none: ParsedYaml = { file, value: undefined, diagnostics, locate: () => undefined };
  if (text.length > YAML_LIMITS.maxBytes) {
    diagnostics.push({
      code: 'NS104',
      message: `spec file has ${text.length.toLocaleString('en-US')} characters; the limit is ${YAML_LIMITS.maxBytes.toLocaleString('en-US')}`,
      file,
    });
    return none;
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, customTags: [], strict: true });
  // One message per line: yaml often reports one slip as a cascade on the same line.
  const lines = new Set<number>();
  for (const e of doc.errors) {
    const line = file.text.slice(0, e.pos[0]).split('\n').length;
    if (lines.has(line)) continue;
    lines.add(line);
    diagnostics.push({ ...syntaxDiagnostic(text, e), file });
  }
  if (diagnostics.length === 0) inspect(doc, file, diagnostics);
  if (diagnostics.length > 0) return { ...none, diagnostics };
  let value: unknown;
  try {
    // inspect() has bounded the expansion; yaml's own alias bound stays as a second guard.
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxExpandedNodes });
  } catch (e) {
    diagnostics.push({ code: 'NS105', message: `YAML aliases cannot be expanded: ${(e as Error).message}`, file, range: [0, 1] });
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
      // Past an alias, locations stay at the alias: the expanded value has no place of its own.
      if (isAlias(node)) return best;
    }
    return best;
  };
  return { file, value, diagnostics, locate };
}
