// A knock-on failure is no second error: `consequence-of` in a rule file links it to the failure it follows from.
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';

const ruleSet = new RuleSet(loadRules());

// Real lines of a Bamboo 8.2.5 job in a Docker Runner (ls1intum/Artemis BuildLogEntryServiceTest, bamboo-facts §1.5 sample B).
const before = [
  'Build ABC23H01E01 - AB12345 - Default Job #5 (MY-JOB) started building on agent ls1Agent-test.artemistest.in.tum.de, bamboo version: 8.2.5',
  'Remote agent on host ls1Agent-test.artemistest.in.tum.de',
  'Build working directory is /opt/bambooagent/bamboo-agent-home/xml-data/build-dir/ABC23H01E01',
  'Executing build ABC23H01E01 - Default Job #5 (ABC23H01E01-JOB1-5)',
  "Starting task 'Tests' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'",
];
const failTests = [
  'Failing task since return code of [/tmp/runInDocker6842401286113283280.sh /opt/bambooagent/bamboo-agent-home/temp/ABC23H01E01-JOB1-5-ScriptBuildTask-450090153682409851.sh] was 1 while expected 0',
  "Finished task 'Tests' with result: Failed",
];
const junit = [
  "Starting task 'JUnit Parser' of type 'com.atlassian.bamboo.plugins.testresultparser:task.testresultparser.junit'",
  'Parsing test results under /opt/bambooagent/bamboo-agent-home/xml-data/build-dir/ABC23H01E01-JOB1...',
  'Failing task since test cases were expected but none were found.',
  "Finished task 'JUnit Parser' with result: Failed",
];
const after = ['Finalising the build...', 'Stopping timer.', 'Build ABC23H01E01-JOB1-5 completed.', 'Finished building ABC23H01E01-JOB1-5.'];

const byRule = (lines: string[]) => Object.fromEntries(diagnoseLines(ruleSet, lines).map((d) => [d.rule, d]));

describe('consequence-of', () => {
  it('lowers a JUnit parser that found no tests after the build task failed, and names the failure', () => {
    const d = byRule([...before, 'FAILURE: Build failed with an exception.', 'BUILD FAILED in 11s', ...failTests, ...junit, ...after]);
    expect(d['task-nonzero-exit']).toMatchObject({ severity: 'error', build: 'ABC23H01E01-JOB1-5' });
    expect(d['junit-no-tests-found']).toMatchObject({ severity: 'info', note: 'consequence of task-nonzero-exit' });
  });

  it('names the specific compile error, not the generic exit, when a rule explains the failed task', () => {
    // The Maven lines of the same Artemis test (a compile failure), in the same job frame.
    const maven = [
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project Test-Maven-Tests: Compilation failure: Compilation failure:',
      '[INFO] BUILD FAILURE',
    ];
    const d = byRule([...before, ...maven, ...failTests, ...junit, ...after]);
    expect(d['maven-build-failure'].severity).toBe('error');
    expect(d['junit-no-tests-found']).toMatchObject({ severity: 'info', note: 'consequence of maven-build-failure' });
  });

  it('keeps the JUnit parser an error when nothing failed before it', () => {
    const d = byRule([...before, "Finished task 'Tests' with result: Success", ...junit, ...after]);
    expect(d['junit-no-tests-found']).toMatchObject({ severity: 'error' });
    expect(d['junit-no-tests-found'].note).toBeUndefined();
  });

  it('lowers a plugin error caused by an OutOfMemoryError in the same task', () => {
    // Synthetic: a Maven task whose plugin fails while the JVM is out of heap.
    const d = byRule([
      ...before.slice(0, 4),
      "Starting task 'Deploy' of type 'org.jfrog.bamboo.bamboo-artifactory-plugin:artifactoryDeployTask'",
      "Error occurred while running Task 'Deploy(3)' of type org.jfrog.bamboo.bamboo-artifactory-plugin:artifactoryDeployTask.",
      'java.lang.OutOfMemoryError: Java heap space',
      "Finished task 'Deploy' with result: Failed",
      ...after,
    ]);
    expect(d['jvm-out-of-memory'].severity).toBe('error');
    expect(d['task-plugin-error']).toMatchObject({ severity: 'info', note: 'consequence of jvm-out-of-memory' });
  });
});
