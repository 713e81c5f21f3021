// `klp-studio check`: placeholder until the rules land.
import type { Command } from '../main';

export const command: Command = {
  summary: '(not available yet)',
  usage: 'usage: klp-studio check',
  async run(_argv, io) {
    io.err('klp-studio check: not available yet\n');
    return 2;
  },
};
