import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One ```ts block of the documentation, where a reader finds it. */
export interface DocSnippet {
  /** The Markdown file, relative to the repository: `packages/hono/README.md`. */
  file: string
  /** 1 for the file's first ts block, 2 for its second, … */
  index: number
  /** The line of the block's first code line in `file`. */
  line: number
  code: string
}

/** What the prose around a block gives it: declarations before it, and text after it. */
export interface SnippetContext {
  before: string
  after: string
  /** Why the block is not compiled (`// not compiled: <why>` as the section's first line). */
  skip?: string
}

/** The Markdown a user learns from: the README, each package's README, the guides. */
export function docFiles(repo: string): string[] {
  const packages = readdirSync(join(repo, 'packages')).sort()
  const guides = readdirSync(join(repo, 'docs', 'guides'))
    .filter((name) => name.endsWith('.md'))
    .sort()
  return [
    'README.md',
    ...packages
      .map((name) => `packages/${name}/README.md`)
      .filter((file) => existsSync(join(repo, file))),
    ...guides.map((name) => `docs/guides/${name}`),
  ]
}

/** Every ```ts / ```typescript block of `files`, in order. */
export function collectSnippets(repo: string, files: string[]): DocSnippet[] {
  const snippets: DocSnippet[] = []
  for (const file of files) {
    const text = readFileSync(join(repo, file), 'utf8')
    const fence = /^```(?:ts|typescript)[ \t]*\n([\s\S]*?)^```/gm
    let index = 0
    for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
      index++
      const line = text.slice(0, m.index).split('\n').length + 1
      snippets.push({ file, index, line, code: m[1] as string })
    }
  }
  return snippets
}

/**
 * Parses the contexts file: `## <file> <index>` headings, each followed by one ```ts
 * block of declarations. A `// the block` line in it marks where the documentation's
 * block goes (for a block that is a function body); without one it goes after.
 */
export function parseContexts(text: string): Map<string, SnippetContext> {
  const contexts = new Map<string, SnippetContext>()
  const section = /^## (\S+)(?: (\d+))?\n[\s\S]*?^```ts\n([\s\S]*?)^```/gm
  for (let m = section.exec(text); m !== null; m = section.exec(text)) {
    if (m[1] === 'ambient') {
      contexts.set('ambient', { before: m[3] as string, after: '' })
      continue
    }
    const body = m[3] as string
    const skip = /^\/\/ not compiled: (.+)/.exec(body)?.[1]
    const [before, after = ''] = body.split(/^\/\/ the block\n/m)
    contexts.set(`${m[1]} ${m[2]}`, { before: before as string, after, ...(skip && { skip }) })
  }
  return contexts
}

// A block's imports go first, above its context: a block wrapped as a function body
// (`// the block`) could not have them inside.
const IMPORT = /^import\b[^;]*?\bfrom\s+'[^']+'[^\n]*\n|^import\s+'[^']+'[^\n]*\n/gm

/** A compilable file: where each of its lines came from, for the diagnostics. */
export interface Written {
  name: string
  snippet: DocSnippet
  /** For each line of the file (0-based), the line of the Markdown file, or null. */
  origin: (number | null)[]
}

/**
 * Writes one `.ts` file per snippet into `dir`: the block's imports first, then its
 * context's declarations, then the block, then the context's closing text; and the
 * `ambient` section (the runtimes' globals, module aliases) as `ambient.d.ts`. Throws
 * for a context whose block no longer exists, so a renumbered file is noticed.
 */
export function writeSnippets(
  dir: string,
  snippets: DocSnippet[],
  contexts: Map<string, SnippetContext>,
): Written[] {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'ambient.d.ts'), contexts.get('ambient')?.before ?? '')
  const keys = new Set(['ambient', ...snippets.map((s) => `${s.file} ${s.index}`)])
  const stale = [...contexts.keys()].filter((key) => !keys.has(key))
  if (stale.length > 0) throw new Error(`contexts for blocks that do not exist: ${stale}`)
  return snippets.flatMap((snippet) => {
    const context = contexts.get(`${snippet.file} ${snippet.index}`) ?? { before: '', after: '' }
    if (context.skip !== undefined) return []
    const lines: { text: string; origin: number | null }[] = []
    const codeLines = snippet.code.split('\n')
    const imported = new Set<number>()
    for (const m of snippet.code.matchAll(IMPORT)) {
      const first = snippet.code.slice(0, m.index).split('\n').length - 1
      const count = m[0].split('\n').length - 1
      for (let i = first; i < first + count; i++) {
        imported.add(i)
        lines.push({ text: codeLines[i] as string, origin: snippet.line + i })
      }
    }
    for (const text of context.before.split('\n')) lines.push({ text, origin: null })
    codeLines.forEach((text, i) => {
      if (!imported.has(i)) lines.push({ text, origin: snippet.line + i })
    })
    for (const text of context.after.split('\n')) lines.push({ text, origin: null })
    const name = `${snippet.file.replace(/[^A-Za-z0-9]+/g, '_')}_${snippet.index}.ts`
    writeFileSync(join(dir, name), lines.map((l) => l.text).join('\n'))
    return [{ name, snippet, origin: lines.map((l) => l.origin) }]
  })
}

/**
 * Rewrites tsc's `dir/name.ts(line,col): error …` lines as `file.md:line:col (block n):
 * error …`, the place a reader of the documentation sees; other lines are kept.
 */
export function toDocLocations(output: string, written: Written[]): string {
  const byName = new Map(written.map((w) => [w.name, w]))
  return output.replace(/^(?:[^\n(]*\/)?([^/\n(]+\.ts)\((\d+),(\d+)\)/gm, (all, name, l, c) => {
    const w = byName.get(name)
    if (w === undefined) return all
    const origin = w.origin[Number(l) - 1]
    const where = origin === null || origin === undefined ? `context line ${l}` : `${origin}:${c}`
    return `${w.snippet.file}:${where} (block ${w.snippet.index})`
  })
}
