// `klp-studio simulate`: placeholder until its issue lands (prints that it is not available yet).
import type { Command } from '../main';

export const command: Command = {
  summary: '(not available yet)',
  usage: 'usage: klp-studio simulate',
  async run(_argv, io) {
    io.err('klp-studio simulate: not available yet\n');
    return 2;
  },
};
