// Reads the Docker Runner's `docker run …` command line: image, volumes and extra arguments.

import type { JobContext, Volume } from '../model.js';

/** `docker run` options that take a value as the next word. */
const VALUE_OPTIONS = new Set(
  ('-v --volume --mount -e --env --env-file -w --workdir --name -u --user --entrypoint -m --memory --memory-swap ' +
    '--memory-reservation --cpus --cpu-shares --cpuset-cpus --network --net --hostname -h --add-host -l --label ' +
    '--group-add --shm-size --ulimit --pull --platform --cap-add --cap-drop --device --dns --log-driver --log-opt ' +
    '--security-opt --tmpfs -p --publish --expose --restart --ipc --pid --runtime --stop-signal --cidfile ' +
    '--cgroup-parent --gpus --link --volumes-from --stop-timeout --health-cmd --isolation --userns --uts ' +
    // The rest of `docker run --help`'s options with a value: one left out takes its value for the image.
    '-a --attach --annotation --blkio-weight --blkio-weight-device -c --cgroupns --cpu-period --cpu-quota ' +
    '--cpu-rt-period --cpu-rt-runtime --cpuset-mems --detach-keys --device-cgroup-rule --device-read-bps ' +
    '--device-read-iops --device-write-bps --device-write-iops --dns-option --dns-search --domainname ' +
    '--health-interval --health-retries --health-start-interval --health-start-period --health-timeout --ip --ip6 ' +
    '--kernel-memory --label-file --link-local-ip --mac-address --memory-swappiness --network-alias --net-alias ' +
    '--oom-score-adj --pids-limit --storage-opt --sysctl --volume-driver')
    .split(' '),
);

/** Options that say nothing about the job's resources: not kept as "arguments". */
const BOOKKEEPING = new Set(['-v', '--volume', '--mount', '--name', '-w', '--workdir', '--rm', '-d', '--detach', '-i', '-t', '-it', '-e', '--env']);

const DOCKER_RUN = /(?:^|[\s/])docker\s+(?:container\s+)?run\s/;

/** `/tmp/runInDocker<digits>.sh …`: how Bamboo runs each task inside a Docker Runner. */
export function isRunnerWrapper(command: string): boolean {
  return /(?:^|[\s[])\/tmp\/runInDocker\d*\.sh\b/.test(command);
}

/**
 * The runner's container starts before "Executing build"; a `docker run` after that belongs to a task.
 * Without a build header (a log fragment) only a `docker run` mounting a Bamboo build dir is the runner.
 */
export function applyRunnerCommand(ctx: JobContext, command: string): void {
  if (!DOCKER_RUN.test(command) || ctx.runner.kind !== 'unknown') return;
  if (ctx.build === null && !/xml-data\/build-dir\/|\$\{bamboo\.working\.directory\}/.test(command)) return;
  const words = shellWords(command.slice(command.search(DOCKER_RUN)));
  const start = words.indexOf('run') + 1;
  const volumes: Volume[] = [];
  const args: string[] = [];
  let image: string | null = null;
  for (let i = start; i < words.length && image === null; i++) {
    const word = words[i];
    if (!word.startsWith('-')) {
      image = word;
      break;
    }
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    let value: string | null = null;
    if (eq > 0) value = word.slice(eq + 1);
    else if (VALUE_OPTIONS.has(name)) value = words[++i] ?? '';
    if (name === '-v' || name === '--volume') {
      const v = parseVolume(value ?? '');
      if (v) volumes.push(v);
    } else if (name === '--mount') {
      const v = parseMount(value ?? '');
      if (v) volumes.push(v);
    } else if (!BOOKKEEPING.has(name)) {
      args.push(value === null ? name : `${name}=${value}`);
    }
  }
  ctx.runner = { kind: 'docker', image, volumes, arguments: args };
  if (volumes.some((v) => v.host.includes('${system.HOME}'))) ctx.agent.service = true;
}

/** `host:container[:options]`; a Windows drive letter is part of the host path. */
export function parseVolume(spec: string): Volume | null {
  const parts = spec.split(':');
  if (/^[A-Za-z]$/.test(parts[0]) && parts.length > 2) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  // `-v /data` alone is an anonymous volume: nothing of the host is mounted.
  if (parts.length < 2) return null;
  return { host: parts[0], container: parts[1] };
}

function parseMount(spec: string): Volume | null {
  const fields = Object.fromEntries(spec.split(',').map((kv) => kv.split('=') as [string, string]));
  const host = fields.source ?? fields.src;
  const container = fields.target ?? fields.destination ?? fields.dst;
  return host && container ? { host, container } : null;
}

/** Splits a command line into words, honouring single and double quotes (`--name='a b'` is one word). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/(?:"(?:\\.|[^"\\])*"|'[^']*'|[^\s'"]+)+/g)) {
    words.push(m[0].replace(/"((?:\\.|[^"\\])*)"|'([^']*)'/g, (_, dq: string | undefined, sq: string | undefined) =>
      dq !== undefined ? dq.replace(/\\(.)/g, '$1') : (sq ?? ''),
    ));
  }
  return words;
}
