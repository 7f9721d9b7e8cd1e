import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTlogProof, parseTlogProof } from '../../src/bundle/tlog-proof.js';
import { toBase64 } from '../../src/log/base64.js';

// The example of C2SP tlog-proof (its signature lines elided there as here).
const C2SP_EXAMPLE = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
— witness1.example mJirIklj[...]qY9v2B/5bg==
`;

const bad = (text: string) => () => parseTlogProof(text);

describe('C2SP tlog-proof@v1', () => {
  it('parses the specification’s example and writes it back byte for byte', () => {
    const proof = parseTlogProof(C2SP_EXAMPLE);
    expect(proof.index).toBe(73_894);
    expect(proof.path.map(toBase64)[0]).toBe('gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=');
    expect(proof.path).toHaveLength(5);
    expect(new TextDecoder().decode(proof.extra)).toMatch(/^age-v1\.2\.1-darwin-arm64\.tar\.gz/);
    expect(proof.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
    expect(formatTlogProof(proof)).toBe(C2SP_EXAMPLE);
  });

  it('round-trips any proof', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 63 }),
        fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
        (index, path, extra) => {
          const proof = { index, path, checkpoint: 'o\n1\nAAAA\n\n— o x\n', ...(extra && { extra }) };
          expect(parseTlogProof(formatTlogProof(proof))).toEqual(proof);
        },
      ),
    );
  });

  it('refuses anything else with ERR_AU_BUNDLE_INVALID', () => {
    const code = { code: 'ERR_AU_BUNDLE_INVALID' };
    const lines = C2SP_EXAMPLE.split('\n');
    const variants = [
      C2SP_EXAMPLE.replace('tlog-proof@v1', 'tlog-proof@v2'),
      C2SP_EXAMPLE.replace('index 73894', 'index 073894'),
      C2SP_EXAMPLE.replace('index 73894', 'index -1'),
      C2SP_EXAMPLE.replace('index 73894\n', ''),
      C2SP_EXAMPLE.replace(
        'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
        'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPl',
      ),
      C2SP_EXAMPLE.replace(
        'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
        'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlR=',
      ),
      C2SP_EXAMPLE.replace('extra YWdl', 'extra !Wdl'),
      [...lines.slice(0, 8)].join('\n'),
      `${lines.slice(0, 3).join('\n')}\n${`${'A'.repeat(43)}=\n`.repeat(64)}\n${lines.slice(9).join('\n')}`,
    ];
    for (const v of variants) expect(bad(v)).toThrow(expect.objectContaining(code));
  });
});
