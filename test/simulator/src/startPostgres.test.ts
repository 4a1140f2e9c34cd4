import { startPostgres } from './startPostgres';

jest.setTimeout(120_000);

describe('startPostgres', () => {
  it('runs a real PostgreSQL on 127.0.0.1 with password auth, and stops it', async () => {
    const started = Date.now();
    const pg = await startPostgres();
    const startMs = Date.now() - started;
    try {
      expect(pg.connectionString).toMatch(
        /^postgresql:\/\/postgres:[0-9a-f]{36}@127\.0\.0\.1:\d+\/postgres$/,
      );
      expect(await pg.query('postgres', 'show server_version_num')).toMatch(
        new RegExp(`^${pg.version}\\d{4}$`),
      );
      await pg.query('postgres', 'create database wide_ep_probe');
      expect(
        await pg.query(
          'postgres',
          "select count(*) from pg_database where datname = 'wide_ep_probe'",
        ),
      ).toBe('1');
    } finally {
      await pg.stop();
    }
    console.log(`PostgreSQL ${pg.version}: initdb + start in ${startMs} ms`);
    await expect(pg.query('postgres', 'select 1')).rejects.toThrow(
      /connection|Connection refused|could not connect/i,
    );
  });
});
