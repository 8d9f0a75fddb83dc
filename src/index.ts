// The library: analyse Bamboo logs from code, with the same engine as the CLI.

export * from './model.js';
export { analyzeFollow, type FollowAnalyzeOptions } from './analyze-follow.js';
export { analyze, analyzeStream, type AnalyzeOptions, type AnalyzeResult, type StreamAnalyzeOptions } from './analyze.js';
export { SourceAnalyzer, type Sink, type JobSummary } from './diagnose/analyzer.js';
export { loadRules, loadRuleFile, compileRule, BUILTIN_RULES_DIR, type Rule } from './rules/load.js';
export { testRule, type RuleTestFailure } from './diagnose/rule-tests.js';
export { UsageError, InputError, RuleError, StoreError, ServerError } from './errors.js';
export { RuleSet } from './rules/rule-set.js';
export { parseEnvelope } from './parse/envelope.js';
export { Store, DEFAULT_DB } from './store/store.js';
export { toRecord, formatText } from './output/printers.js';
export { BambooClient, type ClientOptions } from './server/client.js';
export { resolveAuth, type Auth } from './server/auth.js';
export { fetchOnce, type FetchOptions, type FetchSummary } from './server/fetch-run.js';
export { watchServer, type WatchOptions } from './server/watch.js';
