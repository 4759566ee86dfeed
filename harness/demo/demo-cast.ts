import { createClient as createWellBehavedClient } from '../../examples/clients/well-behaved.ts';
import { createClient as createTokenPerCallClient } from '../../examples/clients/token-per-call.ts';
import { DEMO_AUDIENCE, DEMO_SCOPE } from '../../server/config/defaults.ts';
import type { ServerUrls } from '../../server/index.ts';
import { environmentVariables } from '../drivers/environment.ts';
import { controlCall } from './control-call.ts';

/** A client the story registers on the server and drives. */
export interface DemoClientSpec {
  id: string;
  secret: string;
  /** What the client is, in a few words. */
  role: string;
}

/** The two clients of the story. */
export const DEMO_CLIENTS = {
  wellBehaved: { id: 'well-behaved-app', secret: 'well-behaved-secret', role: 'the reference client (examples/clients/well-behaved.ts)' },
  tokenPerCall: { id: 'token-per-call-app', secret: 'token-per-call-secret', role: 'a buggy client that fetches a token for every call (examples/clients/token-per-call.ts)' },
} as const satisfies Record<string, DemoClientSpec>;

/** Lifetime of the demo clients' tokens: short, so a bar on the timeline has a visible end. */
export const DEMO_TOKEN_TTL = 300;

/** The scope the clients ask for: the embedded demo resource, written the IDCS way (audience + scope). */
const REQUESTED_SCOPE = `${DEMO_AUDIENCE}${DEMO_SCOPE}`;
/** The API route the clients call (the embedded configuration's Fusion HCM route). */
const DEMO_API_PATH = '/hcmRestApi/resources/11.13.18.05/emps';

/** The server URLs the cast needs (a subset of `UnderstudyServer.urls`). */
export type DemoUrls = Pick<ServerUrls, 'baseUrl' | 'tokenUrl' | 'controlUrl' | 'issuer' | 'jwksUrl' | 'discoveryUrl'>;

/** What a client's `work()` reports (examples/clients/token-client.ts). */
export interface WorkOutcome {
  ok: boolean;
  status?: number;
  error?: string;
}

/** One example client of the cast, ready to make the story's API call. */
export interface DemoClient {
  spec: DemoClientSpec;
  /** One unit of work: one API call, with whatever token handling the client does. */
  work(): Promise<WorkOutcome>;
}

/** The clients, registered on one server; kept across plays so their token caches carry over. */
export interface DemoCast {
  urls: DemoUrls;
  wellBehaved: DemoClient;
  tokenPerCall: DemoClient;
}

/** An example client module's factory: a client configured from the UNDERSTUDY_* variables. */
type ExampleClientFactory = (env: Record<string, string | undefined>) => { work(unit: { method?: string; path: string }): Promise<WorkOutcome> };

/**
 * Registers the story's clients on the server (POST /_understudy/clients, an upsert, so a
 * second cast on the same server is fine) and creates them from the example client modules,
 * configured the way the harness configures any client.
 * @throws DemoError when the control API refuses a registration.
 */
export async function createDemoCast(urls: DemoUrls): Promise<DemoCast> {
  const register = async (spec: DemoClientSpec, createClient: ExampleClientFactory): Promise<DemoClient> => {
    await controlCall(urls.controlUrl, 'POST', '/clients', { id: spec.id, secret: spec.secret, name: spec.role, accessTokenTtl: DEMO_TOKEN_TTL });
    const client = createClient(
      environmentVariables({
        tokenUrl: urls.tokenUrl,
        issuer: urls.issuer,
        jwksUrl: urls.jwksUrl,
        discoveryUrl: urls.discoveryUrl,
        clientId: spec.id,
        clientSecret: spec.secret,
        scope: REQUESTED_SCOPE,
        apiUrl: urls.baseUrl,
        tokenHeaders: {},
        apiHeaders: {},
        variables: {},
      }),
    );
    return { spec, work: () => client.work({ method: 'GET', path: DEMO_API_PATH }) };
  };
  return {
    urls,
    wellBehaved: await register(DEMO_CLIENTS.wellBehaved, createWellBehavedClient),
    tokenPerCall: await register(DEMO_CLIENTS.tokenPerCall, createTokenPerCallClient),
  };
}
