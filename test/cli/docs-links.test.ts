// Every relative link of every tracked Markdown file (README.md, docs/*.md, examples/...)
// resolves: the file or folder exists, and a #fragment names a heading of the target (as
// GitHub makes anchors). Also the docs/*.md files the CLI's help texts point to exist.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commands, ROOT } from './run';

/** Tracked *.md files (untracked ones are someone's work in progress). */
function markdownFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '*.md', '**/*.md'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).filter((f) => !f.includes('node_modules/'));
  } catch {
    return ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  }
}

/** Markdown without fenced code blocks. */
function unfenced(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown without code (links in code are not links). */
function prose(text: string): string {
  return unfenced(text).replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2... */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of unfenced(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = m[1].replace(/`/g, '').replace(/<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  for (const m of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** Link targets: inline links and images `[t](target "title")`, reference definitions `[id]: target`, HTML href/src. */
export function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*["')])?\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push(m[1]);
  for (const m of text.matchAll(/\b(?:href|src)="([^"]+)"/g)) out.push(m[1]);
  return out;
}

const external = (t: string) => /^[a-z][a-z0-9+.-]*:/i.test(t) || t.startsWith('//');

describe('documentation links', () => {
  const files = markdownFiles();

  it('finds the Markdown files and their links (the checker itself)', () => {
    assert.ok(files.includes('README.md') && files.some((f) => f.startsWith('docs/')), files.join(', '));
    assert.deepEqual(linkTargets('see [a](docs/A.md#x-y) and ![i](p.png "t")\n\n[r]: ../B.md\n`[no](c.md)`\n```\n[no](d.md)\n```\n'), ['docs/A.md#x-y', 'p.png', '../B.md']);
    assert.deepEqual([...anchors('# The `check` command\n## What? Why!\n## What? Why!\n```\n# not a heading\n```\n')], ['the-check-command', 'what-why', 'what-why-1']);
  });

  for (const file of files) {
    it(`${file}: every relative link resolves`, () => {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const broken: string[] = [];
      for (const target of linkTargets(text)) {
        if (external(target)) continue;
        const [p, fragment] = target.split('#', 2);
        const abs = p ? path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(p)) : path.join(ROOT, file);
        if (!fs.existsSync(abs)) { broken.push(`${target}: no such file`); continue; }
        if (fragment && fs.statSync(abs).isFile() && abs.endsWith('.md') && !anchors(fs.readFileSync(abs, 'utf8')).has(decodeURIComponent(fragment))) {
          broken.push(`${target}: no heading #${fragment} in ${path.relative(ROOT, abs)}`);
        }
      }
      assert.deepEqual(broken, []);
    });
  }

  it('the docs the CLI help texts point to exist', async () => {
    for (const [name, c] of await commands()) {
      for (const m of c.usage.matchAll(/\bdocs\/[\w.-]+\.md\b/g)) assert.ok(fs.existsSync(path.join(ROOT, m[0])), `klp-studio ${name} --help names ${m[0]}`);
    }
  });
});
