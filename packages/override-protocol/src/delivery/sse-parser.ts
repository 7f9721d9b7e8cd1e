import { snError } from '@safety-net/core';

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The event type: the `event:` field, or `message`. */
  readonly type: string;
  readonly data: string;
  /** The last event ID string at dispatch (it persists across events until an `id:` field changes it). */
  readonly lastEventId: string;
}

/** Largest line or event data a parser holds (characters): the 96 KiB of event data of spec §4.11, and slack. */
export const MAX_SSE_EVENT_CHARS = 96 * 1024 + 1024;

/**
 * The event stream interpretation of the WHATWG HTML standard (§9.2.6): lines end in CRLF, LF or CR; a leading BOM
 * is skipped; `:` starts a comment; a field without a colon has an empty value; one space after the colon is
 * dropped; `data` lines join with LF; `id` containing NULL is ignored; `retry` counts only when all ASCII digits.
 * An event is dispatched only at a blank line, so a stream cut mid-event yields nothing for the partial event.
 * Text goes in as it arrives, in chunks cut anywhere; a line or data over the limit is `ERR_INPUT_TOO_LARGE`.
 */
export class SseParser {
  readonly #max: number;
  #buffer = '';
  #started = false;
  /** The previous chunk ended in CR: an LF opening the next one belongs to the same line end. */
  #afterCr = false;
  #data = '';
  #type = '';
  #idBuffer: string;
  #lastEventId: string;
  /** The reconnection time the stream last set, ms. */
  retry: number | undefined;

  /** `lastEventId`: the ID a reconnecting client resumes from, so events without `id:` keep reporting it. */
  constructor(options: { readonly maxChars?: number; readonly lastEventId?: string } = {}) {
    this.#max = options.maxChars ?? MAX_SSE_EVENT_CHARS;
    this.#idBuffer = options.lastEventId ?? '';
    this.#lastEventId = this.#idBuffer;
  }

  /**
   * The last event ID string: what a reconnecting client sends as `Last-Event-ID`. It changes only when an event is
   * dispatched, so an `id:` of an event cut off before its blank line is not taken.
   */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Feeds decoded text; returns the events dispatched by it. */
  push(text: string): SseEvent[] {
    let chunk = text;
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    if (this.#afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.#afterCr = false;
    const events: SseEvent[] = [];
    let buffer = this.#buffer + chunk;
    for (;;) {
      const end = buffer.search(/[\r\n]/);
      if (end < 0) break;
      const line = buffer.slice(0, end);
      let next = end + 1;
      if (buffer[end] === '\r') {
        if (next === buffer.length) this.#afterCr = true;
        else if (buffer[next] === '\n') next += 1;
      }
      buffer = buffer.slice(next);
      const event = this.#line(line);
      if (event) events.push(event);
    }
    if (buffer.length > this.#max) throw snError('ERR_INPUT_TOO_LARGE', `an event-stream line over ${this.#max}`);
    this.#buffer = buffer;
    return events;
  }

  #line(line: string): SseEvent | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#type = value;
        break;
      case 'data':
        this.#data += `${value}\n`;
        if (this.#data.length > this.#max) throw snError('ERR_INPUT_TOO_LARGE', `event data over ${this.#max}`);
        break;
      case 'id':
        if (!value.includes('\0')) this.#idBuffer = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
    }
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    this.#lastEventId = this.#idBuffer;
    const data = this.#data;
    const type = this.#type;
    this.#data = '';
    this.#type = '';
    if (data === '') return undefined;
    return { type: type || 'message', data: data.slice(0, -1), lastEventId: this.#idBuffer };
  }
}
