/** The projector both nodes of the ownership test run: one row per applied event, tagged with the node. */
import type { Projector } from 'eventfold';
import type { PostgresProjectionContext } from 'eventfold/postgres';

export const appliedByNode = (node: string): Projector<PostgresProjectionContext> => ({
  name: 'ownership-test',
  init: async (tx) => {
    await tx.query(
      `create table if not exists ${tx.schema}.applied (event_id text not null, node text not null)`,
    );
  },
  // No primary key and no guard on purpose: a batch applied by two nodes shows up as two rows.
  apply: async (tx, events) => {
    for (const event of events)
      await tx.query(`insert into ${tx.schema}.applied (event_id, node) values ($1, $2)`, [event.id, node]);
  },
  reset: async (tx) => {
    await tx.query(`delete from ${tx.schema}.applied`);
  },
});
