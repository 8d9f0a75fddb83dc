// The shared vocabulary of the pipeline: lines, job context and diagnoses (the output contract of DESIGN.md).

/** Bamboo's four log entry types, plus `plain` for a line in no known format. */
export type LineType = 'simple' | 'build' | 'command' | 'error' | 'plain';

/** One decoded log line (or one REST log entry). */
export interface LogLine {
  /** 1-based line number in its source; for a JSON export the 1-based entry index within its job result. */
  line: number;
  type: LineType;
  /** Log-local time, ISO 8601 without zone (`2024-06-29T17:47:29`), or null when the line has none. */
  time: string | null;
  /** The message; for a `command` entry with literal `\n` sequences, the whole message. */
  text: string;
  /** Parts of the message when it is several lines in one (literal `\n` in a `command` entry, `<br />` in REST). */
  parts?: string[];
  /** True when the line was longer than the reader's maximum and was cut. */
  truncated?: boolean;
  /** The build key a server or agent log line is prefixed with (`PROJ-PLAN-JOB1-7: Executing build …`). */
  key?: string;
  /** The agent a server log line's thread names (`[17-BAM::Default Agent::Agent:pool-32-thread-1]`). */
  agent?: string;
}

// Each vocabulary is one list: the types, the rule schema, the CLI's choices and the SQL are derived from it.

/** The agent types Bamboo knows (its REST API writes them upper-case). */
export const KNOWN_AGENT_TYPES = ['local', 'remote', 'elastic', 'ephemeral'] as const;
export const AGENT_TYPES = [...KNOWN_AGENT_TYPES, 'unknown'] as const;
export type AgentType = (typeof AGENT_TYPES)[number];

export const RUNNER_KINDS = ['docker', 'agent', 'unknown'] as const;
export type RunnerKind = (typeof RUNNER_KINDS)[number];

/** The agent host's operating system, from the paths the log shows (see src/context/agent-os.ts). */
export const KNOWN_AGENT_OSES = ['windows', 'linux', 'macos'] as const;
export const AGENT_OSES = [...KNOWN_AGENT_OSES, 'unknown'] as const;
export type AgentOs = (typeof AGENT_OSES)[number];

/** Most severe first: `--fail-on`, `history --severity` and the order of stored diagnoses follow this list. */
export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The scenario of a diagnosis whose log does not tell its rule's candidate scenarios apart. */
export const UNDETERMINED = 'undetermined';

/** The severities at or above one: `warning` → error, warning. */
export const severitiesAtLeast = (severity: Severity): Severity[] => SEVERITIES.slice(0, SEVERITIES.indexOf(severity) + 1);

export type TaskResult = 'success' | 'failed' | 'unknown';
export const BUILD_STATES = ['successful', 'failed', 'unknown'] as const;
export type BuildState = (typeof BUILD_STATES)[number];

export interface Volume {
  host: string;
  container: string;
}

export interface AgentInfo {
  name: string | null;
  type: AgentType;
  /** True when the agent itself runs in a container; null when the log does not tell. */
  container: boolean | null;
  /** True when the agent runs as a service (an unresolved `${system.HOME}`); null when the log does not tell. */
  service: boolean | null;
  /** The agent user's home directory, when seen. */
  home: string | null;
  /** The agent host's operating system: `unknown` until a path in the log (or `--agents`) tells it. */
  os: AgentOs;
}

/**
 * What the log shows about the agent besides AgentInfo (which is the output contract): read by fix texts'
 * placeholders and by `--agents` (see src/context/agent-signals.ts for where each comes from).
 */
export interface AgentDetail {
  /** The host of "Remote agent on host …"; a 12-hex one is the id of the agent's container. */
  host: string | null;
  /** `bamboo_agentId` of an environment dump: the agent's id in Bamboo (the REST agents list's `id`). */
  id: string | null;
  /** The agent's UUID, from a Docker task's `.dockercfg-bamboo-<uuid>`. */
  uuid: string | null;
  /** The account the agent runs as, when the log shows it (Windows LocalSystem's `systemprofile`). */
  user: string | null;
  /** True when the agent runs in a Kubernetes pod (`KUBERNETES_SERVICE_HOST`, `BAMBOO_EPHEMERAL_AGENT_DATA`). */
  kubernetes: boolean;
  /** Bamboo's base URL, from `bamboo_resultsUrl` of an environment dump. */
  serverUrl: string | null;
  /**
   * Agent types the log rules out while `agent.type` is still unknown: Bamboo names every elastic agent
   * "Elastic Agent on i-…", so an agent the header names otherwise is not one.
   */
  excludedTypes: AgentType[];
}

export interface RunnerInfo {
  kind: RunnerKind;
  image: string | null;
  volumes: Volume[];
  /** Extra `docker run` arguments seen on the runner's command line (e.g. `--memory=4g`). */
  arguments: string[];
}

export interface TaskInfo {
  name: string;
  type: string | null;
  result: TaskResult;
}

/** What is known about the job a line belongs to. Unknown stays `unknown`/null. */
export interface JobContext {
  /** Build result key, e.g. `PROJ-PLAN-JOB1-12`. */
  build: string | null;
  plan: string | null;
  job: string | null;
  number: number | null;
  bambooVersion: string | null;
  /** Agent home directory of the Bamboo agent installation (`.../bamboo-agent-home`), when seen. */
  agentHomeDir: string | null;
  workingDirectory: string | null;
  agent: AgentInfo;
  agentDetail: AgentDetail;
  runner: RunnerInfo;
  /** The task running now (null outside tasks). */
  task: TaskInfo | null;
  tasks: TaskInfo[];
  state: BuildState;
  /** True once the log said the build has finished. */
  finished: boolean;
  /** True once the build's tasks began ("Executing build …"): before it, Bamboo is still setting the job up. */
  executing: boolean;
  /** Time of the first timed line of the job. */
  started: string | null;
  /** The job's `docker:` block in the Bamboo Specs given with `--specs`; null when they define the job without one. */
  runnerSpecs?: RunnerSpec | null;
}

/** A `docker:` block of Bamboo Specs YAML, as written (its variables unresolved). */
export interface RunnerSpec {
  file: string;
  /** 1-based line of the `docker:` key. */
  line: number;
  /** The job's own block, or the plan's, which the job inherits. */
  level: 'job' | 'plan';
  image: string;
  /** Only the volumes written in the block; Bamboo adds its defaults unless `useDefaultVolumes` is false. */
  volumes: Volume[];
  useDefaultVolumes: boolean;
  /** `docker-run-arguments`. */
  arguments: string[];
}

/** A line that most likely explains a failed task or job (DESIGN.md `cause`). */
export interface CauseLine {
  /** 1-based line number in the source (for a JSON export, the entry index within its job result). */
  line: number;
  text: string;
  /** Its template also occurs in successful builds of the same job: likely noise, ranked last. */
  seenInGreen?: true;
}

/** A candidate cause line as ranked and stored: how telling it is and how far above the failure it came. */
export interface CauseCandidate {
  line: number;
  text: string;
  /** The line with its variable parts masked (src/diagnose/signature.ts), and its hash. */
  template: string;
  hash: string;
  /** How telling the line is, from its text, its type and whether a specific rule matched it. */
  weight: number;
  /** Lines between it and the task's failure line. */
  distance: number;
  frame: boolean;
}

/** One diagnosis: a rule that fired in one job, with the fix for the scenario the job ran in. */
export interface Diagnosis {
  rule: string;
  title: string;
  severity: Severity;
  category: string;
  scenario: string;
  /** With scenario `undetermined`: the scenarios the log could not tell apart. */
  candidates?: string[];
  build: string | null;
  plan: string | null;
  job: string | null;
  number: number | null;
  /**
   * The build's state when the diagnosis was made: at the job's end (a batch), or as soon as it failed (live; a
   * fragment without a build key may not know). Printed so `ingest` stores it; absent in records of older versions.
   */
  state?: BuildState;
  agent: AgentInfo;
  runner: { kind: RunnerKind; image: string | null; volumes: Volume[] };
  task: { name: string; type: string | null } | null;
  source: string;
  line: number;
  time: string | null;
  evidence: string[];
  captures: Record<string, string>;
  count: number;
  fix: string;
  /** Content hash of the rule file that produced this diagnosis. */
  ruleVersion: string;
  /** Why the severity was lowered, when it was (a successful job, a generic rule folded into a specific one). */
  note?: string;
  /** On a diagnosis of a failed task or job: up to 5 lines that most likely explain it, most telling first. */
  cause?: CauseLine[];
  /** The hash of the first cause line's template: groups builds that failed the same way. */
  signature?: string;
  /** The first cause line's template (stored with the signature; not printed). */
  template?: string;
  /** The ranked candidates the cause lines were chosen from (stored, to rank again; not printed). */
  causePool?: CauseCandidate[];
  /** The rule is a catch-all (`generic: true`): it does not count as explaining a failure. Not printed. */
  generic?: boolean;
}

export function emptyContext(): JobContext {
  return {
    build: null,
    plan: null,
    job: null,
    number: null,
    bambooVersion: null,
    agentHomeDir: null,
    workingDirectory: null,
    agent: { name: null, type: 'unknown', container: null, service: null, home: null, os: 'unknown' },
    agentDetail: { host: null, id: null, uuid: null, user: null, kubernetes: false, serverUrl: null, excludedTypes: [] },
    runner: { kind: 'unknown', image: null, volumes: [], arguments: [] },
    task: null,
    tasks: [],
    state: 'unknown',
    finished: false,
    executing: false,
    started: null,
  };
}
