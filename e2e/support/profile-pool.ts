import type { BrowserContext } from 'playwright-core'
import { type ChromiumProfile, launchChromiumProfile } from './chromium-profile.js'

// Chrome's shipped default allows third-party cookies (cookie_controls_mode 0). Debian's
// Chromium 156 starts a fresh profile blocking them (its Set-Cookie in a cross-site
// response is refused with "UserPreferences"), so tests that need Chrome's default state
// it explicitly, and tests of the blocked case block them with the same preference.

/** Profile preferences of Chrome's default: third-party cookies allowed. */
export const ALLOW_THIRD_PARTY = {
  profile: { cookie_controls_mode: 0, block_third_party_cookies: false },
}
/** Profile preferences with third-party cookies blocked. */
export const BLOCK_THIRD_PARTY = {
  profile: { cookie_controls_mode: 1, block_third_party_cookies: true },
}

/**
 * Fresh Chromium profiles for one test file: `open(preferences)` launches one (a 20 s
 * default timeout on its context), `closeAll()` (in `afterAll`) closes every one opened.
 *
 * @example
 * ```ts
 * const profiles = profilePool(executable)
 * afterAll(() => profiles.closeAll())
 * const context = await profiles.open(BLOCK_THIRD_PARTY)
 * ```
 */
export function profilePool(executablePath: string): {
  open(preferences: Record<string, unknown>): Promise<BrowserContext>
  closeAll(): Promise<void>
} {
  const profiles: ChromiumProfile[] = []
  return {
    async open(preferences) {
      const profile = await launchChromiumProfile(executablePath, preferences)
      profiles.push(profile)
      profile.context.setDefaultTimeout(20_000)
      return profile.context
    },
    async closeAll() {
      for (const profile of profiles.splice(0)) await profile.close()
    },
  }
}
