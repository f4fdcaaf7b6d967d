// A command to run: argv (never a shell), optional stdin text, optional network namespace. Types only.

export interface CommandSpec {
  readonly argv: readonly string[];
  /** Text fed on stdin (e.g. an `nft -f -` transaction). */
  readonly stdin?: string;
  /** Run inside this network namespace (`ip netns exec NAME ...`). */
  readonly netns?: string | null;
}
