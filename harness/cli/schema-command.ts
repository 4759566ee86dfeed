import { Argument, Command } from 'commander';

/** `understudy schema [config]`: the JSON Schema of a file format, for editors and validators. */
export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print the JSON Schema of a file format (pretty JSON on stdout): the configuration file, a scenario, or a fault rule.')
    .addArgument(new Argument('[kind]', 'which schema').choices(['config', 'scenario', 'fault']).default('config'))
    .addHelpText(
      'after',
      `
Example:
  understudy schema > understudy.schema.json
  then start the config file with "$schema: ./understudy.schema.json" (JSON) or a
  "# yaml-language-server: $schema=./understudy.schema.json" comment (YAML).`,
    )
    .action(async (kind: 'config' | 'scenario' | 'fault') => {
      const schema =
        kind === 'scenario'
          ? (await import('../scenario/schema.ts')).scenarioJsonSchema()
          : kind === 'fault'
            ? (await import('../../server/faults/rule-schema.ts')).faultRuleJsonSchema()
            : (await import('../../server/config/index.ts')).configJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
