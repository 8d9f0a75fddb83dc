// The error-line classifier: which lines may explain a failure (literal markers for the prefilter) and how telling each is.

/**
 * Literal texts (matched case-insensitively by the keyword automaton) of lines that may explain a failure; only
 * such lines are decoded on the hot path. Chosen in the spirit of Treeherder's ErrorParser (its IN_SEARCH_TERMS
 * and `^[A-Za-z.]+Error: `, `:\d+: error:`, ` error R?C\d*:`, `make: ***` patterns) and from what the tools of
 * a Bamboo job print: compilers (`error CS0246:`, `file.c:3:5: error:`), Maven `[ERROR]`, npm `npm ERR!`/`npm
 * error`, exceptions and `Caused by:`, Python tracebacks, git and Ansible `fatal:`, Go `panic:`/`--- FAIL:` and
 * `file.go:12:3:`, Gradle/Ant `BUILD FAILED`/`FAILURE:`, shells' `command not found`. The bare word `error` is
 * not one: Bamboo writes every stderr line as `error<TAB>…`, so the type column alone would decode them all.
 */
export const CAUSE_MARKERS = [
  'error:',
  'error ',
  'error]',
  'err!',
  'fatal',
  'exception',
  'caused by:',
  'traceback',
  'build failed',
  'failure:',
  'failed!',
  'failed:',
  'panic:',
  '--- fail',
  ': *** ',
  '.go:',
  'command not found',
  'not recognized as an internal or external command',
  'no such file or directory',
  'permission denied',
  'access denied',
  'unable to',
  'could not find',
  'cannot find',
];

/** What the classifier says of a line: how telling it is (0: not a cause), and whether it is a stack frame. */
export interface Verdict {
  weight: number;
  frame: boolean;
}

const NONE: Verdict = { weight: 0, frame: false };

/** Lines that hold a marker but explain nothing: traces, counts of zero, passing tests, progress bars. */
const NOISE = [
  /^\s*\++ /, // `set -x` trace of the command, not its outcome
  /\b0 (?:errors?|failures?|failed)\b|\b(?:errors?|failures?|failed)[:=]\s*0(?![\d.])|\b0 Error\(s\)/i,
  /\bno errors?\b|\bwithout errors?\b|non-fatal/i,
  /^\s*(?:✓|√|✔|PASS(?:ED)?\b|ok\s)/,
  /\r|[█▓▒░■━]{4,}|\[[=#>.\- ]{12,}\]/,
];

/** A level word before the first error word makes the line a warning or a note (`npm WARN …`, `[INFO] …`). */
const MILD = /\b(?:warn(?:ing)?s?|deprecat\w*|info|debug|trace|notice|hint)\b/i;
const SEVERE = /\b(?:error|err!|errors?|exception|fatal|failed|failure|panic|caused by|traceback)\b|\w(?:Error|Exception)\b|: \*\*\* /i;

/** Lines that tell that something failed but not what: the tool's summary, its help text, an exit code. */
const SYMPTOMS = [
  /^npm (?:ERR!|error)\s*(?:$|code ELIFECYCLE|errno|A complete log|Failed at the|This is (?:probably|not)|Exit status|path |syscall|command failed|Lifecycle script|\S+@\S+ \S+: `)/i,
  /^\[ERROR\]\s*(?:$|->|Re-run Maven|To see the full|For more information|\[Help)/,
  /^Traceback \(most recent call last\)/,
  /^(?:\* )?(?:BUILD FAILED|FAILURE: Build failed with an exception|Build FAILED)/i,
  /make(?:\[\d+\])?: \*\*\* /,
  /exit(?:ed)? (?:with )?(?:status|code):? -?\d+|returned non-zero exit status|Process completed with exit code/i,
  /^error Command failed with exit code/,
  /^\s*\d+ Error\(s\)/,
  /^FAIL\s/,
  /^!+ Interrupted: /,
];

/** Stack frames: the first few are kept, the rest add nothing. */
const FRAME = /^\s*(?:at [\w$.<>[\]/\\-]+[\s(]|File "[^"]+", line \d+|#\d+ 0x[0-9a-f]+ in )/;

/** From the most specific form to the least; the first that matches gives the weight (10 = as telling as a line gets). */
const KINDS: [RegExp, number][] = [
  [/command not found|is not recognized as an internal or external command/i, 9],
  [/\(\d+,\d+\):\s+(?:fatal\s+)?error\s+[A-Z]+\d+\s*:/, 10], // MSBuild, tsc: File.cs(12,5): error CS0246:
  [/^\[ERROR\]\s+\S+:\[\d+,\d+\]\s/, 10], // Maven's compiler plugin: [ERROR] /src/Foo.java:[16,1] ';' expected
  [/^\s*[^\s:]+:\d+(?::\d+)?:\s+(?:fatal\s+)?error\b/i, 10], // gcc, clang, rustc, go vet: file:line:col: error
  [/\berror\s+[A-Z]{2,}\d{2,}\s*:/, 9], // error MSB3073:, NU1101, NETSDK1045, TS2345
  [/^fatal:\s+\[[^\]]+\]:\s+(?:FAILED|UNREACHABLE)!/, 9], // Ansible
  [/^\s*\S+\.go:\d+(?::\d+)?:\s+\S/, 8], // the Go compiler and go test
  [/^(?:E\s+)?(?:[\w$]+\.)*[A-Z]\w*(?:Error|Exception|Failure|Fault)\b:?\s*\S/, 8], // an exception with its message
  [/^\s*Caused by:\s+\S/, 8],
  [/^(?:[│|]\s*)?(?:docker:\s+)?(?:Error|ERROR|error)(?::|\s+-|\s+response from)\s*\S/, 8], // Terraform, Helm, node, git, Docker
  [/^(?:fatal|FATAL)[:\s]\s*\S/, 8],
  [/^panic:\s/, 8],
  [/^--- FAIL:\s/, 7],
  [/^\[ERROR\]\s+\S/, 7],
  [/^ERROR\b\s*\S/, 7],
  [/^(?:npm ERR!|npm error)\s+\S/, 6],
  [/no such file or directory|permission denied|access (?:is )?denied/i, 6],
  [/\b(?:ERROR|FATAL|Error|Fatal)\b|\w(?:Error|Exception)\b/, 5], // a level word mid-line (`… ERROR com.acme.Foo - …`)
  [/\b(?:error|exception|fatal)\b/i, 4],
  [/failed[:!]|unable to|could not find|cannot find/i, 4],
];

/** A line that explains nothing even when nothing else does: a trace, a warning, a zero count, a progress bar. */
export function isNoise(text: string): boolean {
  if (NOISE.some((re) => re.test(text))) return true;
  const mild = MILD.exec(text);
  if (!mild) return false;
  const severe = SEVERE.exec(text);
  return !severe || mild.index < severe.index;
}

/** How telling a line is as the cause of a failure (0: not at all), from its text alone. */
export function classifyLine(text: string): Verdict {
  if (isNoise(text)) return NONE;
  if (FRAME.test(text)) return { weight: 1, frame: true };
  if (SYMPTOMS.some((re) => re.test(text))) return { weight: 1, frame: false };
  for (const [re, weight] of KINDS) if (re.test(text)) return { weight, frame: false };
  return NONE;
}
