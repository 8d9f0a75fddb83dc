// What the database already holds of a run's inputs: each input's `sources` row, and whether it is read again.

import type { Input } from './sources/inputs.js';
import { inputInfo } from './sources/fingerprint.js';
import type { StorePort } from './store/port.js';
import type { SourceInfo } from './store/store.js';

/**
 * Why a source is not read again (unless `force`): read completely before and unchanged since, or the same content
 * read completely under another path (a copy on another machine or in another folder); null when it is to be read.
 */
export async function alreadyStored(
  store: Pick<StorePort, 'findSource'> | null,
  force: boolean | undefined,
  info: SourceInfo,
  done = 'analysed',
): Promise<string | null> {
  if (!store || force || info.size === null) return null;
  const row = await store.findSource(info);
  if (!row) return null;
  if (row.path === info.path) return `already ${done}, unchanged since (use --force to read it again)`;
  return `already ${done} as ${row.path} (the same size and content); use --force to read it again`;
}

/**
 * What a run knows of its inputs' sources: the readings a killed run left (marked interrupted once a run) and, with
 * several readers, which inputs the database already holds, found before reading (they are not read ahead). An
 * input is then looked up again only when an input read earlier in the run has its path or content (a round trip
 * each to PostgreSQL).
 */
export class RunSources {
  private interrupted = new Set<string>();
  private readonly found = new Map<Input, string | null>();
  /** Paths and contents (size and fingerprint) of the inputs read so far, while `found` is in use. */
  private readonly read = new Set<string>();
  /** Each input's `sources` row, made once (the look before reading and the reading ask alike: one fingerprint). */
  private readonly infos = new Map<Input, SourceInfo>();

  constructor(
    private readonly store: StorePort | null,
    private readonly force: boolean | undefined,
  ) {}

  async begin(inputs: Input[], readers: number): Promise<void> {
    if (!this.store) return;
    this.interrupted = new Set(await this.store.takeInterrupted());
    if (readers <= 1) return;
    for (const input of inputs) this.found.set(input, await alreadyStored(this.store, this.force, this.info(input)));
  }

  /** Found stored before reading: not read ahead. */
  storedAhead(input: Input): boolean {
    return !!this.found.get(input);
  }

  /** Why the input is not read; null when it is read (and then noted as read). */
  async skipReason(input: Input): Promise<string | null> {
    const info = this.info(input);
    const found = this.found.get(input);
    const reason = found !== undefined && (found !== null || !this.readBefore(info)) ? found : await alreadyStored(this.store, this.force, info);
    if (reason === null && this.found.size > 0) for (const key of keysOf(info)) this.read.add(key);
    return reason;
  }

  /** An earlier run was killed while reading it. */
  wasInterrupted(input: Input): boolean {
    return input.path !== null && this.interrupted.has(input.path);
  }

  info(input: Input): SourceInfo {
    let info = this.infos.get(input);
    if (!info) this.infos.set(input, (info = inputInfo(input, input.path === null ? 'stdin' : 'file', this.store !== null)));
    return info;
  }

  private readBefore(info: SourceInfo): boolean {
    return keysOf(info).some((key) => this.read.has(key));
  }
}

/** A source's path, and its content when it has a fingerprint. */
const keysOf = (info: SourceInfo): string[] => (info.fingerprint === null ? [`path:${info.path}`] : [`path:${info.path}`, `content:${info.size}:${info.fingerprint}`]);
