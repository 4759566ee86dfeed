export { FaultEngine, FaultRuleError, type FaultRuleView, type FaultPlan, type Firing } from './fault-engine.ts';
export { PRESETS, presetNames, type PresetExpansion } from './presets.ts';
export { ruleSchema, faultRuleJsonSchema, type FaultRule, type FaultRuleInput, type FaultAction, type FaultMatch } from './rule-schema.ts';
