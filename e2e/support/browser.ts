import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { chromiumPath, isExecutableFile, serviceGate } from '../../test-support/require-service.js'
import { repoRoot } from './demo-server.js'

/** Where screenshots land; `artifacts/` is git-ignored. */
export const screenshotDir = join(repoRoot, 'artifacts', 'e2e')

/**
 * The Chromium every browser test drives, and whether its file skips (locally, with a
 * visible reason) or fails (`TESSERA_REQUIRE_SERVICES=1`) when it is missing. Call it
 * once at the top of a test file; `describe.skipIf(gate.skip)` around the tests.
 *
 * @example
 * ```ts
 * const { executable, gate } = chromiumGate()
 * describe.skipIf(gate.skip)('in a browser', () => { … launchChromium(executable) … })
 * ```
 */
export function chromiumGate(): { executable: string; gate: { skip: boolean } } {
  const executable = chromiumPath()
  const gate = serviceGate(
    'chromium',
    isExecutableFile(executable),
    `no executable Chromium at ${executable} (set CHROMIUM_PATH)`,
  )
  return { executable, gate }
}

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
