/**
 * Shared pieces of the client-library contract tests: each test file starts a real understudy
 * server on an ephemeral loopback port and talks to it only through a real client library, as a
 * user's application would.
 */
import { createServer, type ClientConfig, type JournalEntry, type ProfileName, type UnderstudyServer } from '../../server/index.ts';

export const CLIENT_ID = 'demo-client';
export const CLIENT_SECRET = 'demo-secret';
export const AUDIENCE = 'https://api.understudy.test:443';
export const BARE_SCOPE = 'urn:opc:resource:consumer::all';
/** The IDCS way of asking for a resource scope: "<audience><scope>", no separator. */
export const QUALIFIED_SCOPE = `${AUDIENCE}${BARE_SCOPE}`;
export const API_PATH = '/hcmRestApi/resources/11.13.18.05/emps';
/** What real IDCS puts in `iss` (and the discovery document's `issuer`) for every identity domain. */
export const IDCS_ISSUER = 'https://identity.oraclecloud.com/';
/** Past the default 3600 s access token lifetime. */
export const PAST_EXPIRY = 3601;

/** The embedded demo client, restated because a `clients` section replaces the default one. */
export const DEMO_CLIENT: ClientConfig = {
  id: CLIENT_ID,
  secret: CLIENT_SECRET,
  name: 'Demo Client',
  grants: ['client_credentials'],
  scopes: [QUALIFIED_SCOPE],
};

export interface StartOptions {
  /** Clients besides the demo client. */
  clients?: ClientConfig[];
  /** Users for the password grant. */
  users?: { username: string; password: string }[];
}

/** Starts a server of `profile` on 127.0.0.1 and an ephemeral port. */
export function startServer(profile: ProfileName, options: StartOptions = {}): Promise<UnderstudyServer> {
  return createServer({
    port: 0,
    host: '127.0.0.1',
    config: { profile, clients: [DEMO_CLIENT, ...(options.clients ?? [])], ...(options.users ? { users: options.users } : {}) },
  });
}

/** The journal, read as a script would: through the control API. */
export async function readJournal(server: UnderstudyServer, query: Record<string, string> = {}): Promise<JournalEntry[]> {
  const url = new URL('/_understudy/journal', server.url);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { entries: JournalEntry[] };
  return body.entries;
}

/** A plain bearer call to the mock API, outside any client library. */
export async function callApi(server: UnderstudyServer, accessToken: string): Promise<Response> {
  return fetch(new URL(API_PATH, server.url), { headers: { authorization: `Bearer ${accessToken}` } });
}

/** The parameters of a WWW-Authenticate: Bearer challenge (simple quoted-string grammar). */
export function bearerChallengeParams(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  if (!header) return params;
  for (const match of header.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
    params[match[1] as string] = (match[2] as string).replace(/\\(.)/g, '$1');
  }
  return params;
}
