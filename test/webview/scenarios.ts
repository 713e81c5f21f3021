// The repository's scenarios (examples/, the simulator's conformance cases, the verify cases)
// with their module search folders: the timeline tests lay out every real run of them.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Every .klpsim in the repository's examples and simulator test cases, with search dirs. */
export function repositoryScenarios(): { file: string; dirs: string[] }[] {
  const out: { file: string; dirs: string[] }[] = [];
  const walk = (dir: string, dirs: string[]) => {
    if (!fs.existsSync(dir)) return;
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory() && d.name !== 'modules' && !d.name.startsWith('.')) walk(p, dirs);
      else if (d.name.endsWith('.klpsim')) out.push({ file: p, dirs });
    }
  };
  walk(path.join(ROOT, 'examples'), []);
  for (const group of ['test/conformance/shared', 'test/conformance/cases', 'test/verify/cases']) {
    const dir = path.join(ROOT, group);
    walk(dir, [path.join(dir, 'modules'), path.join(ROOT, 'test/conformance/shared/modules')]);
  }
  return out;
}

