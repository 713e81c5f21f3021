// Commands that run the transition simulator through the server's `klp/simulate` request
// (common/src/protocol.ts) and show the transcript: klpStudio.simulateScenario (the active or
// chosen .klpsim file), klpStudio.simulateEnable / simulateDisable / simulateUpgrade (code
// lenses pass the module; from the palette a quick pick of the workspace's livepatches).
// Every run shows a cancellable progress notification; Cancel sends $/cancelRequest.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ModulesRequest,
  SimulateRequest,
  type LensCommandArgs,
  type SimulateResult,
  type SimulateTarget,
  type WorkspaceModule,
} from '../../common/src/protocol';
import { kernelApi as kernelApiSetting, simulateDebug, simulateKernel } from './settings';
import type { TranscriptView } from './transcriptView';

export const SimulateCommands = {
  scenario: 'klpStudio.simulateScenario',
  enable: 'klpStudio.simulateEnable',
  disable: 'klpStudio.simulateDisable',
  upgrade: 'klpStudio.simulateUpgrade',
} as const;

/** What the last run produced; the e2e suite and other features (timeline) read it. */
export interface SimulationRun {
  target: SimulateTarget;
  result: SimulateResult;
  document?: vscode.TextDocument;
}

export class Simulator {
  private readonly listeners = new vscode.EventEmitter<SimulationRun>();
  /** Fires after every completed run (ok or not). */
  readonly onDidSimulate = this.listeners.event;
  lastRun: SimulationRun | undefined;

  constructor(
    private readonly ready: () => Promise<LanguageClient>,
    private readonly view: TranscriptView,
  ) {}

  register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      this.listeners,
      vscode.commands.registerCommand(SimulateCommands.scenario, (uri?: vscode.Uri) => this.simulateScenario(uri)),
      vscode.commands.registerCommand(SimulateCommands.enable, (args?: LensCommandArgs) => this.simulateModule('enable', args)),
      vscode.commands.registerCommand(SimulateCommands.disable, (args?: LensCommandArgs) => this.simulateModule('disable', args)),
      vscode.commands.registerCommand(SimulateCommands.upgrade, (args?: LensCommandArgs) => this.simulateModule('upgrade', args)),
    );
  }

  /** Runs a scenario: the argument (explorer/editor menu), else the active .klpsim editor, else a pick. */
  async simulateScenario(uri?: vscode.Uri): Promise<SimulationRun | undefined> {
    let target = uri instanceof vscode.Uri ? uri : undefined;
    const active = vscode.window.activeTextEditor?.document;
    if (!target && active?.languageId === 'klpsim') target = active.uri;
    if (!target) {
      const files = await vscode.workspace.findFiles('**/*.klpsim', '**/node_modules/**', 200);
      if (!files.length) {
        void vscode.window.showWarningMessage('KLP Studio: no .klpsim scenario in the workspace. Open or create one to simulate it.');
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })).sort((a, b) => a.label.localeCompare(b.label)),
        { title: 'Simulate Scenario', placeHolder: 'Choose a .klpsim scenario' },
      );
      if (!pick) return undefined;
      target = pick.uri;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target!.toString());
    return this.run({ kind: 'scenario', uri: target.toString(), text: open?.getText() }, vscode.workspace.asRelativePath(target), target);
  }

  /** enable / disable / upgrade of a workspace livepatch; asks for what it is not given. */
  async simulateModule(kind: 'enable' | 'disable' | 'upgrade', args?: LensCommandArgs): Promise<SimulationRun | undefined> {
    let module = args?.module;
    let from = args?.from;
    let modules: WorkspaceModule[] | undefined;
    const listModules = async () => (modules ??= await (await this.ready()).sendRequest(ModulesRequest.type, { livepatchOnly: true }));
    if (!module) {
      const picked = await this.pickModule(await listModules(), `Simulate ${kind}: which livepatch?`);
      if (!picked) return undefined;
      module = picked.name;
    }
    if (kind === 'upgrade' && !from) {
      const all = await listModules();
      const me = all.find((m) => m.name === module);
      // Offer the series predecessor first: that is the upgrade a user actually performs.
      const prev = me?.series ? all.find((m) => m.series?.name === me.series!.name && m.series.index === me.series!.index - 1) : undefined;
      const others = all.filter((m) => m.name !== module);
      const ordered = prev ? [prev, ...others.filter((m) => m !== prev)] : others;
      const picked = await this.pickModule(ordered, `Simulate upgrade to ${module} from which loaded livepatch?`);
      if (!picked) return undefined;
      from = picked.name;
    }
    const target: SimulateTarget = kind === 'upgrade' ? { kind, module, from: from! } : { kind, module };
    const title = kind === 'upgrade' ? `upgrade ${from} to ${module}` : `${kind} ${module}`;
    return this.run(target, title, args?.uri ? vscode.Uri.parse(args.uri) : undefined);
  }

  private async pickModule(modules: WorkspaceModule[], title: string): Promise<WorkspaceModule | undefined> {
    if (!modules.length) {
      void vscode.window.showWarningMessage('KLP Studio: no livepatch module (a klp_patch passed to klp_enable_patch) was found in the workspace.');
      return undefined;
    }
    const items = modules.map((m) => ({
      label: m.name,
      description: m.series ? `${m.series.name} #${m.series.index + 1}` : undefined,
      detail: vscode.workspace.asRelativePath(vscode.Uri.parse(m.uri)) + (m.replace === true ? ' · replace' : m.replace === false ? ' · no replace' : ''),
      module: m,
    }));
    return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true }))?.module;
  }

  /** Sends klp/simulate under a cancellable progress notification and shows the outcome. */
  async run(target: SimulateTarget, title: string, scope?: vscode.Uri): Promise<SimulationRun | undefined> {
    const client = await this.ready();
    const debug = simulateDebug(scope);
    const kernel = simulateKernel(scope);
    const kernelApi = kernelApiSetting();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `KLP Studio: simulating ${title}`, cancellable: true },
      async (_progress, token) => {
        try {
          const r = await client.sendRequest(SimulateRequest.type, { target, debug, kernel, ...(kernelApi !== 'auto' ? { kernelApi } : {}) }, token);
          return token.isCancellationRequested ? undefined : r; // cancelled while the answer was on its way
        } catch (err) {
          if (token.isCancellationRequested) return undefined;
          throw err;
        }
      },
    );
    if (!result) return undefined; // cancelled
    const run: SimulationRun = { target, result };
    if (result.ok) {
      // A generated scenario (enable/disable/upgrade) is shown in the header: the user never saw it.
      const generated = target.kind === 'scenario' ? [] : result.scenario.trimEnd().split('\n').map((l) => `scenario: ${l}`);
      const header = [`KLP Studio simulation: ${result.title}`, `exit status ${result.exitStatus}`, ...generated];
      const editor = await this.view.show(title, header, result.transcript);
      run.document = editor.document;
    } else {
      for (const e of result.errors) this.view.channel.appendLine(`[error] ${e.uri ?? ''}${e.line !== undefined ? `:${e.line}` : ''} ${e.message}`);
      const first = result.errors[0]?.message ?? 'unknown error';
      void vscode.window.showErrorMessage(`KLP Studio: cannot simulate ${title}: ${first}${result.errors.length > 1 ? ` (+${result.errors.length - 1} more)` : ''}`, 'Show Details').then((p) => {
        if (p) this.view.channel.show(true);
      });
    }
    this.lastRun = run;
    this.listeners.fire(run);
    return run;
  }
}
