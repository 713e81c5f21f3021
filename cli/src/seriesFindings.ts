// Series findings for `check`: every folder with a klp.series under the folders checked
// (core/src/series seriesFindingsForDirs; the models `check` already extracted are reused).
import type { FileHost } from '../../core/src/host';
import type { Finding } from '../../core/src/findings';
import type { ModuleModel } from '../../core/src/model';
import { seriesFindingsForDirs, type SeriesCheckOptions } from '../../core/src/series';

export function seriesFindingsForFolders(dirs: string[], modules: ModuleModel[], host: FileHost, options: SeriesCheckOptions = {}): Finding[] {
  return seriesFindingsForDirs(dirs, host, modules, options);
}
