/**
 * Child process of the SQLite crash test (not a test itself): appends in a loop from several
 * concurrent writers and prints `position stream revision` for every append once it is
 * acknowledged, until the parent kills it with SIGKILL.
 * Usage: node --conditions=eventfold-source --import tsx sqlite-crash-child.ts <file> <writers>
 */
import { createSqliteStore } from 'eventfold/sqlite';

const [path, writerCount = '4'] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: sqlite-crash-child.ts <file> [writers]');
const store = createSqliteStore({ path });

const writer = async (writerIndex: number): Promise<void> => {
  const streamId = `crash-${process.pid}-${writerIndex}`;
  for (let revision = 0; ; revision += 1) {
    const result = await store.append(
      streamId,
      [{ type: 'Ticked', data: { writerIndex, revision }, tags: [`writer:${writerIndex}`] }],
      { expectedRevision: revision === 0 ? 'no-stream' : revision - 1 },
    );
    // stdout on a pipe is synchronous on Linux: once written, the parent can read the line even if
    // this process dies on the next instruction.
    process.stdout.write(`${result.position} ${streamId} ${result.nextExpectedRevision}\n`);
  }
};

await Promise.all(Array.from({ length: Number(writerCount) }, (_, index) => writer(index)));
