// How many textDocument/didChange notifications the server has read from the client but not
// handled yet. vscode-jsonrpc reads every complete message of a chunk at once into its queue
// and then dispatches one per turn of the event loop, so during a burst of keystrokes the
// analysis queue (analysis.ts) sees more changes coming and waits for them instead of
// analysing each intermediate text; a single edit finds nothing pending and is analysed at
// once. The count comes from wrapping the stream reader's callback (stdio, socket and pipe
// transports); it is only a hint: analysis.ts never waits on it for long.
import { ReadableStreamMessageReader } from 'vscode-languageserver/node';

export class PendingChanges {
  private read = 0;
  private handled = 0;

  /** Changes read but not dispatched yet. */
  get pending(): number {
    return Math.max(0, this.read - this.handled);
  }

  /** Called by the didChange handler before it applies the change. */
  onHandled(): void {
    this.handled++;
  }

  /** Forget a count that went wrong (a message read but never dispatched). */
  resync(): void {
    this.read = this.handled;
  }

  /** Counts a message delivered by a stream reader. */
  onRead(m: unknown): void {
    if ((m as { method?: string } | null)?.method === 'textDocument/didChange') this.read++;
  }
}

/** The process's count (one language server per process). */
export const pendingChanges = new PendingChanges();

/** Makes every stream reader of this process report what it reads (before connection.listen()). */
export function countPendingChanges(): void {
  const proto = ReadableStreamMessageReader.prototype as unknown as { listen(cb: (m: unknown) => void): unknown; klpCounted?: boolean };
  if (proto.klpCounted) return;
  proto.klpCounted = true;
  const listen = proto.listen;
  proto.listen = function (this: unknown, cb: (m: unknown) => void) {
    return listen.call(this, (m: unknown) => {
      pendingChanges.onRead(m);
      cb(m);
    });
  };
}
