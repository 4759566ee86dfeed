import { Argument, Command } from 'commander';

/** `understudy schema [config]`: the JSON Schema of a file format, for editors and validators. */
export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print the JSON Schema of the configuration file (pretty JSON on stdout).')
    .addArgument(new Argument('[kind]', 'which schema').choices(['config']).default('config'))
    .addHelpText(
      'after',
      `
Example:
  understudy schema > understudy.schema.json
  then start the config file with "$schema: ./understudy.schema.json" (JSON) or a
  "# yaml-language-server: $schema=./understudy.schema.json" comment (YAML).`,
    )
    .action(async () => {
      const { configJsonSchema } = await import('../../server/config/index.ts');
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
