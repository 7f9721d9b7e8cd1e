import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/delivery/index.js';

/** Every event a fresh parser dispatches for `text`, fed in one piece. */
const parse = (text: string) => new SseParser().push(text);
/** The same, fed one character at a time: chunk boundaries must not matter. */
function parseByChar(text: string) {
  const parser = new SseParser();
  return [...text].flatMap((c) => parser.push(c));
}
const both = (text: string) => {
  const whole = parse(text);
  expect(parseByChar(text)).toEqual(whole);
  return whole;
};

describe('the WHATWG examples of interpreting an event stream (HTML §9.2.6)', () => {
  it('joins three data lines with LF into one message', () => {
    expect(both('data: YHOO\ndata: +2\ndata: 10\n\n')).toEqual([
      { type: 'message', data: 'YHOO\n+2\n10', lastEventId: '' },
    ]);
  });

  it('ignores a comment; an id persists until an id line without value clears it; one space is dropped', () => {
    const events = both(': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n');
    // The third block has no blank line after it: it is never dispatched.
    expect(events).toEqual([
      { type: 'message', data: 'first event', lastEventId: '1' },
      { type: 'message', data: 'second event', lastEventId: '' },
    ]);
    expect(both(': test stream\n\ndata:  third event\n\n')).toEqual([
      { type: 'message', data: ' third event', lastEventId: '' },
    ]);
  });

  it('a field without a colon is a field with an empty value; the last block without a blank line is discarded', () => {
    expect(both('data\n\ndata\ndata\n\ndata:')).toEqual([
      { type: 'message', data: '', lastEventId: '' },
      { type: 'message', data: '\n', lastEventId: '' },
    ]);
  });

  it('`data:test` and `data: test` are the same event', () => {
    expect(both('data:test\n\ndata: test\n\n')).toEqual([
      { type: 'message', data: 'test', lastEventId: '' },
      { type: 'message', data: 'test', lastEventId: '' },
    ]);
  });
});

describe('the event-stream grammar (HTML §9.2.5)', () => {
  it('ends lines at CRLF, LF or CR, even when CRLF is split across chunks', () => {
    const text = 'event: ov-signal\r\ndata: a\rdata: b\ndata: c\r\n\r\nid: 7\rdata: d\r\r';
    const expected = [
      { type: 'ov-signal', data: 'a\nb\nc', lastEventId: '' },
      { type: 'message', data: 'd', lastEventId: '7' },
    ];
    expect(both(text)).toEqual(expected);
    const parser = new SseParser();
    expect([...parser.push('data: x\r'), ...parser.push('\ndata: y\r'), ...parser.push('\n\r\n')]).toEqual([
      { type: 'message', data: 'x\ny', lastEventId: '' },
    ]);
  });

  it('skips one leading BOM only, and only at the start of the stream', () => {
    expect(both('\uFEFFdata: a\n\n')).toEqual([{ type: 'message', data: 'a', lastEventId: '' }]);
    // A second BOM is part of the first line, whose field name is then not `data`.
    expect(both('\uFEFF\uFEFFdata: a\n\n')).toEqual([]);
    const parser = new SseParser();
    parser.push('data: a\n\n');
    expect(parser.push('\uFEFFdata: b\n\n')).toEqual([]);
  });

  it('ignores unknown fields, a field name with a space, an id with NULL and a retry that is not all digits', () => {
    const parser = new SseParser();
    const events = parser.push('foo: bar\ndata : x\nid: a\u0000b\nretry: 10s\ndata: kept\n\n');
    expect(events).toEqual([{ type: 'message', data: 'kept', lastEventId: '' }]);
    expect(parser.retry).toBeUndefined();
    parser.push('retry: 2500\n\n');
    expect(parser.retry).toBe(2500);
  });

  it('takes an id only when its event is dispatched: a cut event leaves the last event ID as it was', () => {
    const parser = new SseParser();
    parser.push('id: 1\nevent: ov-signal\ndata: AAAA\n\nid: 2\nevent: ov-signal\nda');
    expect(parser.lastEventId).toBe('1');
    // An event without data still commits its id (it dispatches nothing).
    parser.push('\n\nid: 3\n\n');
    expect(parser.lastEventId).toBe('3');
  });

  it('refuses a line or event data over the limit with ERR_INPUT_TOO_LARGE', () => {
    const small = new SseParser({ maxChars: 16 });
    expect(() => small.push('data: 0123456789abcdef')).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }),
    );
    const lines = new SseParser({ maxChars: 16 });
    expect(() => lines.push('data: 0123456\ndata: 0123456\ndata: 0\n')).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }),
    );
  });
});
