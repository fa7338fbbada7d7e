/**
 * The few lifecycle types the speech core needs, shaped like VS Code's own
 * (vscode.Event, vscode.Disposable, vscode.CancellationToken) so VS Code code
 * passes its tokens in and subscribes to our events unchanged, while the core
 * stays free of the vscode module (the CLI runs it too).
 */

export interface Disposable {
  dispose(): void;
}

/** Subscribe with a listener; dispose the result to unsubscribe. Compatible with vscode.Event. */
export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

/** Compatible with vscode.CancellationToken. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
  readonly onCancellationRequested: Event<unknown>;
}

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => unknown>();
  private disposed = false;

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs === undefined ? listener : (e: T) => listener.call(thisArgs, e);
    if (!this.disposed) this.listeners.add(bound);
    const subscription = { dispose: () => void this.listeners.delete(bound) };
    disposables?.push(subscription);
    return subscription;
  };

  fire(e: T): void {
    // A listener that unsubscribes (or subscribes another) while we fire does not disturb this round.
    for (const listener of [...this.listeners]) listener(e);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

export class CancellationTokenSource implements Disposable {
  private readonly emitter = new Emitter<void>();
  private cancelled = false;
  readonly token: CancellationToken;

  constructor() {
    const isCancelled = () => this.cancelled;
    const subscribe: Event<unknown> = (listener, thisArgs, disposables) => {
      if (!this.cancelled) return this.emitter.event(listener, thisArgs, disposables);
      queueMicrotask(() => listener.call(thisArgs, undefined));
      return { dispose: () => undefined };
    };
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested: subscribe,
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.emitter.fire();
    this.emitter.dispose();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** Disposes many as one. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];

  add<T extends Disposable>(item: T): T {
    this.items.push(item);
    return item;
  }

  dispose(): void {
    while (this.items.length) this.items.pop()!.dispose();
  }
}
