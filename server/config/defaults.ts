import type { UnderstudyConfig } from './schema.ts';

/**
 * Defaults for every optional setting. The comments are the documentation.
 */
export const DEFAULTS = {
  /** IDCS wire shape: paths under /oauth2/v1, IDCS claims and error texts. */
  profile: 'idcs',
  /** What real IDCS puts in `iss` for every identity domain. */
  idcsIssuer: 'https://identity.oraclecloud.com/',
  tenant: 'idcs-understudy',
  algorithm: 'RS256',
  /** IDCS's default access token expiry for an OAuth client app. */
  accessTokenTtl: 3600,
  refreshTokenTtl: 604_800,
  /** RFC 6749 §4.1.2 recommends at most 10 minutes; IDCS's own value is undocumented (docs/research/idcs-wire.md §8). */
  authorizationCodeTtl: 300,
  /** IDCS's default session duration: 480 minutes. */
  sessionTtl: 28_800,
  /** RFC 6749 leaves skew to the resource server; a strict 0 makes expiry bugs visible. */
  leeway: 0,
  jwksPublic: true,
  realm: 'understudy',
  journalCapacity: 10_000,
  host: '127.0.0.1',
  port: 9400,
  /** Token requests are a few hundred bytes; 64 KiB leaves room for client assertions. */
  maxBodyBytes: 65_536,
} as const;

export const DEMO_AUDIENCE = 'https://api.understudy.test:443';
export const DEMO_SCOPE = 'urn:opc:resource:consumer::all';
export const DEMO_USER = 'demo.user';
/** Where the embedded web app's codes go: a page of understudy's own that shows what came back (a path: on whatever port it listens). */
export const DEMO_REDIRECT_URI = '/_understudy/callback';

/**
 * The embedded configuration: what `understudy serve` runs with no arguments. One tenant, one
 * client granted the demo API, and API routes that mirror the seed use cases (Fusion HCM,
 * Fusion ERP, a bank API that wants a custom header besides OAuth).
 */
export const EMBEDDED_CONFIG: UnderstudyConfig = {
  profile: 'idcs',
  tenant: DEFAULTS.tenant,
  resources: [{ name: 'demo-api', audience: DEMO_AUDIENCE, scopes: [DEMO_SCOPE] }],
  clients: [
    {
      id: 'demo-client',
      secret: 'demo-secret',
      name: 'Demo Client',
      grants: ['client_credentials'],
      // No explicit scopes: every scope of every resource, so a config that brings its own
      // resources but no clients still has a usable demo client.
    },
    {
      id: 'demo-web-app',
      secret: 'demo-web-secret',
      name: 'Demo Web App',
      grants: ['authorization_code', 'refresh_token'],
      redirectUris: [DEMO_REDIRECT_URI],
      postLogoutRedirectUris: [DEMO_REDIRECT_URI],
    },
  ],
  users: [{ username: DEMO_USER, password: 'demo-password', displayName: 'Demo User', email: 'demo.user@example.test', groups: ['Integration Users'] }],
  api: {
    realm: DEFAULTS.realm,
    routes: [
      {
        name: 'hcm-employees',
        method: 'GET',
        path: '/hcmRestApi/resources/11.13.18.05/emps',
        scopes: [DEMO_SCOPE],
        response: {
          status: 200,
          body: {
            items: [
              { PersonId: 300000047826498, PersonNumber: '1001', DisplayName: 'Ada Lovelace', WorkEmail: 'ada@example.test' },
              { PersonId: 300000047826512, PersonNumber: '1002', DisplayName: 'Alan Turing', WorkEmail: 'alan@example.test' },
            ],
            count: 2,
            hasMore: false,
            limit: 25,
            offset: 0,
          },
        },
      },
      {
        name: 'erp-create-invoice',
        method: 'POST',
        path: '/fscmRestApi/resources/11.13.18.05/invoices',
        scopes: [DEMO_SCOPE],
        response: {
          status: 201,
          body: { InvoiceId: 300000123456789, InvoiceNumber: 'INV-1001', InvoiceAmount: 1250.0, InvoiceCurrency: 'USD', ValidationStatus: 'Not validated' },
        },
      },
      {
        name: 'bank-payment',
        method: 'POST',
        path: '/bank/v1/payments',
        scopes: [DEMO_SCOPE],
        headers: ['X-Request-Id'],
        response: { status: 201, body: { paymentId: 'PAY-0001', status: 'ACCEPTED' } },
      },
    ],
  },
};
