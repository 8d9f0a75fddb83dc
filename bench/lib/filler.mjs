// Synthetic (written for the bench, not real) ordinary Bamboo log lines: the bulk of every generated job log.

/** Lines that hold no rule keyword: what most of a build log is. `{T}` is the time, `{N}` a number. */
export const FILLER = [
  'build\t{T}\t[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/apache/commons/commons-lang3/3.{N}/commons-lang3-3.{N}.pom',
  'build\t{T}\t[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/com/fasterxml/jackson/core/jackson-databind/2.{N}.0/jackson-databind-2.{N}.0.jar (1.6 MB at 8.{N} MB/s)',
  'build\t{T}\t[INFO] Tests run: {N}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.{N} s - in com.acme.service.DiskSpaceErrorsTest',
  'build\t{T}\t[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) @ acme-core ---',
  'build\t{T}\t[WARNING] Using platform encoding (UTF-8 actually) to copy filtered resources, i.e. build is platform dependent!',
  'build\t{T}\t    at org.junit.runners.ParentRunner.runChildren(ParentRunner.java:{N})',
  'build\t{T}\t> Task :service:compileJava UP-TO-DATE',
  'build\t{T}\t> Task :service:test',
  'error\t{T}\t+ ./gradlew build --no-daemon --stacktrace -Pversion=1.{N}.0',
  'build\t{T}\tStep {N}/12 : RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates',
  'error\t{T}\t{N}a9c817b0{N}: Pull complete',
  'error\t{T}\tnpm WARN deprecated request@2.88.{N}: request has been deprecated, see https://github.com/request/request/issues/3142',
  'build\t{T}\tadded {N} packages, and audited {N} packages in 14s',
  'build\t{T}\t ✓ src/components/ProductCard{N}.test.tsx (16 tests) {N}ms',
  'build\t{T}\ttests/test_orders.py::test_create_order_{N} PASSED                                        [ {N}%]',
  'error\t{T}\tremote: Counting objects: 100% ({N}/{N}), done.',
  'error\t{T}\twarning: unused variable `x` in crates/acme-core/src/lib.rs:{N}',
  'build\t{T}\t2025-11-03 09:41:07,{N} INFO  [main] c.a.s.OrderService - processed order {N} in {N} ms',
  'build\t{T}\t{"level":"info","msg":"request completed","status":200,"duration_ms":{N},"path":"/api/v1/items"}',
  'command\t{T}\tSubstituting variable: ${bamboo.buildNumber} with {N}',
];

/** Summaries and shell traces, some holding a rule keyword ("Tests:", "Connection refused"), that report no failure. */
export const SUMMARIES = [
  'build\t{T}\tTests:       {N} passed, {N} total',
  'build\t{T}\tTest Suites: {N} passed, {N} total',
  'build\t{T}\t======================== {N} passed, 3 warnings in 41.27s ========================',
  "error\t{T}\t+ grep -c 'Connection refused' /var/log/acme/service.log",
  'build\t{T}\t[INFO] Tests run: {N}, Failures: 0, Errors: 0, Skipped: 2',
];

/** A script task's command entry as Bamboo writes it: the command, its folder and the whole environment (~3 KB). */
export function envDump(T, name, key, planJob, home, sep) {
  const vars = [
    `bamboo_planKey=${planJob.replace(/-[A-Z0-9]+$/, '')}`,
    `bamboo_buildKey=${planJob}`,
    `bamboo_buildResultKey=${key}`,
    `bamboo_buildNumber=${key.split('-').pop()}`,
    `bamboo_agentWorkingDirectory=${home}${sep}xml-data${sep}build-dir`,
    `bamboo_working_directory=${home}${sep}xml-data${sep}build-dir${sep}${planJob}`,
    'bamboo_planRepository_1_branch=main',
    'bamboo_planRepository_1_repositoryUrl=ssh://git@bitbucket.acme.example:7999/acme/service.git',
    `bamboo_planRepository_1_revision=${key.length.toString(16).repeat(40).slice(0, 40)}`,
    'bamboo_capability_system_jdk_JDK_17=/usr/lib/jvm/java-17-openjdk-amd64',
    'bamboo_capability_system_builder_mvn3_Maven_3=/opt/apache-maven-3.9.6',
    'bamboo_capability_system_builder_node_Node_js_20=/usr/bin/node',
    'bamboo_capability_system_docker_executable=/usr/bin/docker',
    'bamboo_capability_system_git_executable=/usr/bin/git',
    ...Array.from({ length: 40 }, (_, i) => `bamboo_acme_setting_${i}=value-${i}-${'x'.repeat(i % 30)}`),
  ];
  const script = `${home}${sep}temp${sep}${key}-ScriptBuildTask-${key.length * 7919}.sh`;
  return `command\t${T}\tBeginning to execute external process for build '${name}'\\n ... running command line: \\n/bin/sh ${script}\\n ... in: ${home}${sep}xml-data${sep}build-dir${sep}${planJob}\\n ... using extra environment variables: \\n${vars.join('\\n')}\\n`;
}
