// Migration 004: the agent host's OS (windows, linux, macos, unknown) with each build, as the job context had it.

export const sql = `
ALTER TABLE builds ADD COLUMN agent_os TEXT NOT NULL DEFAULT 'unknown';
`;
