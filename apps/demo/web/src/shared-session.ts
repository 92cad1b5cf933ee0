/**
 * django-shared-session in the SPA: after a login without a page load, asks the server for the
 * shared-session script URLs (`GET /shared-session/loader.json`) and adds them to the
 * page as `<script async>`, exactly what the server renders into the HTML shell of a
 * logged-in page. Each URL carries a one-time code for another site, which sets that
 * site's own cookie where the browser allows third-party cookies; elsewhere the other
 * site brings the session over with a redirect hop on its first visit. Failures are
 * ignored: sharing is a convenience, never a reason for the login to fail.
 */
export async function loadSharedSession(): Promise<void> {
  try {
    const res = await fetch('/shared-session/loader.json', { credentials: 'same-origin' })
    if (!res.ok) return
    const { scripts } = (await res.json()) as { scripts?: unknown }
    if (!Array.isArray(scripts)) return
    for (const src of scripts) {
      if (typeof src !== 'string') continue
      const script = document.createElement('script')
      script.async = true
      // The other site redeems the code only when the Referer shows this site, and the
      // page's own Referrer-Policy (same-origin) would send none.
      script.referrerPolicy = 'origin'
      script.src = src
      script.dataset.sharedSession = ''
      document.head.append(script)
    }
  } catch {
    // Offline, or the server has no shared sessions: nothing to share.
  }
}
