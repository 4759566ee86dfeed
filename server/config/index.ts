export { DEFAULTS, EMBEDDED_CONFIG, DEMO_AUDIENCE, DEMO_SCOPE } from './defaults.ts';
export { defaultScopeOf } from './default-scope.ts';
export { ConfigError, type ConfigIssue } from './errors.ts';
export { loadConfigFile, parseConfigText } from './load.ts';
export { resolveConfig, resolveClient, findScopeGrant, type ResolveOptions } from './resolve.ts';
export { configSchema, clientSchema, configJsonSchema, type UnderstudyConfig, type ClientConfig, type ApiRouteConfig, type ResourceConfig } from './schema.ts';
export type * from './types.ts';
