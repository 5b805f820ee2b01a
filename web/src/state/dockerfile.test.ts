import { describe, expect, it } from 'vitest';
import { toInstruction } from './dockerfile';

describe('toInstruction', () => {
  it('legacy builder: #(nop) carries the instruction, the rest is RUN', () => {
    expect(toInstruction('/bin/sh -c #(nop)  ENV A=b')).toEqual({ keyword: 'ENV', args: 'A=b' });
    expect(toInstruction('/bin/sh -c #(nop)  CMD ["/bin/sh"]')).toEqual({ keyword: 'CMD', args: '["/bin/sh"]' });
    expect(toInstruction('/bin/sh -c apt-get update && apt-get install -y curl')).toEqual({ keyword: 'RUN', args: 'apt-get update && apt-get install -y curl' });
    expect(toInstruction('/bin/bash -c make')).toEqual({ keyword: 'RUN', args: 'make' });
  });
  it('BuildKit: the "# buildkit" suffix goes, the shell prefix of RUN too, build args are dropped', () => {
    expect(toInstruction('RUN /bin/sh -c make install # buildkit')).toEqual({ keyword: 'RUN', args: 'make install' });
    expect(toInstruction('COPY app /app # buildkit')).toEqual({ keyword: 'COPY', args: 'app /app' });
    expect(toInstruction('|2 A=1 B=2 /bin/sh -c make')).toEqual({ keyword: 'RUN', args: 'make' });
  });
  it('shortens the content hash of a legacy COPY/ADD source, also after a glued flag', () => {
    const h = 'a'.repeat(12) + 'b'.repeat(52);
    expect(toInstruction(`/bin/sh -c #(nop) COPY dir:${h} in /app `)).toEqual({ keyword: 'COPY', args: 'dir:aaaaaaaaaaaa… /app' });
    expect(toInstruction(`/bin/sh -c #(nop) ADD --chown=1000:1000file:${h} in /x`)).toEqual({ keyword: 'ADD', args: '--chown=1000:1000 file:aaaaaaaaaaaa… /x' });
  });
  it('other text: a keyword only in capitals; an absolute command is RUN; else no keyword', () => {
    expect(toInstruction('run make')).toEqual({ keyword: '', args: 'run make' });
    expect(toInstruction('/usr/bin/apk add curl')).toEqual({ keyword: 'RUN', args: '/usr/bin/apk add curl' });
    expect(toInstruction('created by hand')).toEqual({ keyword: '', args: 'created by hand' });
    expect(toInstruction('')).toEqual({ keyword: '', args: '' });
    expect(toInstruction('   ')).toEqual({ keyword: '', args: '' });
    expect(toInstruction('USER')).toEqual({ keyword: 'USER', args: '' });
  });
});
