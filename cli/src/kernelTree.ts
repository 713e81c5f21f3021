// `--kernel-tree DIR` of the commands that read klp-build source patches (check, series,
// simulate --series): the tree the patches apply to. Without it, each patch uses the kernel
// tree enclosing it, else the one enclosing the working directory (docs/KLP-BUILD.md).
import * as path from 'node:path';
import type { CliIO, ParsedArgs } from './io';
import { InputError, option } from './io';
import { enclosingKernelTree, isKernelTree } from '../../core/src/klpbuild/kbuild';
import type { PatchSeriesOptions } from '../../core/src/klpbuild/series';
import { nodeHost } from '../../common/src/nodeHost';

export function kernelTreeOption(io: CliIO, args: ParsedArgs): PatchSeriesOptions {
  const given = option(args, '--kernel-tree');
  if (given === undefined) return { fallbackTree: enclosingKernelTree(io.cwd, nodeHost) };
  const dir = path.resolve(io.cwd, given);
  if (!isKernelTree(dir, nodeHost)) throw new InputError(`--kernel-tree ${given}: not a kernel tree (no Makefile, Kconfig and kernel/ in it)`);
  return { kernelTree: dir };
}
