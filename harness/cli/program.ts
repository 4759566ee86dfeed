import { Command } from 'commander';
import { readPackageVersion } from './package-version.ts';
import { schemaCommand } from './schema-command.ts';
import { serveCommand } from './serve-command.ts';
import { tokenCommand } from './token-command.ts';
import { faultCommand } from './fault-command.ts';
import { runCommand } from './run-command.ts';
import { demoCommand } from './demo-command.ts';

/**
 * The `understudy` program. Commander never exits the process itself (`exitOverride`): it
 * throws a CommanderError after printing its message, and `runCli` picks the exit code.
 */
export function createProgram(): Command {
  const program = new Command('understudy')
    .description('A local stand-in for Oracle IDCS / OCI IAM identity domains and RFC 9068 OAuth 2.0 servers.')
    .version(readPackageVersion(), '-v, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Start with:
  understudy serve           then follow the curl lines it prints
  understudy <command> --help

Exit codes: 0 ok, 1 failure, 2 usage or configuration error.`,
    );
  for (const command of [serveCommand(), demoCommand(), runCommand(), tokenCommand(), faultCommand(), schemaCommand()]) {
    // addCommand() does not copy settings the way .command() does; do it so exitOverride applies.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}
