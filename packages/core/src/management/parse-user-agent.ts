/** What {@link parseUserAgent} reads from a `User-Agent` header, for people to look at. */
export interface DeviceInfo {
  /** Browser (or HTTP client) and its major version, e.g. `Chrome 131`; `null` when unknown. */
  browser: string | null
  /** Operating system, e.g. `Windows 10/11`, `macOS`, `Android 14`, `iOS 17.4`; `null` when unknown. */
  os: string | null
  /** `mobile` (phones), `tablet` (iPad, Android without "Mobile"), `desktop`, or `unknown`. */
  device: 'desktop' | 'mobile' | 'tablet' | 'unknown'
  /** One line for a "your sessions" row: `Chrome 131 on macOS`, `Firefox 133`, `Unknown device`. */
  label: string
}

// Longer headers are cut before matching: every pattern below is linear or close to it,
// and a real User-Agent is a few hundred characters (the manager keeps at most 512).
const MAX_LENGTH = 1024

// Order matters: Chromium-based browsers also say "Chrome/…", Chrome also says
// "Safari/…", and Edge on iOS also says "Version/… Safari". The first match wins.
const BROWSERS: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\b(?:OPR|OPiOS)\/(\d+)/],
  ['Opera', /\bOpera[/ ](\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Vivaldi', /\bVivaldi\/(\d+)/],
  ['Yandex Browser', /\bYaBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Headless Chrome', /\bHeadlessChrome\/(\d+)/],
  ['Chrome', /\bCriOS\/(\d+)/],
  ['Chromium', /\bChromium\/(\d+)/],
  ['Chrome', /\bChrome\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)(?:\.\d+)*(?: Mobile\/\w+)? Safari\//],
  ['Internet Explorer', /\bMSIE (\d+)/],
  ['Internet Explorer', /\bTrident\/\d+(?:\.\d+)?;(?: [^;)]*;)*? rv:(\d+)/],
  ['curl', /^curl\/(\d+)/],
  ['Wget', /^Wget\/(\d+)/],
]

const WINDOWS: Readonly<Record<string, string>> = {
  '10.0': '10/11', // Windows 11 still sends "Windows NT 10.0"
  '6.3': '8.1',
  '6.2': '8',
  '6.1': '7',
  '6.0': 'Vista',
  '5.1': 'XP',
}

/**
 * Turns a `User-Agent` header into a readable browser, operating system and device
 * class for "your sessions" screens. It knows the common browsers (Chrome, Edge,
 * Firefox, Safari, Opera, Samsung Internet, Vivaldi, Yandex, Internet Explorer, the
 * headless and iOS variants) and systems (Windows, macOS, iOS/iPadOS, Android,
 * ChromeOS, Linux), plus curl and Wget; anything else is reported as unknown.
 *
 * A User-Agent is client-chosen text: use the result for display only, never for a
 * security decision. Never throws, whatever it is given (non-strings count as absent).
 *
 * @example
 * ```ts
 * parseUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')
 * // { browser: 'Chrome 131', os: 'macOS', device: 'desktop', label: 'Chrome 131 on macOS' }
 * ```
 */
export function parseUserAgent(userAgent: unknown): DeviceInfo {
  const ua = typeof userAgent === 'string' ? userAgent.slice(0, MAX_LENGTH) : ''
  const browser = browserOf(ua)
  const os = osOf(ua)
  const label = browser && os ? `${browser} on ${os}` : (browser ?? os ?? 'Unknown device')
  return { browser, os, device: deviceOf(ua, os), label }
}

function browserOf(ua: string): string | null {
  for (const [name, pattern] of BROWSERS) {
    const m = pattern.exec(ua)
    if (m) return `${name} ${Number(m[1])}`
  }
  return null
}

function osOf(ua: string): string | null {
  const windows = /\bWindows NT (\d+\.\d+)/.exec(ua)
  if (windows) {
    const version = WINDOWS[windows[1] as string]
    return version ? `Windows ${version}` : 'Windows'
  }
  if (/\bWindows\b/.test(ua)) return 'Windows'
  // iPadOS 13+ asks for desktop sites and says "Macintosh"; only iPads saying so are caught.
  const ios = /\b(iPhone|iPad|iPod)\b[^)]*? OS (\d+)(?:_(\d+))?/.exec(ua)
  if (ios) {
    const name = ios[1] === 'iPad' ? 'iPadOS' : 'iOS'
    return ios[3] ? `${name} ${Number(ios[2])}.${Number(ios[3])}` : `${name} ${Number(ios[2])}`
  }
  if (/\b(?:iPhone|iPad|iPod)\b/.test(ua)) return 'iOS'
  const android = /\bAndroid (\d+)(?:\.(\d+))?/.exec(ua)
  if (android)
    return `Android ${Number(android[1])}${android[2] && android[2] !== '0' ? `.${Number(android[2])}` : ''}`
  if (/\bAndroid\b/.test(ua)) return 'Android'
  if (/\bCrOS\b/.test(ua)) return 'ChromeOS'
  // macOS versions are frozen at 10_15_7 in every browser's header since macOS 11: no version.
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return 'macOS'
  if (/\bUbuntu\b/.test(ua)) return 'Ubuntu'
  if (/\bLinux\b|\bX11\b/.test(ua)) return 'Linux'
  return null
}

function deviceOf(ua: string, os: string | null): DeviceInfo['device'] {
  if (/\biPad\b/.test(ua) || (/\bAndroid\b/.test(ua) && !/\bMobile\b/.test(ua))) return 'tablet'
  if (/\b(?:iPhone|iPod)\b|\bMobile\b|\bMobi\b/.test(ua)) return 'mobile'
  if (os !== null) return 'desktop'
  return 'unknown'
}
