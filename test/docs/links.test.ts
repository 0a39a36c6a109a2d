/**
 * Docs a Flask user can navigate (issue 10, item 5): every relative link of README.md and docs/
 * reaches a file (and its `#anchor` a heading of that file), README links every page of docs/,
 * and the names the issue found missing are on the flask mapping page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/packed.js';
import { docPages } from './extract.js';

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] ?? '')));
}

/** Relative links of a page, outside code blocks: `[text](target)`. */
function linksOf(page: string): string[] {
  const text = readFileSync(join(repoRoot, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/.test(target));
}

describe('links and names in README.md and docs/', () => {
  it('every relative link reaches a file, and every anchor a heading', () => {
    const broken: string[] = [];
    for (const page of docPages(repoRoot)) {
      for (const link of linksOf(page)) {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(repoRoot, page) : normalize(join(repoRoot, dirname(page), path));
        if (!existsSync(target)) broken.push(`${page}: ${link} (no file)`);
        else if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor)) {
          broken.push(`${page}: ${link} (no heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('README links every page of docs/', () => {
    const linked = new Set(linksOf('README.md').map((link) => link.split('#')[0]));
    const pages = docPages(repoRoot).filter((page) => page.startsWith('docs/'));
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  });

  it('the flask mapping names what a Flask user looks for', () => {
    const page = readFileSync(join(repoRoot, 'docs/flask-jwt-extended.md'), 'utf8');
    const wanted = [
      'verifyJwtInRequest',
      'getCurrentUser(req)',
      'current_user',
      'jwt.getCsrfToken(token)',
      'getJwtHeader(req)',
      'jwt.getUnverifiedJwtHeaders(token)',
      'expiresDelta',
      'additionalClaims',
      'additionalHeaders',
      '{ status, body, headers? }',
      '`req.jwt`',
      '`request.jwt`',
      "`c.get('jwt')`",
      '`ctx.state.jwt`',
      'reply.setAccessCookies(token)',
      '(options.md)',
      '(cookies-csrf.md)',
      '(implicit-refresh.md)',
      '(refresh-tokens.md)',
      '(revocation.md)',
    ];
    expect(wanted.filter((name) => !page.includes(name))).toEqual([]);
  });
});
