import Link from 'next/link'

export default function Home() {
  return (
    <main>
      <h1>Tessera on Next.js</h1>
      <p>
        <Link href="/hello">The protected page</Link> · <Link href="/login">Log in</Link>
      </p>
    </main>
  )
}
