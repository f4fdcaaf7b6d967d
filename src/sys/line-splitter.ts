// Byte chunks → lines, with a cap on line length. Not split2 here: split2 either errors out on an overlong
// line (tearing the pipeline down) or drops it silently; replay must count it as unparsed and go on.
import { StringDecoder } from 'node:string_decoder';

/** Receives each line (without its end of line); `truncated` when the line exceeded the cap. */
export type LineSink = (line: string, truncated: boolean) => void;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private overflow = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLength = 1 << 20,
  ) {}

  /** Feeds a chunk; calls the sink synchronously for every complete line in it. */
  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
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

  /** Emits the last line when the input did not end with a newline. */
  end(): void {
    this.keep(this.decoder.end());
    if (this.carry !== '' || this.overflow) this.emit(this.carry);
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
    else this.sink(line.endsWith('\r') ? line.slice(0, -1) : line, false);
  }
}
