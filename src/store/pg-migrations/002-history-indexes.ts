// PostgreSQL migration 002: SQLite's 002 as it is (its SQL is PostgreSQL's too). Frozen once shipped, as that one is.

export { sql } from '../migrations/002-history-indexes.js';
