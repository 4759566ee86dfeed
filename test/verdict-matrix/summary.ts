/**
 * The summary by rule at the top of docs/verdict-matrix.md, derived from the per-scenario cells:
 * for each library and each rule, how many of the rule's scenarios get each verdict
 * (`✗` fail, `✓` pass, `○` not exercised, `–` not applicable, `?` undecided).
 */
export const MARKS: Record<string, string> = { fail: '✗', pass: '✓', 'not-exercised': '○', 'not-applicable': '–', undecided: '?' };

/** The summary table, as markdown lines: one row per library, one column per rule. */
export function summaryTable(cells: Map<string, Map<string, string>>, ruleOf: Map<string, string>, rules: string[]): string[] {
  const lines = [`| library | ${rules.join(' | ')} |`, `|---|${rules.map(() => '---').join('|')}|`];
  for (const [library, verdicts] of cells) {
    const row = rules.map((rule) => {
      const counts = new Map<string, number>();
      for (const [scenario, verdict] of verdicts) if (ruleOf.get(scenario) === rule) counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
      return Object.keys(MARKS)
        .filter((verdict) => counts.has(verdict))
        .map((verdict) => `${MARKS[verdict]}${counts.get(verdict)}`)
        .join(' ');
    });
    lines.push(`| ${library} | ${row.join(' | ')} |`);
  }
  return lines;
}
