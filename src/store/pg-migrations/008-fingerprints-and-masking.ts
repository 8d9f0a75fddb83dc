// PostgreSQL migration 008: SQLite's 008 as it is (its SQL is PostgreSQL's too). Frozen once shipped, as that one is.

export { sql } from '../migrations/008-fingerprints-and-masking.js';
