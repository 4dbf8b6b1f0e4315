import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { PROMFLUX_VERSION } from '../../version.js';

export function registerVersion(program: Command, io: CliIO): void {
  program
    .command('version')
    .description('print the promflux version and the node version it runs on')
    .addHelpText(
      'after',
      `
Example:
  $ promflux version
  promflux ${PROMFLUX_VERSION} (node 20.18.1)
  $ promflux -V          # the bare version number
  ${PROMFLUX_VERSION}`,
    )
    .action(() => {
      io.stdout(`promflux ${PROMFLUX_VERSION} (node ${process.versions.node})\n`);
    });
}
