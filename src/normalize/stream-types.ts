// The type of what transformStream() returns, written without importing 'node:stream', so that the package's
// published types compile in a TypeScript project that has no @types/node (TypeScript 6 and later no longer
// include every @types package by default).
//
// At run time it is a stream.Transform in object mode. Where @types/node is installed, the empty interface
// below merges into Node's own NodeJS.ReadWriteStream, so the value passes to readable.pipe() and to
// stream.pipeline() like any stream; without @types/node, it is an opaque object type.

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- merging into Node's global namespace
  namespace NodeJS {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges with @types/node's interface
    interface ReadWriteStream {}
  }
}

/** A Node stream.Transform in object mode that maps rows (see the scalers' transformStream()). */
export interface RowTransformStream extends NodeJS.ReadWriteStream {
  /** Ends the stream, with an error if given (stream.Transform's destroy()). */
  destroy(error?: Error): this;
}
