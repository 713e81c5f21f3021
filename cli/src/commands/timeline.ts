// `klp-studio timeline SCENARIO -o FILE.html [--path DIR]... [--kernel ...] [--kernel-api ...]`:
// runs a `.klpsim` scenario through the simulator (with simulate's options) and writes the
// transition timeline as one self-contained HTML file (the same renderer as the VS Code
// webview, inlined, with a strict CSP). SCENARIO may also be a `klp-studio simulate
// --format json` document.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../main';
import { choice, errnoText, flag, option, parseArgs, readInputFile, UsageError } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { DEFAULT_KERNEL_PROFILE, KERNEL_PROFILES, simulateFile } from '../../../core/src/sim';
import type { SimRunDocument } from '../../../core/src/sim/events';
import { timelineDocument } from '../../../core/src/timeline/document';
import type { TimelineInput } from '../../../core/src/timeline/input';
import { nodeHost } from '../../../common/src/nodeHost';

const USAGE = `usage: klp-studio timeline SCENARIO -o FILE.html [--path DIR]...
                  [--kernel latest|6.1|6.12|7.2] [--kernel-api LEVEL]
                  [--no-debug] [--title TEXT]

Runs a .klpsim scenario on the simulated kernel and writes its transition
timeline as one self-contained HTML file (open it in any browser; nothing is
fetched; docs/TIMELINE.md). SCENARIO may also be the JSON of
'klp-studio simulate --format json' (the run is already made: --path, --kernel
and --kernel-api go to simulate then).

  -o, --output FILE    where to write the HTML ('-' for standard output)
  --path DIR           another folder with module sources (repeatable)
  --kernel K           the kernel simulated: latest, 6.1, 6.12 or 7.2 (as
                       for 'klp-studio simulate')
  --kernel-api LEVEL   upstream, state-callbacks or auto (as for simulate)
  --no-debug           leave out pr_debug lines from the transcript
  --title TEXT         the heading (default: the scenario path)
exit status: 0 when written, 1 when a livepatch the scenario needs has no
sources, 2 for a malformed scenario, an unwritable output or bad usage`;

const OPTIONS = { valued: ['--output', '-o', '--path', '--kernel', '--kernel-api', '--title'], switches: ['--no-debug'] };

/** Where the bundled renderer is: beside dist/cli.js, or dist/ when run from the sources. */
function findRenderer(): string | undefined {
  const candidates = [path.join(__dirname, 'webview.js'), path.resolve(__dirname, '../../../dist/webview.js'), path.resolve(__dirname, '../dist/webview.js')];
  return candidates.find((p) => fs.existsSync(p));
}

function isRunDocument(x: unknown): x is SimRunDocument {
  return typeof x === 'object' && x !== null && (x as SimRunDocument).schema === 'klp-studio/sim-events' && Array.isArray((x as SimRunDocument).events);
}

export const command: Command = {
  summary: 'write a scenario\'s transition timeline as a standalone HTML file',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const args = parseArgs(argv.map((a) => (a === '-o' ? '--output' : a.startsWith('-o=') ? `--output=${a.slice(3)}` : a)), OPTIONS.valued, OPTIONS.switches);
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? `one SCENARIO expected (got ${args.positionals.map((p) => `'${p}'`).join(', ')})` : 'missing SCENARIO');
    const out = option(args, '--output');
    if (!out) throw new UsageError('missing -o FILE.html (where to write the timeline)');
    const kernel = choice(args, '--kernel', KERNEL_PROFILES, DEFAULT_KERNEL_PROFILE);
    const kernelApi = choice(args, '--kernel-api', ['auto', 'upstream', 'state-callbacks'] as const, 'auto');
    const given = args.positionals[0];
    const { file, text } = readInputFile(io, given, 'give a .klpsim scenario or the JSON of klp-studio simulate --format json');
    const renderer = findRenderer();
    if (!renderer) {
      io.err('klp-studio timeline: the renderer (dist/webview.js) is missing; run npm run build\n');
      return 2;
    }
    const debug = !flag(args, '--no-debug');
    let input: TimelineInput;
    let status = 0;
    let json: unknown;
    if (/^\s*\{/.test(text)) {
      try { json = JSON.parse(text); } catch { json = undefined; }
    }
    if (isRunDocument(json)) {
      const moot = ['--path', '--kernel', '--kernel-api'].filter((o) => args.flags.has(o));
      if (moot.length) throw new UsageError(`${moot.join(', ')}: ${given} is already a run (klp-studio simulate --format json); give these options to simulate`);
      input = { title: option(args, '--title') ?? json.scenario ?? given, scenario: json.scenario, events: debug ? json.events : json.events.filter((e) => !e.debug), exitStatus: json.exitStatus };
    } else {
      const dirs = (args.flags.get('--path') ?? []).map((d) => path.resolve(io.cwd, d));
      await initParser();
      const r = simulateFile(file, text, dirs, nodeHost, { debug, ...(kernel !== DEFAULT_KERNEL_PROFILE ? { kernel } : {}), ...(kernelApi !== 'auto' ? { kernelApi } : {}) });
      if (r.errors.length) {
        const rel = (e: string) => (e.startsWith(file + ':') ? given + e.slice(file.length) : e).split(io.cwd.replace(/\/$/, '') + '/').join('');
        io.err(r.errors.map(rel).join('\n') + '\n');
        return r.exitStatus;
      }
      status = r.exitStatus;
      // Source paths relative to the current directory read better in a report.
      const base = io.cwd.replace(/\/$/, '') + '/';
      const events = (debug ? r.events : r.events.filter((e) => !e.debug)).map((e) => (e.sources ? { ...e, sources: e.sources.map((s) => ({ ...s, file: s.file.startsWith(base) ? s.file.slice(base.length) : s.file })) } : e));
      input = { title: option(args, '--title') ?? given, scenario: given, events, exitStatus: r.exitStatus };
    }
    const html = timelineDocument({ title: input.title, nonce: crypto.randomBytes(18).toString('base64'), script: { inline: fs.readFileSync(renderer, 'utf8') }, data: input });
    if (out === '-') {
      io.out(html);
    } else {
      const target = path.resolve(io.cwd, out);
      try {
        fs.writeFileSync(target, html);
      } catch (e) {
        io.err(`klp-studio timeline: cannot write ${out}: ${errnoText(e)}\n`);
        return 2;
      }
      io.err(`wrote ${out} (${input.events.length} events, ${Math.round(html.length / 1024)} KiB)\n`);
    }
    return status;
  },
};
