/**
 * Issue 17, load: the executor writes BEGIN READ ONLY with its SET LOCALs, the gated SQL and the
 * COMMIT at once (one write, one round trip) instead of waiting for each. What must not change:
 * the access setting lives only in the statement's own transaction — on a session the pool hands
 * to the next person it is gone, also after a statement that failed — and nothing runs outside the
 * read-only transaction.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Executor } from '../warehouse/executor.ts';
import { type AccessWarehouse, accessWarehouse } from './access-warehouse.ts';

let warehouse: AccessWarehouse;
let executor: Executor;
const emea = { groups: ['emea_sales'], user: {} };
const regions = 'SELECT region_name FROM sales.regions ORDER BY 1';

beforeAll(async () => {
  warehouse = await accessWarehouse(
    'pipeline',
    `
access:
  default: nothing
  groups:
    - name: emea_sales
      members: [aad-emea]
      rows: ["r.region_name = 'EMEA'"]
`,
  );
  // One session, so every statement below runs on the session the one before it used.
  executor = new Executor({
    connectionString: warehouse.env.ANALYTICS_DB_URL as string,
    timeoutSeconds: 5,
    maxRows: 100,
    poolSize: 1,
  });
});
afterAll(async () => {
  await executor?.close();
  await warehouse?.admin.end();
});

describe('the pipelined executor', () => {
  it('keeps the access setting to its own transaction on a shared session', async () => {
    expect((await executor.run(regions, { access: emea })).rows).toEqual([['EMEA']]);
    expect((await executor.run(regions)).rows).toEqual([]);
    expect((await executor.run(regions, { access: emea })).rows).toEqual([['EMEA']]);
  });

  it('leaves nothing behind when the gated statement fails', async () => {
    await expect(executor.run('SELECT 1 / 0', { access: emea })).rejects.toThrow(/could not run/);
    expect((await executor.run(regions)).rows).toEqual([]);
    await expect(executor.run('DELETE FROM sales.orders', { access: emea })).rejects.toThrow(
      /read-only|permission/,
    );
    expect((await executor.run(regions, { access: emea })).rows).toEqual([['EMEA']]);
  });

  it('writes the transaction, the statement and the commit to the server at once', async () => {
    await executor.run('SELECT 1');
    const writev = vi.spyOn(net.Socket.prototype as unknown as { _writev: () => void }, '_writev');
    const write = vi.spyOn(net.Socket.prototype as unknown as { _write: () => void }, '_write');
    try {
      expect((await executor.run(regions, { access: emea })).rows).toEqual([['EMEA']]);
      expect(writev.mock.calls.length + write.mock.calls.length).toBe(1);
    } finally {
      writev.mockRestore();
      write.mockRestore();
    }
  });
});
