// The yardstick of the language-server benchmarks: raw tree-sitter, with nothing of KLP
// Studio around it. A RawDocument holds a tree and its text and applies an edit the way any
// incremental client of tree-sitter would (Tree.edit + Parser.parse with the old tree);
// rawParse times a full parse. Same web-tree-sitter and grammar wasm as the server.
import { Edit, initParser, newParser, type Tree } from '../core/src/cparse/parser';
import type { Parser } from 'web-tree-sitter';
import { LineIndex } from '../core/src/text';

let parser: Parser | undefined;

async function theParser(): Promise<Parser> {
  await initParser();
  return (parser ??= newParser());
}

/** CPU milliseconds (user + system) of this process since C0. */
export function cpuSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** Milliseconds of a full parse of TEXT (and the tree, deleted); CPU ms in CPU.ms. */
export async function rawParse(text: string, cpu?: { ms: number }): Promise<number> {
  const p = await theParser();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const tree = p.parse(text);
  const ms = performance.now() - t0;
  if (cpu) cpu.ms += cpuSince(c0);
  tree?.delete();
  return ms;
}

export class RawDocument {
  private tree: Tree;
  private lines: LineIndex;

  private constructor(private p: Parser, private text: string) {
    this.tree = p.parse(text)!;
    this.lines = new LineIndex(text);
  }

  static async open(text: string): Promise<RawDocument> {
    return new RawDocument(await theParser(), text);
  }

  /** CPU milliseconds of the last edit's Tree.edit + Parser.parse. */
  lastCpu = 0;

  /**
   * Replaces [start, end) (offsets) by INSERT and reparses incrementally; returns the
   * milliseconds of Tree.edit + Parser.parse only (positions are computed before).
   */
  edit(start: number, end: number, insert: string): number {
    const s = this.lines.positionAt(start);
    const e = this.lines.positionAt(end);
    const text = this.text.slice(0, start) + insert + this.text.slice(end);
    const lines = new LineIndex(text);
    const ne = lines.positionAt(start + insert.length);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    this.tree.edit(new Edit({
      startIndex: start, oldEndIndex: end, newEndIndex: start + insert.length,
      startPosition: { row: s.line, column: s.character },
      oldEndPosition: { row: e.line, column: e.character },
      newEndPosition: { row: ne.line, column: ne.character },
    }));
    const next = this.p.parse(text, this.tree)!;
    const ms = performance.now() - t0;
    this.lastCpu = cpuSince(c0);
    this.tree.delete();
    this.tree = next;
    this.text = text;
    this.lines = lines;
    return ms;
  }

  get hasError(): boolean {
    return this.tree.rootNode.hasError;
  }

  dispose(): void {
    this.tree.delete();
  }
}
