// PostgreSQL migration 003: SQLite's 003 as it is (its SQL is PostgreSQL's too). Frozen once shipped, as that one is.

export { sql } from '../migrations/003-build-finished.js';
