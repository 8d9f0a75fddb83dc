import { it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { FakeBamboo } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';
it('scratch', async () => {
  const fake = new FakeBamboo({ token: 'tok-123456' });
  await fake.start();
  fake.add(sampleResult('docker-runner-remote-agent'), sampleResult('agent-environment'), sampleResult('successful-build-noisy-stderr', 'Successful'));
  const db = `${tempDir()}/x.db`;
  const env = { BAMBOO_TOKEN: 'tok-123456' };
  for (const args of [
    ['fetch', '--server', fake.url, '--db', db],
    ['fetch', '--server', fake.url, '--db', db, '--comment', '--label', '--dry-run'],
    ['fetch', '--server', fake.url, '--db', db, '--comment', '--label'],
    ['fetch', '--server', fake.url, '--db', db, '--comment', '--label', '--force', '--format', 'ndjson'],
  ]) {
    const r = await runCli(args, { env });
    console.log(args.join(' '), '\nexit', r.code, '\nSTDERR:\n' + r.stderr, '\nSTDOUT:\n' + r.stdout.slice(0, 1500));
  }
  console.log(JSON.stringify([...fake.comments], null, 1).slice(0, 3000), [...fake.labels]);
  const r = await runCli(['fetch', '--server', fake.url, '--db', db], { env: { BAMBOO_TOKEN: 'nope' } });
  console.log('exit', r.code, r.stderr);
  await fake.stop();
});
