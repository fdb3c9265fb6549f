// A PostgreSQL server of a test's own, for tests that need what scripts/with-postgres.sh does
// not give: WAL archiving, base backups, a restore. Runs Debian's binaries; as root, as the
// `postgres` user (PostgreSQL refuses to run as root).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort } from './server.mjs';

function pgBin() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  if (!versions.length) throw new Error('PostgreSQL is not installed (scripts/install-deps.sh)');
  return join(root, versions[versions.length - 1], 'bin');
}

const asRoot = process.getuid?.() === 0;
const postgresUid = () => Number(execFileSync('id', ['-u', 'postgres']).toString());
const postgresGid = () => Number(execFileSync('id', ['-g', 'postgres']).toString());

/** Runs a PostgreSQL program as the server's user; returns its stdout. */
export function runPg(program, args, opts = {}) {
  const file = join(pgBin(), program);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...opts }).toString();
}

/** A directory the server's user owns (for data directories, archives, base backups). */
export function pgOwnedDir(prefix = 'kb-pg-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot) chownSync(dir, postgresUid(), postgresGid());
  return dir;
}

export class PgServer {
  /** `data` is a data directory made by initdb or restored from a base backup. */
  constructor(data, port, socketDir) {
    this.data = data;
    this.port = port;
    this.socketDir = socketDir;
    this.url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  }

  /** initdb into a fresh directory, with `conf` lines appended to postgresql.conf. */
  static async init(conf = []) {
    const dir = pgOwnedDir();
    const data = join(dir, 'data');
    runPg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    appendFileSync(join(data, 'postgresql.conf'), conf.map((l) => `${l}\n`).join(''));
    const server = new PgServer(data, await freePort(), dir);
    server.root = dir;
    return server;
  }

  start() {
    runPg('pg_ctl', ['-D', this.data, '-l', join(this.data, 'server.log'), '-w', '-t', '60', '-o',
      `-p ${this.port} -k ${this.socketDir} -c listen_addresses=127.0.0.1`, 'start']);
  }

  /** mode: 'fast' (clean) or 'immediate' (as if the machine died). */
  stop(mode = 'fast') {
    try { runPg('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']); } catch { /* not running */ }
  }

  /** One SQL statement through psql; returns its unaligned, tuples-only output, trimmed. */
  sql(statement) {
    return runPg('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', 'postgres',
      '-XAtc', statement]).trim();
  }

  writeFile(name, text) {
    const path = join(this.data, name);
    writeFileSync(path, text);
    if (asRoot) chownSync(path, postgresUid(), postgresGid());
  }

  remove() {
    this.stop('immediate');
    rmSync(this.root ?? this.data, { recursive: true, force: true });
  }
}
