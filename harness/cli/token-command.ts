import { Command, Option } from 'commander';
import { DEMO_AUDIENCE, DEMO_SCOPE } from '../../server/config/defaults.ts';
import { parseServerUrl, PROFILE_NAMES } from './parse-options.ts';
import { discoverServer, requestToken } from './request-token.ts';

/** Flags of `understudy token`, as commander parses them. */
export interface TokenOptions {
  url: string;
  client: string;
  secret: string;
  scope?: string[];
  profile?: 'idcs' | 'rfc9068';
}

/** `understudy token`: prints an access token from a running server, for `TOKEN=$(understudy token)`. */
export function tokenCommand(): Command {
  return new Command('token')
    .description('Get a client_credentials access token from a running understudy server and print it (only the token) on stdout.')
    .addOption(new Option('-u, --url <url>', 'base URL of the server').default('http://127.0.0.1:9400').env('UNDERSTUDY_URL').argParser(parseServerUrl))
    .option('--client <id>', 'client_id', 'demo-client')
    .option('--secret <secret>', 'client_secret', 'demo-secret')
    .option('--scope <scope...>', `scope(s) to ask for (default: the demo scope, "${DEMO_AUDIENCE}${DEMO_SCOPE}" for idcs, "${DEMO_SCOPE}" for rfc9068)`)
    .addOption(new Option('--profile <name>', 'the server\'s profile, which decides how the default scope is written (default: detected from discovery)').choices(PROFILE_NAMES))
    .addHelpText(
      'after',
      `
Examples:
  TOKEN=$(understudy token)
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:9400/hcmRestApi/resources/11.13.18.05/emps
  understudy token --url http://127.0.0.1:9401 --client my-app --secret s3cret --scope urn:opc:resource:consumer::all

Exit codes: 0 token printed, 1 no server or the server refused (its error body goes to stderr),
2 invalid flags.`,
    )
    .action((options: TokenOptions) => runToken(options));
}

/** Discovers the token endpoint, asks for a token and prints it. */
export async function runToken(options: TokenOptions): Promise<void> {
  const server = await discoverServer(options.url);
  const profile = options.profile ?? server.profile;
  const scope = options.scope ? options.scope.join(' ') : profile === 'idcs' ? `${DEMO_AUDIENCE}${DEMO_SCOPE}` : DEMO_SCOPE;
  const { accessToken } = await requestToken(server.tokenUrl, { url: options.url, clientId: options.client, secret: options.secret, scope });
  process.stdout.write(`${accessToken}\n`);
}
