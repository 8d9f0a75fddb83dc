// `bamboo-doctor rules list`: what the knowledge base knows.

import { loadRuleSet } from './shared.js';
import { EXIT, type Io } from './io.js';

export async function rulesListCommand(args: { format: 'text' | 'json'; rules: string[] }, io: Io): Promise<number> {
  const { rules } = loadRuleSet(args.rules);
  const rows = rules.map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    category: r.category,
    scenarios: r.scenarios.map((s) => s.id),
    version: r.version,
  }));
  if (args.format === 'json') {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...rows.map((r) => r.id.length), 2);
  for (const r of rows) {
    io.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.category.padEnd(10)}  ${r.title}\n`);
    io.stdout.write(`${''.padEnd(width)}  scenarios: ${r.scenarios.join(', ')}\n`);
  }
  return EXIT.ok;
}
