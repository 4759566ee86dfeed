import { settingsFromEnvironment } from './client-environment.ts';
import { isMain } from './is-main.ts';
import { serveProtocol } from './serve-protocol.ts';
import { createTokenClient, type ClientFlaws, type WorkOutcome, type WorkUnit } from './token-client.ts';

export interface ExampleClient {
  /** Module driver entry: a client configured from the UNDERSTUDY_* environment. */
  createClient(env: Record<string, string | undefined>): { work(unit: WorkUnit): Promise<WorkOutcome> };
  /** Command driver entry: speaks the stdin/stdout protocol when `url` is the program started. */
  runIfMain(url: string): Promise<void>;
}

/** An example client: the reference token client with the given flaws (none = well-behaved). */
export function exampleClient(flaws: ClientFlaws = {}): ExampleClient {
  const createClient = (env: Record<string, string | undefined>) => {
    const client = createTokenClient(settingsFromEnvironment(env), flaws);
    return { work: (unit: WorkUnit) => client.work(unit) };
  };
  return {
    createClient,
    async runIfMain(url) {
      if (isMain(url)) await serveProtocol(createClient(process.env).work);
    },
  };
}
