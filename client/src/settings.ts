// Reads the settings the client itself uses (prefix `klpStudio.`; every setting is declared in
// package.json "contributes.configuration"): transcript debug lines and the simulated kernel
// version (per scenario: scope resource), and the kernel API level the simulator assumes (one
// value for the workspace, like the server's rules). The server reads `klpStudio.rules.severity`,
// `klpStudio.kernelApi` and `klpStudio.analysis.maxFileSizeKB` itself; vscode-languageclient
// reads `klpStudio.trace.server`.
import * as vscode from 'vscode';
import { isKernelProfileName, type KernelProfileName } from '../../core/src/sim/kernelProfile';

export const SECTION = 'klpStudio';

/** `klpStudio.simulate.debug`: keep the pr_debug lines in transcripts. */
export function simulateDebug(scope?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, scope).get<boolean>('simulate.debug', true);
}

/** `klpStudio.simulate.kernel`: the kernel version profile simulated (`simulate --kernel`). */
export function simulateKernel(scope?: vscode.Uri): KernelProfileName {
  const v = vscode.workspace.getConfiguration(SECTION, scope).get<string>('simulate.kernel', 'latest');
  return isKernelProfileName(v) ? v : 'latest';
}

/**
 * `klpStudio.kernelApi`: the livepatch API simulated (`simulate --kernel-api`). Scope window:
 * read without a resource, as the server reads it for the rules, so that the transcript and
 * the diagnostics always assume the same API.
 */
export function kernelApi(): 'auto' | 'upstream' | 'state-callbacks' {
  const v = vscode.workspace.getConfiguration(SECTION).get<string>('kernelApi', 'auto');
  return v === 'upstream' || v === 'state-callbacks' ? v : 'auto';
}
