// Series findings for `check`: the folders checked that hold a series (placeholder until
// the series analysis lands: no series findings).
import type { FileHost } from '../../core/src/host';
import type { Finding } from '../../core/src/findings';
import type { ModuleModel } from '../../core/src/model';

export function seriesFindingsForFolders(_dirs: string[], _modules: ModuleModel[], _host: FileHost): Finding[] {
  return [];
}
