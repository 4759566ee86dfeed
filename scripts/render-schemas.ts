import { configJsonSchema } from '../server/config/index.ts';
import { faultRuleJsonSchema } from '../server/faults/rule-schema.ts';
import { scenarioJsonSchema } from '../harness/scenario/schema.ts';

/** The schema files of the package, by file name, as `understudy schema <kind>` prints them. */
export function renderSchemas(): Record<string, string> {
  const text = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    'config.schema.json': text(configJsonSchema()),
    'scenario.schema.json': text(scenarioJsonSchema()),
    'fault-rule.schema.json': text(faultRuleJsonSchema()),
  };
}
