import { settingsFromEnvironment, signInSettingsFromEnvironment } from './client-environment.ts';
import { isMain } from './is-main.ts';
import { serveProtocol, type ProtocolClient } from './serve-protocol.ts';
import { createSignInClient, type SignInFlaws } from './sign-in-client.ts';
import { createTokenClient, type ClientFlaws } from './token-client.ts';

/** One classic bug of a token client or of its sign-in half. */
export type ExampleFlaws = ClientFlaws & SignInFlaws;

export interface ExampleClient {
  /** Module driver entry: a client configured from the UNDERSTUDY_* environment. */
  createClient(env: Record<string, string | undefined>): ProtocolClient;
  /** Command driver entry: speaks the stdin/stdout protocol when `url` is the program started. */
  runIfMain(url: string): Promise<void>;
}

/** An example client: the reference client with the given flaws (none = well-behaved). */
export function exampleClient(flaws: ExampleFlaws = {}): ExampleClient {
  const createClient = (env: Record<string, string | undefined>): ProtocolClient => {
    const client = createTokenClient(settingsFromEnvironment(env), flaws);
    const signInSettings = signInSettingsFromEnvironment(env);
    const signIn = signInSettings ? createSignInClient(signInSettings, client, flaws) : undefined;
    return {
      work: (unit) => client.work(unit),
      ...(signIn ? { signIn: signIn.signIn, callback: signIn.callback, signOut: signIn.signOut } : {}),
    };
  };
  return {
    createClient,
    async runIfMain(url) {
      if (isMain(url)) await serveProtocol(createClient(process.env));
    },
  };
}
