/**
 * The example's user database: SQLite through better-sqlite3, an embedded file created and seeded
 * on first start. A user's roles live in their own table; one query reads a user with its roles.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { hashPasswordSync } from './passwords.js';

/**
 * A user as the database returns it. The whole object goes into `createAccessToken`: the identity
 * loader takes its `username`, the claims loader its `roles` (the seed page's "complex object").
 *
 * @example
 * ```ts
 * const token = await jwt.createAccessToken(new UserObject('test', ['foo', 'bar']))
 * ```
 */
export class UserObject {
  constructor(
    readonly username: string,
    readonly roles: readonly string[],
    readonly displayName: string = username,
  ) {}
}

/** What login needs: the user and its stored password hash, from one row. */
export interface LoginRow {
  readonly user: UserObject;
  readonly passwordHash: string;
}

/** The seeded demo account, shown on the page and printed at start-up. */
export interface DemoAccount {
  readonly username: string;
  readonly password: string;
}

/** The user database of the example. */
export interface UserDatabase {
  /** Where it lives (a file path, or `:memory:`). */
  readonly location: string;
  /** The user and its password hash, or `null`: login's one read. */
  findLogin(username: string): LoginRow | null;
  /** The user, or `null`: what the user lookup loader calls on protected routes. */
  findUser(username: string): UserObject | null;
  /** The user's API key (the example's fresh-only secret), or `null`. */
  apiKeyOf(username: string): string | null;
  /** The account seeded on first start, or `null` if this database was not seeded by the example. */
  demoAccount(): DemoAccount | null;
  close(): void;
}

/** Options of {@link openUserDatabase}. */
export interface UserDatabaseOptions {
  /** A file path or `:memory:`; the file and its folder are created when missing. */
  readonly location: string;
  /** The seeded user's password; a random one when unset. */
  readonly seedPassword?: string | undefined;
  /** log2 of scrypt's N for the seeded hash (default 15). */
  readonly hashCost?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    api_key TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
  );
  -- Demo only: the seeded password in clear, so the page can show it. Drop this table in a real app.
  CREATE TABLE IF NOT EXISTS demo_account (
    username TEXT PRIMARY KEY REFERENCES users(username) ON DELETE CASCADE,
    password TEXT NOT NULL
  );
`;

/** One row per user, its roles as a JSON array in insertion order. */
const USER_QUERY = `
  SELECT username, display_name AS displayName, password_hash AS passwordHash,
    (SELECT json_group_array(role) FROM (SELECT role FROM user_roles WHERE user_id = users.id ORDER BY rowid)) AS roles
  FROM users WHERE username = ?
`;

interface UserRow {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: string;
}

/**
 * Opens (and on first start creates and seeds) the user database. The seed is the seed page's
 * user: `test` with the roles `foo` and `bar`, and a random password unless `seedPassword` is given.
 *
 * @example
 * ```ts
 * const users = openUserDatabase({ location: process.env.DATABASE ?? 'examples/.data/users.sqlite' })
 * ```
 */
export function openUserDatabase(options: UserDatabaseOptions): UserDatabase {
  const { location } = options;
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  const db = new Database(location);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  const isEmpty = () => db.prepare('SELECT 1 FROM users LIMIT 1').get() === undefined;
  if (isEmpty()) {
    const password = options.seedPassword || randomBytes(9).toString('base64url');
    const passwordHash = hashPasswordSync(password, options.hashCost);
    const apiKey = `demo_${randomBytes(18).toString('base64url')}`;
    // Checked again inside the transaction: two instances starting on one new file seed it once.
    db.transaction(() => {
      if (!isEmpty()) return;
      const { lastInsertRowid } = db
        .prepare('INSERT INTO users (username, display_name, password_hash, api_key) VALUES (?, ?, ?, ?)')
        .run('test', 'Test User', passwordHash, apiKey);
      const addRole = db.prepare('INSERT INTO user_roles (user_id, role) VALUES (?, ?)');
      for (const role of ['foo', 'bar']) addRole.run(lastInsertRowid, role);
      db.prepare('INSERT INTO demo_account (username, password) VALUES (?, ?)').run('test', password);
    }).immediate();
  }

  const userQuery = db.prepare<[string], UserRow>(USER_QUERY);
  const toUser = (row: UserRow) => new UserObject(row.username, JSON.parse(row.roles) as string[], row.displayName);
  const apiKeyQuery = db.prepare<[string], { apiKey: string }>(
    'SELECT api_key AS apiKey FROM users WHERE username = ?',
  );
  const demoQuery = db.prepare<[], DemoAccount>('SELECT username, password FROM demo_account LIMIT 1');
  return {
    location,
    findLogin(username) {
      const row = userQuery.get(username);
      return row === undefined ? null : { user: toUser(row), passwordHash: row.passwordHash };
    },
    findUser(username) {
      const row = userQuery.get(username);
      return row === undefined ? null : toUser(row);
    },
    apiKeyOf: (username) => apiKeyQuery.get(username)?.apiKey ?? null,
    demoAccount: () => demoQuery.get() ?? null,
    close: () => db.close(),
  };
}
