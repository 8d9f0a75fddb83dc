// The agents a Bamboo server knows (`/agent`, `/agent/remote`), as an inventory that `--agents` files add to.

import { AgentInventory, addServerAgents } from '../context/agents.js';
import { ServerError } from '../errors.js';
import type { BambooClient } from './client.js';

const ADMIN = 'the Administrator (or Restricted administrator) permission, which listing agents takes';

/**
 * Reads the agents list and, where the server has it, the remote agents list, so the agent type (local, remote,
 * elastic, ephemeral) comes from Bamboo itself. A server that refuses (403: not an admin) or lacks the endpoint is
 * no reason to stop fetching logs: `notice` is told and the agent types come from the logs alone.
 */
export async function serverAgents(client: BambooClient, notice: (message: string) => void): Promise<AgentInventory> {
  const inventory = new AgentInventory();
  for (const path of ['/rest/api/latest/agent', '/rest/api/latest/agent/remote']) {
    try {
      const list = await client.json<unknown>({ path, what: `the agents list (${path})`, permission: ADMIN });
      addServerAgents(list, inventory);
    } catch (err) {
      if (!(err instanceof ServerError)) throw err;
      // /agent/remote is missing on some versions: only the main list's absence is worth a word. Other
      // errors (401, a login page, the server down) stop every request, and are said by the first one.
      if (err.status === 404 && path.endsWith('/remote')) continue;
      if (err.status !== 403 && err.status !== 404) throw err;
      notice(`${err.message}; agent types come from the logs alone (or give --agents)`);
      break;
    }
  }
  return inventory;
}
