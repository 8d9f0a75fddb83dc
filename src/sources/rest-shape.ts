// Whether JSON is a Bamboo REST export at all: the fields of Bamboo's result resources, and words for what it is instead.

/** Fields of Bamboo's result resources: JSON that holds none of them is not a REST export. */
export const BAMBOO_FIELDS = new Set(['buildResultKey', 'planResultKey', 'logEntries', 'logEntry', 'results', 'stages', 'buildNumber', 'buildState', 'lifeCycleState', 'state', 'key']);

/** The input error for JSON with none of those fields, `top` being what its first value is. */
export function notBambooMessage(top: string | null): string {
  return `this is JSON but not a Bamboo REST export (${top ?? 'nothing'}, none of Bamboo's result fields such as buildResultKey or logEntries): fetch a job result with /rest/api/latest/result/KEY.json?expand=logEntries`;
}

/** What a JSON value is, from its first token: `an object`, `a string`, `the number 42`, `null`. */
export function describeTop(token: string, value: unknown): string | null {
  switch (token) {
    case 'startObject':
      return 'an object';
    case 'startArray':
      return 'an array';
    case 'startString':
    case 'stringValue':
      return 'a string';
    case 'numberValue':
      return `the number ${String(value)}`;
    case 'nullValue':
      return 'null';
    case 'trueValue':
    case 'falseValue':
      return token === 'trueValue' ? 'true' : 'false';
    default:
      return null;
  }
}
