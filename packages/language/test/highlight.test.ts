// Highlighting outside editors uses the committed TextMate grammar through shiki.
import { describe, expect, it } from 'vitest';
import { highlightAnsi, highlightHtml } from '../src/highlight/index';

const code = 'use ResNet50V2 weights imagenet freeze until block4 # pretrained\nhead dense 256 -> 2';

describe('highlight', () => {
  it('renders HTML where keywords, models, numbers and comments get different colours', async () => {
    const html = await highlightHtml(code);
    expect(html).toMatch(/^<pre class="shiki/);
    const colourOf = (text: string) => new RegExp(`<span style="color:(#[0-9A-Fa-f]{6})">\\s*${text}</span>`).exec(html)?.[1];
    const keyword = colourOf('use');
    const model = colourOf('ResNet50V2');
    const number = colourOf('256');
    const comment = colourOf('# pretrained') ?? colourOf('#');
    expect(keyword).toBeDefined();
    expect(model).toBeDefined();
    expect(number).toBeDefined();
    expect(comment).toBeDefined();
    expect(new Set([keyword, model, number, comment]).size).toBe(4);
  });

  it('renders ANSI colours for a terminal and keeps the text', async () => {
    const ansi = await highlightAnsi(code);
    expect(ansi).toContain('\x1b[38;2;');
    expect(ansi.replace(/\x1b\[[0-9;]*m/g, '')).toBe(code);
  });
});
