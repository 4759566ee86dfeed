import { parseInstant, parseInstantText } from '../base/time.ts';
import { resolveClient } from '../config/resolve.ts';
import { clientSchema } from '../config/schema.ts';
import { formatPath, type ConfigIssue } from '../config/errors.ts';
import { view } from '../authorization/client-registry.ts';
import { revokeTokens } from '../authorization/revoke-tokens.ts';
import type { HttpContext } from '../http/types.ts';
import { ENDPOINTS, type Endpoint, type JournalQuery } from '../journal/types.ts';
import { CONTROL_PREFIX } from '../profiles/urls.ts';
import type { ControlContext } from './control-context.ts';
import { guardControl } from './loopback.ts';
import { demoCallback } from './demo-callback.ts';
import { Problem, sendProblem } from '../http/problem.ts';
import { readJsonObject } from './read-json.ts';
import { FaultRuleError } from '../faults/fault-engine.ts';
import { PRESETS } from '../faults/presets.ts';
import { DashboardFeed } from '../dashboard/dashboard-feed.ts';
import { dashboardRoutes } from '../dashboard/dashboard-routes.ts';

export { CONTROL_PREFIX };

/** One route of the control API: its method, its path below /_understudy, and what answers. */
export interface ControlRoute {
  method: string;
  /** Matched against the path below /_understudy; capture groups become `params`, decoded. */
  pattern: RegExp;
  /** Returns the JSON body, or undefined after setting the response itself. */
  handler: (ctx: HttpContext, params: string[]) => Promise<unknown> | unknown;
}

/**
 * The control API (`/_understudy/...`): a public contract used by scripts, the harness and the
 * dashboard, which it also serves (`/_understudy/`, see ../dashboard). JSON in and out; refusals
 * are RFC 9457 problem documents.
 */
export function controlApi(server: ControlContext) {
  const limit = server.config.server.maxBodyBytes;
  const body = (ctx: HttpContext) => readJsonObject(ctx, limit);
  const clock = server.clock;
  // One per server (the app builds its control API once): it hears revocations, journal clears
  // and fault changes from where they are made, in process or through this API.
  const feed = new DashboardFeed({ revocations: server.revocations, journal: server.journal, faults: server.faults.engine, keys: server.keys });

  const routes: ControlRoute[] = [
    ...dashboardRoutes({ journal: server.journal, clock, faults: server.faults.engine, keys: server.keys, feed }),
    { method: 'GET', pattern: /^\/clock$/, handler: () => clock.state() },
    { method: 'GET', pattern: /^\/callback$/, handler: demoCallback(server) },
    {
      method: 'POST',
      pattern: /^\/sessions\/end$/,
      handler: async (ctx) => {
        const input = await body(ctx);
        if (typeof input.username !== 'string' || !input.username) throw new Problem(400, 'Invalid body', 'send {"username": "<user>"} to end every login session of that user (the next authorization asks to log in)', { field: 'username' });
        return { ended: server.sessions.endUser(input.username) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/consents\/withdraw$/,
      handler: async (ctx) => {
        const input = await body(ctx);
        if (typeof input.username !== 'string' || !input.username) {
          throw new Problem(400, 'Invalid body', 'send {"username": "<user>"} (and "clientId" for one client) to withdraw consent: the next authorization asks again', { field: 'username' });
        }
        if (input.clientId !== undefined && (typeof input.clientId !== 'string' || !input.clientId)) throw new Problem(400, 'Invalid body', '"clientId" must be a client id', { field: 'clientId' });
        server.consents.withdraw(input.username, input.clientId as string | undefined);
        return { withdrawn: { username: input.username, clientId: input.clientId } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/clock\/advance$/,
      handler: async (ctx) => {
        const seconds = requireNumber(await body(ctx), 'seconds', 'the number of seconds to move the clock, e.g. {"seconds": 3601}');
        return clockChange('seconds', () => clock.advance(seconds));
      },
    },
    {
      method: 'POST',
      pattern: /^\/clock\/set$/,
      handler: async (ctx) => {
        const time = parseTime((await body(ctx)).time);
        return clockChange('time', () => clock.set(time));
      },
    },
    { method: 'POST', pattern: /^\/clock\/freeze$/, handler: () => clock.freeze() },
    { method: 'POST', pattern: /^\/clock\/resume$/, handler: () => clock.resume() },
    { method: 'GET', pattern: /^\/journal$/, handler: (ctx) => server.journal.snapshot(parseJournalQuery(ctx)) },
    {
      method: 'DELETE',
      pattern: /^\/journal$/,
      handler: (ctx) => {
        server.journal.clear();
        ctx.status = 204;
      },
    },
    { method: 'GET', pattern: /^\/clients$/, handler: () => ({ clients: server.clients.list() }) },
    {
      method: 'POST',
      pattern: /^\/clients$/,
      handler: async (ctx) => {
        const input = await body(ctx);
        const parsed = clientSchema.safeParse(input);
        if (!parsed.success) {
          throw invalidClient(parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })));
        }
        const issues: ConfigIssue[] = [];
        const client = resolveClient(parsed.data, server.config.resources, issues, '');
        if (issues.length > 0) throw invalidClient(issues);
        const existed = server.clients.get(client.id) !== undefined;
        ctx.status = existed ? 200 : 201;
        return view(server.clients.upsert(client));
      },
    },
    { method: 'POST', pattern: /^\/clients\/([^/]+)\/deactivate$/, handler: (_ctx, [id]) => setActive(server, id as string, false) },
    { method: 'POST', pattern: /^\/clients\/([^/]+)\/activate$/, handler: (_ctx, [id]) => setActive(server, id as string, true) },
    {
      method: 'GET',
      pattern: /^\/keys$/,
      handler: () => ({ signing: server.keys.current.kid, keys: server.keys.all().map((k) => ({ kid: k.kid, alg: k.alg, retiredAt: k.retiredAt, removeAt: k.removeAt })) }),
    },
    {
      method: 'POST',
      pattern: /^\/keys\/rotate$/,
      handler: async (ctx) => {
        const input = await body(ctx);
        const grace = input.grace;
        if (grace !== undefined && (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0)) {
          throw new Problem(400, 'Invalid body', '"grace" must be the number of seconds the old key keeps verifying (0 = stop at once); omit it to keep the old key until DELETE /_understudy/keys/{kid}', { field: 'grace' });
        }
        const previous = server.keys.current.kid;
        const key = await server.keys.rotate({ grace });
        ctx.status = 201;
        return { kid: key.kid, previous, keys: server.keys.all().map((k) => k.kid) };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/keys\/([^/]+)$/,
      handler: (ctx, [kid]) => {
        if (kid === server.keys.current.kid) throw new Problem(409, 'Conflict', `key ${kid} is the signing key; rotate first, then remove it`);
        if (!server.keys.remove(kid as string)) throw new Problem(404, 'Not found', `no key with kid ${kid}`);
        ctx.status = 204;
      },
    },
    { method: 'GET', pattern: /^\/faults$/, handler: () => ({ faults: server.faults.engine.list() }) },
    { method: 'GET', pattern: /^\/faults\/presets$/, handler: () => ({ presets: describePresets() }) },
    {
      method: 'POST',
      pattern: /^\/faults$/,
      handler: async (ctx) => {
        const input = await body(ctx);
        try {
          const rule = server.faults.engine.add(input);
          ctx.status = 201;
          return { id: rule.id, rule };
        } catch (error) {
          if (error instanceof FaultRuleError) throw new Problem(400, 'Invalid fault rule', error.message, { issues: error.issues });
          throw error;
        }
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/faults$/,
      handler: () => ({ removed: server.faults.engine.clear() }),
    },
    {
      method: 'DELETE',
      pattern: /^\/faults\/([^/]+)$/,
      handler: (ctx, [id]) => {
        if (!server.faults.engine.remove(id as string)) throw new Problem(404, 'Not found', `no fault rule with id ${id}; GET /_understudy/faults lists them`);
        ctx.status = 204;
      },
    },
    {
      method: 'POST',
      pattern: /^\/tokens\/revoke$/,
      handler: async (ctx) => {
        const input = await body(ctx);
        if (typeof input.jti === 'string' && input.jti) {
          revokeTokens(server, { jti: input.jti });
          return { revoked: { jti: input.jti } };
        }
        if (typeof input.clientId === 'string' && input.clientId) {
          revokeTokens(server, { clientId: input.clientId });
          return { revoked: { clientId: input.clientId, issuedAtOrBefore: clock.nowSeconds() } };
        }
        throw new Problem(400, 'Invalid body', 'send {"jti": "<token jti>"} to revoke one token or {"clientId": "<client id>"} to revoke every token of a client');
      },
    },
  ];

  return async (ctx: HttpContext) => {
    ctx.state.skipJournal = true;
    try {
      guardControl(ctx, server.config.control.adminToken);
      const path = ctx.path.slice(CONTROL_PREFIX.length) || '/';
      const candidates = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((c) => c.match);
      const found = candidates.find((c) => c.route.method === ctx.method);
      if (!found) {
        if (candidates.length > 0) {
          ctx.set('allow', candidates.map((c) => c.route.method).join(', '));
          throw new Problem(405, 'Method not allowed', `${ctx.method} is not allowed on ${ctx.path}; use ${candidates.map((c) => c.route.method).join(' or ')}`);
        }
        throw new Problem(404, 'Not found', `no control route ${ctx.method} ${ctx.path}; see the README's control API section`);
      }
      const params = (found.match as RegExpExecArray).slice(1).map(decodeURIComponent);
      const result = await found.route.handler(ctx, params);
      // Clients announce nothing themselves (keys and faults do): a page re-reads after any change made here.
      if (ctx.method !== 'GET') feed.noteChange();
      ctx.set('cache-control', 'no-store');
      if (result !== undefined) ctx.body = result;
    } catch (error) {
      if (error instanceof Problem) sendProblem(ctx, error);
      else if (error instanceof URIError) sendProblem(ctx, new Problem(400, 'Bad path', 'the path is not properly percent-encoded'));
      else throw error;
    }
  };
}

function requireNumber(input: Record<string, unknown>, name: string, hint: string): number {
  const value = input[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Problem(400, 'Invalid body', `"${name}" must be a finite number: ${hint}`, { field: name });
  }
  return value;
}

/** A clock change the clock refuses (outside the representable range) is the caller's 400. */
function clockChange<T>(field: string, change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof RangeError) throw new Problem(400, 'Invalid body', `"${field}": ${error.message}`, { field });
    throw error;
  }
}

/** A JSON number of epoch seconds or an RFC 3339 date-time string (2030-02-30 is refused, not rolled over). */
function parseTime(value: unknown): number {
  const time = parseInstant(value);
  if (time !== undefined) return time;
  throw new Problem(400, 'Invalid body', '"time" must be epoch seconds or an RFC 3339 / ISO 8601 date-time, e.g. {"time": "2030-01-01T00:00:00Z"}', { field: 'time' });
}

function parseJournalQuery(ctx: HttpContext): JournalQuery {
  const query: JournalQuery = {};
  const { since, after, endpoint, client } = ctx.query;
  if (typeof since === 'string' && since !== '') {
    if (!/^\d+$/.test(since)) throw new Problem(400, 'Invalid query', 'since must be a journal sequence number (the seq of the last entry you saw)');
    query.since = Number(since);
  }
  if (typeof after === 'string' && after !== '') {
    const time = parseInstantText(after);
    if (time === undefined) throw new Problem(400, 'Invalid query', 'after must be epoch seconds or an ISO 8601 date-time (virtual time)');
    query.after = time;
  }
  if (endpoint !== undefined) {
    const values = (Array.isArray(endpoint) ? endpoint : [endpoint]).flatMap((v) => v.split(',')).filter(Boolean);
    const unknown = values.filter((v) => !ENDPOINTS.includes(v as Endpoint));
    if (unknown.length > 0) throw new Problem(400, 'Invalid query', `unknown endpoint ${unknown.join(', ')}; use ${ENDPOINTS.join(', ')}`);
    query.endpoint = values as Endpoint[];
  }
  if (typeof client === 'string' && client !== '') query.client = client;
  return query;
}

function setActive(server: ControlContext, id: string, active: boolean) {
  const client = server.clients.setActive(id, active);
  if (!client) throw new Problem(404, 'Not found', `no client with id ${id}`);
  return view(client);
}

function invalidClient(issues: ConfigIssue[]): Problem {
  return new Problem(
    400,
    'Invalid client',
    issues.map((issue) => `${issue.path || '(body)'}: ${issue.message}`).join('; '),
    { issues },
  );
}

function describePresets() {
  return Object.entries(PRESETS).map(([name, preset]) => ({ name, summary: preset.summary, params: Object.keys(preset.params.shape) }));
}
