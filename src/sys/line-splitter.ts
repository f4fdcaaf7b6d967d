// Byte chunks → lines, with a cap on line length. Not split2 here: split2 either errors out on an overlong
// line (tearing the pipeline down) or drops it silently; replay must count it as unparsed and go on.
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/** Receives each line (without its end of line); `truncated` when the line exceeded the cap. */
export type LineSink = (line: string, truncated: boolean) => void;

/** Most bytes decoded into one string. */
const PIECE = 64 << 10;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private overflow = false;
  /** The decoder may hold the first bytes of a character cut at the end of the last chunk. */
  private partial = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLength = 1 << 20,
  ) {}

  /** Feeds a chunk; calls the sink synchronously for every complete line in it. */
  write(chunk: Buffer | string): void {
    if (typeof chunk === 'string') return this.split(chunk);
    // Decoded a piece at a time: V8 handles such strings fastest (one of ~1 MB would be external, one of a few
    // hundred KB a large object), and a line kept alive keeps only its piece alive.
    for (let at = 0; at < chunk.length; at += PIECE) this.split(this.decode(chunk.subarray(at, at + PIECE)));
  }

  private split(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (this.overflow) this.emit(this.carry);
      else this.emit(this.carry === '' ? text.slice(start, nl) : this.carry + text.slice(start, nl));
      this.carry = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.keep(text.slice(start));
  }

  /** Trace output is ASCII: such a piece is read as Latin-1 (the same text, several times cheaper than UTF-8). */
  private decode(chunk: Buffer): string {
    if (chunk.length === 0) return '';
    if (!this.partial && isAscii(chunk)) return chunk.toString('latin1');
    this.partial = chunk[chunk.length - 1]! >= 0x80;
    return this.decoder.write(chunk);
  }

  /** True after end() when the input's last line had no newline (a writer stopped in the middle of a line). */
  endedMidLine = false;

  /** Emits the last line when the input did not end with a newline. */
  end(): void {
    this.keep(this.decoder.end());
    this.endedMidLine = this.carry !== '' || this.overflow;
    if (this.endedMidLine) this.emit(this.carry);
    this.carry = '';
  }

  private keep(rest: string): void {
    if (rest === '') return;
    if (this.overflow) return;
    this.carry += rest;
    if (this.carry.length > this.maxLength) {
      // Keep the head for the unparsed report; drop the rest of this line.
      this.carry = this.carry.slice(0, 200);
      this.overflow = true;
    }
  }

  private emit(line: string): void {
    const truncated = this.overflow || line.length > this.maxLength;
    this.overflow = false;
    if (truncated) this.sink(line.slice(0, 200), true);
    else this.sink(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line, false);
  }
}
