// Parses lines of the agent's own logs: log4j `atlassian-bamboo.log` and the Java Service Wrapper layout.

/** One agent-log line: its local time (ISO 8601, no zone, no millis), level and message. */
export interface AgentLogLine {
  time: string;
  level: string;
  /** The message; for a log4j line the text after `[thread] [Class]`. */
  message: string;
  thread?: string;
  /** The logger's short class name (`DefaultBuildAgent`), when the line has one. */
  logger?: string;
}

// `2018-07-19 01:23:44,249 FATAL [scheduler_Worker-10] [AgentContext] msg` (bamboo-facts §1.8).
const LOG4J =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.]\d{1,3})?\s+(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\s+\[([^\]]*)\](?:\s+\[([^\]\s]+)\])?\s?(.*)$/;

// `INFO   | jvm 7    | 2025/08/28 23:31:09 | msg`: level, the JVM (or `wrapper`), time, then the JVM's own line.
const WRAPPER = /^([A-Z]+)\s*\|\s*([^|]*?)\s*\|\s*(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\s*\|\s?(.*)$/;

/** A log4j line of `atlassian-bamboo.log`, or null. */
export function parseLog4jLine(raw: string): AgentLogLine | null {
  const c = raw.charCodeAt(0);
  if (c < 48 || c > 57) return null;
  const m = LOG4J.exec(raw);
  if (!m) return null;
  const line: AgentLogLine = { time: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`, level: m[7], message: m[10], thread: m[8] };
  if (m[9] !== undefined) line.logger = m[9];
  return line;
}

/**
 * A line of either layout, or null. A wrapper line that carries a log4j line takes the log4j line's time,
 * level and message (the wrapper's level is the stream, INFO for stdout); otherwise the wrapper's own.
 */
export function parseAgentLine(raw: string): AgentLogLine | null {
  const c = raw.charCodeAt(0);
  if (c >= 65 && c <= 90) {
    const m = WRAPPER.exec(raw);
    if (!m) return null;
    return parseLog4jLine(m[9]) ?? { time: `${m[3]}-${m[4]}-${m[5]}T${m[6]}:${m[7]}:${m[8]}`, level: m[1], message: m[9] };
  }
  return parseLog4jLine(raw);
}
