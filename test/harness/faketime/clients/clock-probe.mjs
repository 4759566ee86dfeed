// A command-protocol client that does no HTTP: it reports what its clocks say. A unit's path
// "/sleep/MS" first waits MS ms on setTimeout. The report carries the readings in `error`
// ("clock <Date.now()> monotonic <performance.now()>"), the one free-text field of a report.
import { createInterface } from 'node:readline';

for await (const line of createInterface({ input: process.stdin })) {
  const unit = JSON.parse(line);
  const sleep = /^\/sleep\/(\d+)$/.exec(unit.path);
  const report = () => console.log(JSON.stringify({ id: unit.id, ok: true, error: `clock ${Date.now()} monotonic ${performance.now()}` }));
  if (sleep) setTimeout(report, Number(sleep[1]));
  else report();
}
