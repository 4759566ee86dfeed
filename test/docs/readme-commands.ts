/**
 * The `understudy run` commands the README shows for declarations and bounds, as argument lists:
 * test/harness/run-cli.test.ts runs them, test/docs/readme.test.ts checks the README shows them.
 */
const CLIENT = ['--client', 'node examples/clients/well-behaved.ts'];
const DECLARATION = ['--declare', 'examples/clients/example-client.understudy.yaml'];

export const README_COMMANDS = {
  declareFile: ['run', ...CLIENT, ...DECLARATION],
  declareOption: ['run', ...CLIENT, '--declare', 'requestTimeout=1', 'hanging-token-endpoint'],
  bound: ['run', ...CLIENT, ...DECLARATION, '--bound', 'giveUpWithin=9'],
  signIn: ['run', '--client', 'node examples/protocol/minimal-sign-in-client.mjs', '--declare', 'grants=authorization_code,refresh_token', 'sign-in/*'],
  chromium: ['run', ...CLIENT, ...DECLARATION, '--browser', 'chromium', 'logout-ends-session'],
} as const;

/** How the README writes a command: `npx understudy ...`, arguments with spaces or globs in double quotes. */
export function asShown(args: readonly string[]): string {
  return `npx understudy ${args.map((arg) => (/[\s*]/.test(arg) ? `"${arg}"` : arg)).join(' ')}`;
}
