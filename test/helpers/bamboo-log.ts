// Writes GENERATED Bamboo build logs (`.log` download layout) for tests: header, tasks, their output and results.
// The lifecycle lines follow shared/docs/bamboo-facts.md; the tool output given to it is the test's own.

export type Line = string | [type: 'build' | 'error' | 'simple' | 'command', text: string];

export interface TaskSpec {
  name: string;
  /** Output lines: a string is stdout (`build`), a pair names the type (`error` = stderr). */
  lines: Line[];
  /** Non-zero: the task fails with "Failing task since return code …"; null: it fails with no such line. */
  exit?: number | null;
}

export interface BuildSpec {
  /** PROJ-PLAN-JOB-N */
  key: string;
  agent?: string;
  /** dd-MMM-yyyy, the day the build ran. */
  day?: string;
  tasks: TaskSpec[];
}

const TIME = '09:41:07';

/** A whole build log, every line `type<TAB>dd-MMM-yyyy HH:mm:ss<TAB>message`. */
export function bambooLog(spec: BuildSpec): string {
  const day = spec.day ?? '03-Nov-2025';
  const agent = spec.agent ?? 'build-linux-01';
  const [project, plan] = spec.key.split('-');
  const n = spec.key.split('-').pop();
  const out: string[] = [];
  const put = (type: string, text: string) => out.push(`${type}\t${day} ${TIME}\t${text}`);
  put('simple', `Build ${project} - ${plan} - Default Job #${n} (${spec.key}) started building on agent ${agent}, bamboo version: 9.6.1`);
  put('simple', `Remote agent on host ${agent}`);
  put('simple', `Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/${spec.key.replace(/-\d+$/, '')}`);
  put('simple', `Executing build ${project} - ${plan} - Default Job #${n} (${spec.key})`);
  for (const task of spec.tasks) {
    put('simple', `Starting task '${task.name}' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'`);
    for (const line of task.lines) {
      if (typeof line === 'string') put('build', line);
      else put(line[0], line[1]);
    }
    if (task.exit) {
      const script = `/home/bamboo/bamboo-agent-home/temp/${spec.key}-ScriptBuildTask-8428827846549.sh`;
      put('simple', `Failing task since return code of [/bin/sh ${script}] was ${task.exit} while expected 0`);
    }
    put('simple', `Finished task '${task.name}' with result: ${task.exit === undefined ? 'Success' : 'Failed'}`);
  }
  put('simple', `Finished building ${spec.key}.`);
  return `${out.join('\n')}\n`;
}
