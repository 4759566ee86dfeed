/**
 * oauth-understudy: a local stand-in for Oracle IDCS / OCI IAM identity domains and any
 * RFC-compliant OAuth 2.0 authorization server.
 */
export {
  createServer,
  createClock,
  defineConfig,
  resolveConfig,
  loadConfigFile,
  configJsonSchema,
  ConfigError,
  Journal,
  EMBEDDED_CONFIG,
  type CreateServerOptions,
  type UnderstudyServer,
  type Clock,
  type ClockOptions,
  type ClockState,
  type JournalEntry,
  type JournalQuery,
  type JournalSnapshot,
  type Endpoint,
  type Decision,
  type TokenSummary,
  type ConfigIssue,
  type UnderstudyConfig,
  type ClientConfig,
  type ApiRouteConfig,
  type ResourceConfig,
  type ResolvedConfig,
  type ProfileName,
  type ServerUrls,
} from './server/index.ts';
