import type { Duplex } from 'node:stream';
import type { DuplexStream } from 'pg-gateway';

/**
 * The web-stream view of a node socket that pg-gateway reads during startup, which the gateway can take back:
 * `release` stops feeding it and pauses the socket, so the relay (or the TLS layer) reads the socket directly
 * afterwards, with no web-stream copy on the hot path.
 */
export function startupStream(socket: Duplex): { duplex: DuplexStream<Uint8Array>; release(): void } {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let released = false;
  let ended = false;
  const onData = (chunk: Buffer) => {
    if (!ended) controller?.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };
  const onEnd = () => {
    if (released || ended) return;
    ended = true;
    controller?.close();
  };
  const readable = new ReadableStream<Uint8Array>({
    start(started) {
      controller = started;
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('close', onEnd);
    },
  });
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) =>
      new Promise<void>((resolve) => {
        if (released || socket.destroyed || socket.writableEnded) return resolve();
        socket.write(chunk, () => resolve());
      }),
    close: () => {
      if (!released) socket.end();
    },
  });
  return {
    duplex: { readable, writable },
    release() {
      if (released) return;
      released = true;
      socket.pause();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    },
  };
}
