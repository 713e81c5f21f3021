// "KLP Studio: Verify Scenario on Real Kernel" (klpStudio.verifyScenario): runs the active
// (or chosen) .klpsim through `klp-studio verify --format json --progress` (dist/cli.js, in
// a child Node process) with a cancellable progress notification, then shows the
// simulator's transcript beside the real kernel's as a diff editor, with the verdict and
// the notes in a message. Cancel kills the run (the CLI stops QEMU and cleans up).
// It builds the workspace's modules and boots them, so it needs a trusted workspace
// (package.json capabilities.untrustedWorkspaces: limited; docs/RELIABILITY.md).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const VERIFY_COMMAND = 'klpStudio.verifyScenario';
const SCHEME = 'klp-verify';

interface VerifyReport {
  agree: boolean | null;
  kernel: { release: string };
  real: { transcript: string[] };
  simulated: { transcript: string[] } | null;
  diff: string;
  notes: string[];
  timings: { totalMs: number };
}

/** Transcripts shown in the diff editor, by URI path. */
class TranscriptDocs implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  set(uri: vscode.Uri, text: string): void {
    this.docs.set(uri.path, text);
    this.changed.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.path) ?? '';
  }
  dispose(): void {
    this.changed.dispose();
  }
}

async function pickScenario(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (uri instanceof vscode.Uri) return uri;
  const active = vscode.window.activeTextEditor?.document;
  if (active && (active.languageId === 'klpsim' || active.fileName.endsWith('.klpsim'))) {
    if (active.isDirty) await active.save();
    return active.uri;
  }
  const files = await vscode.workspace.findFiles('**/*.klpsim', '**/node_modules/**', 200);
  if (!files.length) {
    void vscode.window.showErrorMessage('KLP Studio: no .klpsim scenario to verify.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: 'Scenario to run on a real kernel' });
  return pick?.uri;
}

/** Runs the CLI; resolves with its exit status and output. */
function runCli(context: vscode.ExtensionContext, args: string[], cwd: string, onProgress: (m: string) => void, token: vscode.CancellationToken): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const cli = path.join(context.extensionPath, 'dist', 'cli.js');
    const child: ChildProcess = spawn(process.execPath, [cli, 'verify', ...args], {
      cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let pending = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => {
      pending += d;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('verify: progress: ')) onProgress(line.slice('verify: progress: '.length));
        else err += line + '\n';
      }
    });
    // SIGINT: the CLI's handler stops QEMU and removes its run folder.
    const cancel = token.onCancellationRequested(() => child.kill('SIGINT'));
    child.on('error', (e) => { cancel.dispose(); reject(e); });
    child.on('close', (code) => { cancel.dispose(); resolve({ code: code ?? 130, out, err: err + pending }); });
  });
}

export function registerVerify(context: vscode.ExtensionContext): void {
  const docs = new TranscriptDocs();
  const output = vscode.window.createOutputChannel('KLP Studio: Verify');
  context.subscriptions.push(
    docs,
    output,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
    vscode.commands.registerCommand(VERIFY_COMMAND, async (uri?: vscode.Uri) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('KLP Studio: Verify builds the workspace\'s modules with gcc and runs them in a virtual machine, so it needs a trusted workspace.', 'Manage Workspace Trust')
          .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
        return undefined;
      }
      const scenario = await pickScenario(uri);
      if (!scenario) return undefined;
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      const args = [scenario.fsPath, ...folders.flatMap((f) => ['--path', f]), '--format', 'json', '--progress'];
      const cwd = path.dirname(scenario.fsPath);
      const name = path.basename(scenario.fsPath);
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Verifying ${name} on a real kernel`, cancellable: true },
        (progress, token) => runCli(context, args, cwd, (m) => progress.report({ message: m }), token),
      );
      output.appendLine(`$ klp-studio verify ${args.join(' ')}\n${r.err.trim()}`);
      if (r.code === 130) return undefined;
      let report: VerifyReport | undefined;
      try { report = JSON.parse(r.out) as VerifyReport; } catch { /* not a report */ }
      if (!report) {
        const choice = await vscode.window.showErrorMessage(`KLP Studio: verify could not run: ${r.err.trim().split('\n').slice(0, 3).join(' ')}`, 'Show Log');
        if (choice) output.show(true);
        return r;
      }
      const realUri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}.real-${report.kernel.release}.txt` });
      const simUri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}.simulated.txt` });
      docs.set(realUri, report.real.transcript.join('\n') + '\n');
      docs.set(simUri, (report.simulated?.transcript ?? []).join('\n') + '\n');
      await vscode.commands.executeCommand('vscode.diff', simUri, realUri, `${name}: simulator ↔ real kernel ${report.kernel.release}`, { preview: false });
      for (const n of report.notes) output.appendLine(`note: ${n}`);
      const verdict = report.agree ? 'the real kernel agrees with the simulator' : 'the real kernel and the simulator differ';
      const secs = (report.timings.totalMs / 1000).toFixed(0);
      const show = report.agree ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(`KLP Studio: ${name}: ${verdict} (${secs} s)${report.notes.length ? ` — ${report.notes.length} note(s)` : ''}`, ...(report.notes.length ? ['Show Notes'] : [])).then((c) => c && output.show(true));
      return report;
    }),
  );
}
