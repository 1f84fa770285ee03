// `tlc explain`: one Markdown page per code in packages/language/explain/CODE.md, each with what
// the code means, a failing example in a ```tl fence and its fix in a second fence. The list of
// codes is the list of pages; each page's first line is `# CODE: title`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const PAGES = new URL('../../explain/', import.meta.url);
const CODE = /^TL\d{4}$/;

export interface CodeSummary {
  code: string;
  title: string;
}

/** The page for a code (`TL2001`, any case), or undefined when there is none. */
export function explainPage(code: string): string | undefined {
  const normalized = code.toUpperCase();
  if (!CODE.test(normalized)) return undefined;
  const file = new URL(`${normalized}.md`, PAGES);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Every code that has a page, in order, with the title from the page's first line. */
export function listCodes(): CodeSummary[] {
  return readdirSync(PAGES)
    .filter((name) => CODE.test(name.replace(/\.md$/, '')) && name.endsWith('.md'))
    .sort()
    .map((name) => {
      const code = name.replace(/\.md$/, '');
      const firstLine = readFileSync(new URL(name, PAGES), 'utf8').split('\n', 1)[0];
      return { code, title: firstLine.replace(/^#\s*TL\d{4}:\s*/, '').trim() };
    });
}

/** The ```tl fences of a page, in order: the failing example, then its fix. */
export function pageExamples(page: string): string[] {
  return [...page.matchAll(/```tl\n([\s\S]*?)```/g)].map((m) => m[1]);
}
