// textDocument/codeLens on each enabled `struct klp_patch`: "Simulate enable", "Simulate
// upgrade from <previous>" (the previous patch of its series) and "Show timeline". The
// commands are the client's (common/src/protocol.ts ClientCommands); they call klp/simulate.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import { ClientCommands, type LensCommandArgs } from '../../common/src/protocol';
import { type ServerContext } from './context';
import { uriToPath } from './uris';

export function codeLenses(ctx: ServerContext, p: CodeLensParams): CodeLens[] {
  const path = uriToPath(p.textDocument.uri);
  if (!path) return [];
  const out: CodeLens[] = [];
  for (const { module, model } of ctx.analyzer.modelsOf(path)) {
    if (!model.isLivepatch) continue;
    for (const patch of model.patches) {
      if (patch.declarationOnly || patch.file !== path) continue;
      const range = { start: patch.range.start, end: patch.range.start };
      const args: LensCommandArgs = { module: model.name, uri: p.textDocument.uri };
      out.push({ range, command: { title: 'Simulate enable', command: ClientCommands.simulateEnable, arguments: [args] } });
      const s = ctx.analyzer.seriesOf(module.key);
      const prevKey = s && s.index > 0 ? s.series.info.modules[s.index - 1] : undefined;
      const prev = prevKey ? ctx.index.get(prevKey) : undefined;
      if (prev) out.push({ range, command: { title: `Simulate upgrade from ${prev.name}`, command: ClientCommands.simulateUpgrade, arguments: [{ ...args, from: prev.name }] } });
      out.push({ range, command: { title: 'Show timeline', command: ClientCommands.showTimeline, arguments: [args] } });
    }
  }
  return out;
}
