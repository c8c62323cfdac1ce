// `npm run bench [filter…]`: runs every bench/*.bench.ts (or those whose name contains a filter)
// one after another, so workloads never compete for the two cores, and prints one table.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchModule, type BenchRow, printTable } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

const rows: BenchRow[] = [];
for (const file of files) {
  console.error(`bench: ${file}`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  const produced = await module.default();
  rows.push(...produced);
  printTable(produced);
}
console.log('\nAll workloads:');
printTable(rows);
