import type { ScenarioInput } from './schema.ts';

/** Identity helper for scenarios written in TypeScript: gives the object its type. */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}
