// What the user knows about agents: the REST agents list (`GET /rest/api/latest/agent`) and local facts per agent.

import type { z as Z } from 'zod';
import { lazily } from '../lazy.js';
import { KNOWN_AGENT_OSES, KNOWN_AGENT_TYPES, type AgentOs, type AgentType, type JobContext } from '../model.js';
import { InputError } from '../errors.js';
import { checkShape, lineAt, readYamlDocs, type YamlDoc } from './yaml-input.js';

/** What is known about one agent besides its log. */
export interface AgentFacts {
  type?: AgentType;
  /** The agent user's home directory. */
  home?: string;
  /** The agent's installation folder (`…/bamboo-agent-home`). */
  installDir?: string;
  service?: boolean;
  container?: boolean;
  /** The host's OS, for logs whose paths do not show it (an agent-side log without its home line). */
  os?: Exclude<AgentOs, 'unknown'>;
}

/** REST `type` values (com.atlassian.bamboo.agent.AgentType, plus EPHEMERAL of 9.x) are ours upper-cased; others stay unknown. */
const restType = (value: string): AgentType => KNOWN_AGENT_TYPES.find((t) => t === value.toLowerCase()) ?? 'unknown';

/** The shapes of an agents file, built on first use (see lazy.ts). */
const schemas = lazily((z) => {
  const agentType = z.preprocess(
    (v) => (typeof v === 'string' ? v.toLowerCase() : v),
    z.enum(KNOWN_AGENT_TYPES),
  );
  const factFields = {
    home: z.string().min(1).optional(),
    installDir: z.string().min(1).optional(),
    service: z.boolean().optional(),
    container: z.boolean().optional(),
    os: z.enum(KNOWN_AGENT_OSES).optional(),
  };
  return {
    /** A local facts entry: strict, so a misspelt field is reported rather than ignored. */
    factsEntry: z.object({ type: agentType.optional(), ...factFields }).strict(),
    /** An element of the REST list; Bamboo sends more fields than these, and local facts may be added to it. */
    restAgent: z.looseObject({ id: z.union([z.number(), z.string()]).optional(), name: z.string().min(1), type: z.string().optional(), ...factFields }),
  };
});

const SHAPES = 'the JSON array of GET /rest/api/latest/agent, or a map of agent name to { type, home, installDir, service, container, os }';

/** Agents by exact name; later files add to and override earlier ones. */
export class AgentInventory {
  private readonly byName = new Map<string, AgentFacts>();
  /** Names by the REST list's `id`: a log's environment dump gives `bamboo_agentId` where its header's name is missing. */
  private readonly nameById = new Map<string, string>();

  get size(): number {
    return this.byName.size;
  }

  get(name: string): AgentFacts | undefined {
    return this.byName.get(name);
  }

  /** Ties a REST `id` to a name, so a job that shows only `bamboo_agentId` finds the agent's facts. */
  addId(id: string, name: string): void {
    this.nameById.set(id, name);
  }

  add(name: string, facts: AgentFacts): void {
    const defined = Object.entries(facts).filter(([, v]) => v !== undefined);
    this.byName.set(name, { ...this.byName.get(name), ...Object.fromEntries(defined) });
  }

  /**
   * Fills what the log did not tell. The log wins, with two refinements: `remote` may become `elastic` or
   * `ephemeral` (both are remote agents), and the user's `container`/`service` replace a `false` that is
   * only the tracker's guess (the log's evidence for these is always `true`).
   */
  enrich(ctx: JobContext): void {
    const byId = ctx.agentDetail.id === null ? undefined : this.nameById.get(ctx.agentDetail.id);
    const name = ctx.agent.name !== null && this.byName.has(ctx.agent.name) ? ctx.agent.name : byId;
    const facts = name === undefined || name === null ? undefined : this.byName.get(name);
    if (!facts) return;
    const agent = ctx.agent;
    agent.name ??= name!;
    if (facts.type && (agent.type === 'unknown' || (agent.type === 'remote' && (facts.type === 'elastic' || facts.type === 'ephemeral')))) {
      agent.type = facts.type;
    }
    if (facts.home !== undefined) agent.home ??= facts.home;
    if (facts.installDir !== undefined) ctx.agentHomeDir ??= facts.installDir;
    if (facts.service !== undefined && agent.service !== true) agent.service = facts.service;
    if (facts.container !== undefined && agent.container !== true) agent.container = facts.container;
    if (facts.os !== undefined && agent.os === 'unknown') agent.os = facts.os;
  }
}

/** Reads `--agents` files: each is the REST agents list or a YAML/JSON map of local facts per agent name. */
export function loadAgents(files: string[], into = new AgentInventory()): AgentInventory {
  for (const file of files) {
    for (const d of readYamlDocs(file)) {
      if (Array.isArray(d.value)) readRestList(d, d.value, into);
      else if (d.value !== null && typeof d.value === 'object') readFactsMap(d, d.value as Record<string, unknown>, into);
      else if (d.value !== null) throw new InputError(file, lineAt(d, []), `expected ${SHAPES}`);
    }
  }
  return into;
}

function readRestList(d: YamlDoc, list: unknown[], into: AgentInventory): void {
  list.forEach((item, i) => addRestAgent(checkShape(schemas().restAgent, item, d, [i], 'an agent object with at least a name'), into));
}

type RestAgent = Z.infer<ReturnType<typeof schemas>['restAgent']>;

function addRestAgent(a: RestAgent, into: AgentInventory): void {
  const type = a.type === undefined ? undefined : restType(a.type);
  if (a.id !== undefined) into.addId(String(a.id), a.name);
  into.add(a.name, { type: type === 'unknown' ? undefined : type, home: a.home, installDir: a.installDir, service: a.service, container: a.container, os: a.os });
}

/**
 * Agents as a Bamboo server lists them (`GET /rest/api/latest/agent`, `/agent/remote`), read as `--agents` reads
 * an export of that list; elements without a name are passed over. Returns how many were added.
 */
export function addServerAgents(list: unknown, into: AgentInventory): number {
  if (!Array.isArray(list)) return 0;
  let added = 0;
  for (const item of list) {
    const a = schemas().restAgent.safeParse(item);
    if (a.success) {
      addRestAgent(a.data, into);
      added++;
    }
  }
  return added;
}

function readFactsMap(d: YamlDoc, map: Record<string, unknown>, into: AgentInventory): void {
  for (const [name, entry] of Object.entries(map)) {
    into.add(name, checkShape(schemas().factsEntry, entry, d, [name], 'type, home, installDir, service (true/false), container (true/false), os (windows/linux/macos)'));
  }
}
