import type { DurableStreamClient, LiveMode, Offset } from "../client/index.js";
import type { CheckpointStore } from "./checkpoint-store.js";
import type { ReadAs, StreamReducer } from "./reducers.js";
import type { PeerRequest, TabShare } from "./tab-share.js";

/** Everything one shared live view needs. */
export interface LiveSessionOptions<Item, State> {
  client: DurableStreamClient;
  url: string;
  /** How to read the stream; by default from its content type. */
  as?: ReadAs | undefined;
  live: LiveMode;
  reducer?: StreamReducer<Item, State> | undefined;
  initial?: State | undefined;
  /** Checkpoint key; no persistence without it. */
  persist?: string | undefined;
  /** The reducer's version: a checkpoint from another version is dropped. */
  version: string;
  store?: CheckpointStore | undefined;
  /** State rendered on the server, with the offset it corresponds to. */
  initialData?: { state: State; offset: Offset; cursor?: string } | undefined;
  pauseWhenHidden: boolean;
  checkpointIntervalMs: number;
  /** Called when the checkpoint store fails (the view goes on from memory). */
  onStoreError?: ((error: unknown) => void) | undefined;
  /** Called on every change and every batch received, committed or not (for inspectors). */
  onActivity?: (() => void) | undefined;
  /**
   * Joins the view's cross-tab share (one tab reads, the others follow);
   * `onPeer` is called while this tab leads and another tab joins. Absent,
   * or answering undefined: this tab reads on its own.
   */
  share?: ((onPeer: (request: PeerRequest) => void) => TabShare | undefined) | undefined;
}

/** A state and the offset and cursor it corresponds to. */
export interface Position<State> {
  readonly state: State;
  readonly offset: Offset | undefined;
  readonly cursor: string | undefined;
}
