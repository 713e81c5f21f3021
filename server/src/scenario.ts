// `.klpsim` scenario documents: parse errors as diagnostics (code KLPSIM), completion of
// commands, directives, module names and livepatch sysfs paths, and hover on commands and
// directives. The parser is the simulator's own (core/src/scenario/parse.ts).
import {
  CompletionItemKind, MarkupKind, type CompletionItem, type CompletionParams, type Hover, type HoverParams,
} from 'vscode-languageserver/node';
import type { Finding } from '../../core/src/findings';
import { parseScenario } from '../../core/src/scenario/parse';
import { type ServerContext, linesOf } from './context';
import { uriToPath } from './uris';

export function isScenario(path: string): boolean {
  return path.endsWith('.klpsim');
}

const COMMANDS: Record<string, { snippet: string; doc: string }> = {
  insmod: { snippet: 'insmod ${1:module}.ko', doc: 'Loads a module from its `.ko` (the name is the file name, `-` turned into `_`). A livepatch module enables its patch from its init function: the command fails with the errno of `klp_enable_patch()`.' },
  modprobe: { snippet: 'modprobe ${1:module}', doc: 'Loads a module by name; succeeds silently when it is already loaded.' },
  rmmod: { snippet: 'rmmod ${1:module}', doc: 'Unloads a module. A livepatch module is in use while its patch is enabled, in transition, or was forced.' },
  echo: { snippet: 'echo ${1|0,1|} > /sys/kernel/livepatch/${2:patch}/${3|enabled,force|}', doc: 'Writes a sysfs file: `enabled` (0 disables, writing the opposite value during a transition reverses it), `force` (switches every task of the transition patch), or a module parameter under /sys/module/NAME/parameters/.' },
  cat: { snippet: 'cat /sys/kernel/livepatch/${1:patch}/${2|enabled,transition,replace,stack_order|}', doc: 'Prints a sysfs attribute of a patch (`enabled`, `transition`, `replace`, `stack_order`) or of an object (`OBJ/patched`).' },
  ls: { snippet: 'ls /sys/kernel/livepatch', doc: 'Lists the patch directories (the patches in the kernel\'s list, enabled or in transition).' },
  sysctl: { snippet: 'sysctl -w kernel.ftrace_enabled=${1|0,1|}', doc: 'Turns ftrace off or on: no livepatch can register while it is 0, and it cannot be set to 0 while a patch is applied.' },
  sleep: { snippet: 'sleep ${1:1}', doc: 'Lets N seconds of virtual time pass: the transition is retried every second, and remaining tasks are signalled at the 15th retry.' },
};

const DIRECTIVES: Record<string, { snippet: string; doc: string }> = {
  'task sleeps-in': { snippet: '#@ task ${1:name} sleeps-in ${2:function}', doc: 'Declares a task whose stack holds these functions: it blocks a transition that patches or unpatches one of them. Add `kthread` for a kernel thread (signals wake it but do not move it), `pid=N` to fix its pid.' },
  'task running-on-cpu': { snippet: '#@ task ${1:name} running-on-cpu', doc: 'A task running on another CPU at every check: it never switches at a stack check.' },
  'task leaves': { snippet: '#@ task ${1:name} leaves ${2:function}', doc: 'The task\'s stack no longer holds the function.' },
  'task exits': { snippet: '#@ task ${1:name} exits', doc: 'The task is gone (it no longer blocks anything).' },
  kernel: { snippet: '#@ kernel reliable_stacktrace=n', doc: 'The architecture cannot check stacks: tasks switch only when returning to user space, on signals or by force.' },
};

/** Parse errors of a scenario document as findings. */
export function scenarioFindings(path: string, text: string): Finding[] {
  const s = parseScenario(path, text);
  return s.errors.map((e) => ({ code: 'KLPSIM', severity: 'error', message: `${e.message} (expected ${e.expected})`, file: path, range: e.range }));
}

function livepatchNames(ctx: ServerContext): string[] {
  return [...new Set(ctx.analyzer.knownModels().filter((m) => m.model.isLivepatch).map((m) => m.model.name))].sort();
}

function moduleNames(ctx: ServerContext): string[] {
  return [...new Set(ctx.index.all().map((m) => m.name))].sort();
}

export function scenarioCompletion(ctx: ServerContext, p: CompletionParams): CompletionItem[] {
  const path = uriToPath(p.textDocument.uri);
  const lines = path ? linesOf(ctx, path) : undefined;
  if (!path || !lines) return [];
  const before = lines.lineText(p.position.line).slice(0, p.position.character);
  const trimmed = before.trimStart();
  const item = (label: string, kind: CompletionItemKind, detail?: string, doc?: string, insert?: string): CompletionItem => ({
    label, kind, detail,
    documentation: doc ? { kind: MarkupKind.Markdown, value: doc } : undefined,
    insertText: insert, insertTextFormat: insert ? 2 : undefined,
  });
  if (/^#@\s*\S*$/.test(trimmed) || trimmed === '#') {
    return Object.entries(DIRECTIVES).map(([k, v]) => ({ ...item(`#@ ${k}`, CompletionItemKind.Keyword, 'directive', v.doc, v.snippet), filterText: `#@ ${k}`, textEdit: { range: { start: { line: p.position.line, character: before.length - trimmed.length }, end: p.position }, newText: v.snippet } }));
  }
  if (/^\w*$/.test(trimmed)) return Object.entries(COMMANDS).map(([k, v]) => item(k, CompletionItemKind.Function, 'command', v.doc, v.snippet));
  let m = /^insmod\s+(\S*)$/.exec(trimmed);
  if (m) return moduleNames(ctx).map((n) => item(`${n}.ko`, CompletionItemKind.Module, 'module'));
  m = /^(modprobe|rmmod)\s+(\S*)$/.exec(trimmed);
  if (m) return moduleNames(ctx).map((n) => item(n, CompletionItemKind.Module, 'module'));
  m = /^(?:echo\s+\S+\s*>\s*|cat\s+)(\/sys\/kernel\/livepatch\/)([^/\s]*)$/.exec(trimmed);
  if (m) return livepatchNames(ctx).map((n) => item(n, CompletionItemKind.Folder, 'livepatch'));
  m = /^(echo\s+\S+\s*>\s*|cat\s+)\/sys\/kernel\/livepatch\/[^/\s]+\/(\w*)$/.exec(trimmed);
  if (m) {
    const attrs = m[1].startsWith('echo') ? ['enabled', 'force'] : ['enabled', 'transition', 'replace', 'stack_order'];
    return attrs.map((a) => item(a, CompletionItemKind.File, 'sysfs attribute'));
  }
  m = /^(echo\s+\S+\s*>\s*|cat\s+|ls\s+)(\/\S*)$/.exec(trimmed);
  if (m && '/sys/kernel/livepatch/'.startsWith(m[2])) return [item('/sys/kernel/livepatch/', CompletionItemKind.Folder, 'livepatch sysfs')];
  return [];
}

export function scenarioHover(ctx: ServerContext, p: HoverParams): Hover | null {
  const path = uriToPath(p.textDocument.uri);
  const lines = path ? linesOf(ctx, path) : undefined;
  if (!path || !lines || p.position.line >= lines.lineCount) return null;
  const line = lines.lineText(p.position.line);
  const d = /^\s*#@\s*(task\s+\S+\s+(sleeps-in|running-on-cpu|leaves|exits)|task\s+\S+(?:\s+\S+)*\s+(sleeps-in)|kernel)\b/.exec(line);
  if (d) {
    const key = d[1].startsWith('kernel') ? 'kernel' : `task ${d[2] ?? d[3]}`;
    const info = DIRECTIVES[key] ?? DIRECTIVES['task sleeps-in'];
    return { contents: { kind: MarkupKind.Markdown, value: `**\`#@ ${key}\`**\n\n${info.doc}` } };
  }
  const c = /^\s*(\w+)/.exec(line);
  if (!c || !COMMANDS[c[1]]) return null;
  const start = line.indexOf(c[1]);
  if (p.position.character < start || p.position.character > start + c[1].length) return null;
  return { contents: { kind: MarkupKind.Markdown, value: `**\`${c[1]}\`**\n\n${COMMANDS[c[1]].doc}` }, range: { start: { line: p.position.line, character: start }, end: { line: p.position.line, character: start + c[1].length } } };
}
