// `bamboo-doctor watch --server URL …`: diagnoses a Bamboo server's results as they finish, until SIGINT/SIGTERM.

import { watchServer } from '../server/watch.js';
import { EXIT, type Io } from './io.js';
import { eventsOf, fetchLine } from './fetch-command.js';
import type { ServerArgs } from './server-args.js';
import { parseDuration, serverSetup } from './server-setup.js';
import { seconds } from '../server/failures.js';

export interface WatchArgs extends ServerArgs {
  interval: string;
}

/**
 * Polls every --interval; prints diagnoses as each job result is read (as `analyze -` does) and stores them.
 * A server that goes down is told once per failed pass and tried again after a growing pause. Runs until
 * `io.signal` aborts (bin wires SIGINT/SIGTERM to it): the jobs under way are finished and stored, then 0.
 */
export async function watchCommand(args: WatchArgs, io: Io): Promise<number> {
  const intervalMs = parseDuration(args.interval, '--interval');
  const signal = io.signal ?? new AbortController().signal;
  // While the server is down each pass fails after its retries: the pass says so, not every retry.
  const setup = await serverSetup(args, io, signal, { quietRetries: true });
  const stopping = () => setup.say('bamboo-doctor: stopping; finishing the job results under way');
  signal.addEventListener('abort', stopping, { once: true });
  setup.say(`bamboo-doctor: watching ${setup.options.client.server} every ${seconds(intervalMs)} (Ctrl-C to stop)`);
  try {
    const summary = await watchServer({
      ...setup.options,
      intervalMs,
      signal,
      onEvent: eventsOf(setup),
      onPass: (pass) => {
        setup.status?.clear();
        for (const e of pass.failed) setup.say(`error: ${e.message}`);
        if (pass.outcomes.analysed || pass.failed.length || pass.comments || pass.labels) setup.say(`bamboo-doctor: ${time()} ${fetchLine(pass, args.dryRun)}`);
      },
      onDown: (err, waitMs, failures) => {
        // Said when the server goes down and then every tenth failed pass, not once a minute for a whole night.
        if (failures % 10 === 1) setup.say(`bamboo-doctor: ${time()} ${err.message}; trying again in ${seconds(waitMs)}${failures > 1 ? ` (${failures} passes failed)` : ''}`);
      },
      onBack: () => setup.say(`bamboo-doctor: ${time()} the server answers again`),
    });
    setup.finish();
    const t = summary.totals;
    setup.say(
      `bamboo-doctor: watched ${summary.passes} pass${summary.passes === 1 ? '' : 'es'}${summary.down ? ` (${summary.down} with the server down)` : ''}, ` +
        `${t.analysed} job result${t.analysed === 1 ? '' : 's'} read, ${t.diagnoses} diagnos${t.diagnoses === 1 ? 'is' : 'es'}${setup.store ? ` → ${setup.store.name}` : ''}`,
    );
    return EXIT.ok;
  } finally {
    signal.removeEventListener('abort', stopping);
    await setup.store?.close();
  }
}

const time = () => new Date().toTimeString().slice(0, 8);
