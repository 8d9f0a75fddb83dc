// What the database already holds of a run's inputs: each input's `sources` row, and whether it is read again.

import type { Input } from './sources/inputs.js';
import { inputInfo } from './sources/fingerprint.js';
import type { StorePort } from './store/port.js';
import type { SourceInfo } from './store/store.js';

/** An input's `sources` row, made once (read-ahead's look at what is stored and the reading ask alike: one fingerprint). */
const infos = new WeakMap<Input, SourceInfo>();

export function sourceInfo(input: Input, fingerprint: boolean): SourceInfo {
  let info = infos.get(input);
  if (!info) infos.set(input, (info = inputInfo(input, input.path === null ? 'stdin' : 'file', fingerprint)));
  return info;
}

/**
 * Why a source is not read again (unless `force`): read completely before and unchanged since, or the same content
 * read completely under another path (a copy on another machine or in another folder); null when it is to be read.
 */
export async function alreadyStored(store: StorePort | null, force: boolean | undefined, info: SourceInfo): Promise<string | null> {
  if (!store || force || info.size === null) return null;
  const row = await store.findSource(info);
  if (!row) return null;
  if (row.path === info.path) return 'already analysed, unchanged since (use --force to read it again)';
  return `already analysed as ${row.path} (the same size and content); use --force to read it again`;
}

/** With several readers, the inputs that would be skipped as already stored (they are not read ahead). */
export async function storedInputs(store: StorePort | null, force: boolean | undefined, readers: number, inputs: Input[]): Promise<Set<Input>> {
  const stored = new Set<Input>();
  if (readers <= 1) return stored;
  for (const input of inputs) if (await alreadyStored(store, force, sourceInfo(input, store !== null))) stored.add(input);
  return stored;
}
