// Listeners by message or event type: on(type, fn) returns the function that removes it again.

export class Emitter {
  constructor() {
    this.listeners = new Map();
  }

  /** Call listener(value) on every emit(type, value); returns the unsubscribe function. */
  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type)?.delete(listener);
  }

  /** Every listener runs; one that throws is reported as uncaught without stopping the others. */
  emit(type, value) {
    for (const listener of [...(this.listeners.get(type) || [])]) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => { throw error; });
      }
    }
  }
}

/** Listen while node is on the page: the first event after it left removes the listener. */
export function whileShown(node, emitter, type, listener) {
  const off = emitter.on(type, (value) => {
    if (node.isConnected) listener(value); else off();
  });
  return off;
}
