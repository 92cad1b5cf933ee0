// Shown with status 403 when a Server Action fails the CSRF check, or a page or action is
// requested for a host outside ALLOWED_HOSTS (`forbidden()`).
export default function Forbidden() {
  return (
    <main>
      <h1>Request refused</h1>
      <p>The form was stale or did not come from this site. Reload the page and try again.</p>
    </main>
  )
}
