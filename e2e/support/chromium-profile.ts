import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { CHROMIUM_ARGS } from './browser.js'

/** A persistent Chromium context on a fresh profile, and how to throw both away. */
export interface ChromiumProfile {
  context: BrowserContext
  close(): Promise<void>
}

/**
 * Launches the system Chromium headless on a fresh `--user-data-dir` whose
 * `Default/Preferences` is `preferences`, written before the first start — the way to
 * choose content settings such as third-party cookies (`profile.cookie_controls_mode`:
 * `0` allows them, `1` blocks them), which `launch()`'s throwaway profile cannot take.
 *
 * @example
 * ```ts
 * const { context, close } = await launchChromiumProfile(path, { profile: { cookie_controls_mode: 1 } })
 * ```
 */
export async function launchChromiumProfile(
  executablePath: string,
  preferences: Record<string, unknown>,
  /** Flags besides {@link CHROMIUM_ARGS}, e.g. `--host-resolver-rules`. */
  extraArgs: readonly string[] = [],
): Promise<ChromiumProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-chromium-'))
  mkdirSync(join(dir, 'Default'))
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify(preferences))
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      viewport: { width: 900, height: 640 },
    })
    return {
      context,
      close: async () => {
        await context.close().catch(() => {})
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}
