// A fixed set of worker threads that read tasks (src/pool/split.ts) one at a time each, first come first served.

import { Worker } from 'node:worker_threads';
import { WorkerError } from '../errors.js';
import type { Task } from './split.js';
import type { TaskResult } from './task.js';
import type { WorkerSetup } from './worker.js';

/** The worker's module: dist's compiled file, also when this module runs from src/ under the test runner. */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? '../../dist/pool/worker.js' : './worker.js', import.meta.url);

export interface Queued {
  task: Task;
  resolve: (result: TaskResult) => void;
  reject: (err: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Queued>();
  private readonly queue: Queued[] = [];
  /** Set when a worker failed (a bug, not a bad input: those come back as results): every task then fails. */
  private broken: WorkerError | null = null;
  private closing = false;

  constructor(size: number, setup: WorkerSetup) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_URL, { workerData: setup });
      worker.on('message', (result: TaskResult) => this.done(worker, result));
      worker.on('error', (err) => this.fail(new WorkerError(`a worker thread failed: ${err.stack ?? err.message}`)));
      worker.on('exit', (code) => this.closing || this.fail(new WorkerError(`a worker thread stopped (exit code ${code})`)));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: Task): Promise<TaskResult> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.next();
    });
  }

  /** The next task no worker has taken yet, taken out of the queue (the main thread reads it itself), if any. */
  steal(): Queued | undefined {
    return this.queue.shift();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private next(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.pop()!;
      const queued = this.queue.shift()!;
      this.busy.set(worker, queued);
      worker.postMessage(queued.task);
    }
  }

  private done(worker: Worker, result: TaskResult): void {
    const queued = this.busy.get(worker);
    this.busy.delete(worker);
    this.idle.push(worker);
    queued?.resolve(result);
    this.next();
  }

  private fail(err: WorkerError): void {
    this.broken ??= err;
    for (const queued of [...this.busy.values(), ...this.queue.splice(0)]) queued.reject(this.broken);
    this.busy.clear();
  }
}
