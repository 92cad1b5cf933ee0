import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { repoRoot } from './demo-server.js'

/** Where screenshots land; `artifacts/` is git-ignored. */
export const screenshotDir = join(repoRoot, 'artifacts', 'e2e')

/**
 * Launches the system Chromium headless. `launch()` gives every run a fresh temporary
 * profile that Playwright deletes on close, so no cookie survives between runs (it
 * refuses `--user-data-dir`; only `launchPersistentContext` takes a profile directory).
 * The flags keep Chromium from phoning home or needing a GPU or sandbox in containers.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })
}

/** The flags every browser test starts Chromium with. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Saves a full-page screenshot as `artifacts/e2e/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true })
  const path = join(screenshotDir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
