// `tlc explain` in process: a page, the list, an unknown code.
import { describe, expect, it } from 'vitest';
import { explainPage, listCodes } from '@tlc/language';
import { renderPage } from '../src/commands/explain';
import { folderWith, runTlc } from './tlc';

describe('tlc explain', () => {
  const dir = folderWith({});

  it('prints the page for a code, in any case', async () => {
    const result = await runTlc(['explain', 'tl2011'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(explainPage('TL2011'));
    expect(result.stdout).toContain('```tl');
  });

  it('lists every code with its title', async () => {
    const result = await runTlc(['explain'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual(listCodes().map((c) => `${c.code}  ${c.title}`));
  });

  it('exits 2 with a suggestion on an unknown code', async () => {
    const result = await runTlc(['explain', 'TL2100'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no code `TL2100`; did you mean');
  });

  it('highlights the page\'s .tl examples with the editor grammar when colour is on', async () => {
    const page = explainPage('TL2011')!;
    const coloured = await renderPage(page, { color: true });
    expect(coloured).toContain('\x1b[38;2;');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(page);
    expect(await renderPage(page, { color: false })).toBe(page);
  });
});
