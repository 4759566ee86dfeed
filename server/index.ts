/**
 * understudy's server: the IDCS / RFC 9068 authorization server stand-in, the mock protected
 * API, the virtual clock and the journal.
 */
export { createServer, ListenError, type CreateServerOptions, type UnderstudyServer } from './create-server.ts';
export { createClock, type Clock, type ClockOptions, type ClockState } from './base/clock.ts';
export { Journal, type JournalOptions, type JournalSnapshot, type JournalSink } from './journal/journal.ts';
export type { JournalEntry, JournalQuery, Endpoint, Decision, TokenSummary } from './journal/types.ts';
export {
  ConfigError,
  configJsonSchema,
  loadConfigFile,
  resolveConfig,
  EMBEDDED_CONFIG,
  type ConfigIssue,
  type UnderstudyConfig,
  type ClientConfig,
  type ApiRouteConfig,
  type ResourceConfig,
  type ResolvedConfig,
  type ProfileName,
} from './config/index.ts';
export type { ServerUrls } from './profiles/index.ts';
export type { SettleOptions } from './create-understudy.ts';
export {
  FaultEngine,
  FaultRuleError,
  PRESETS,
  presetNames,
  faultRuleJsonSchema,
  type FaultRule,
  type FaultRuleInput,
  type FaultRuleView,
  type FaultAction,
  type FaultMatch,
} from './faults/index.ts';

import type { UnderstudyConfig } from './config/schema.ts';

/** Identity helper that gives a configuration object its type (and editor completion). */
export function defineConfig(config: UnderstudyConfig): UnderstudyConfig {
  return config;
}
