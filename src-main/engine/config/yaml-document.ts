/** Reads a YAML config into plain data plus a lookup from key paths to the 1-based line of each key. */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { CrucibleError } from '../errors';
import type { KeyPath } from './problems';

export interface YamlConfig {
  data: unknown;
  /** The line of the key at `path` (of the item, for list entries); for a missing key, the line of its nearest parent. */
  lineOf(path: KeyPath): number | undefined;
}

/** Parses `text`; malformed YAML and duplicate keys throw a bad-config error at their line. */
export function parseYamlConfig(text: string, file?: string): YamlConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true });
  const [error] = doc.errors;
  if (error) {
    // The message reads "… at line 3, column 5:" followed by an excerpt; the location carries the line.
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new CrucibleError('bad-config', `The config is not valid YAML: ${message}.`, {
      location: { file, row: error.linePos?.[0].line },
      hint: error.code === 'DUPLICATE_KEY' ? 'Remove or rename one of the two keys.' : 'Check the indentation and the brackets on that line.',
    });
  }
  return {
    data: doc.toJS({ maxAliasCount: 1000 }),
    lineOf: (path) => {
      const offset = keyOffset(doc, path);
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}

function keyOffset(doc: Document, path: KeyPath): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
