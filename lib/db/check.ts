import pg from "pg";

/** Connects once; on failure exits the process with one sentence naming the host. */
export async function assertReachable(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (e) {
    let where = "the database";
    try {
      const u = new URL(databaseUrl);
      where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      /* not a URL */
    }
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    console.error(`Cannot reach the database at ${where} (${reason}). Check DATABASE_URL and that the server is running.`);
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
}
