// Reads the client-side settings (prefix `klpStudio.`; all declared in package.json
// "contributes.configuration"): transcript debug lines, the simulated kernel version and the maximum size of a file sent to
// the server. The server reads `klpStudio.rules.severity` and `klpStudio.seriesFile` itself;
// vscode-languageclient reads `klpStudio.trace.server`.
import * as vscode from 'vscode';

export const SECTION = 'klpStudio';

/** `klpStudio.simulate.debug`: keep the pr_debug lines in transcripts. */
export function simulateDebug(scope?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, scope).get<boolean>('simulate.debug', true);
}

/** `klpStudio.simulate.kernel`: the kernel version profile simulated (`simulate --kernel`). */
export function simulateKernel(scope?: vscode.Uri): 'latest' | '6.1' {
  return vscode.workspace.getConfiguration(SECTION, scope).get<string>('simulate.kernel', 'latest') === '6.1' ? '6.1' : 'latest';
}

/** `klpStudio.kernelApi`: the livepatch API simulated (`simulate --kernel-api`); the server reads it for the rules. */
export function kernelApi(scope?: vscode.Uri): 'auto' | 'upstream' | 'state-callbacks' {
  const v = vscode.workspace.getConfiguration(SECTION, scope).get<string>('kernelApi', 'auto');
  return v === 'upstream' || v === 'state-callbacks' ? v : 'auto';
}

/** `klpStudio.maxFileSize` in bytes (UTF-16 units of the open document); 0 = no limit. */
export function maxFileSize(scope?: vscode.Uri): number {
  const kb = vscode.workspace.getConfiguration(SECTION, scope).get<number>('maxFileSizeKB', 2048);
  return kb > 0 ? kb * 1024 : 0;
}
