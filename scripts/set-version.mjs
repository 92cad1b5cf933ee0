// Release helper: `node scripts/set-version.mjs 0.2.0` sets the version of every package
// under packages/ and the exact @tessera/* versions they name, since the packages are
// released together and pin each other (see docs/releasing.md). Private apps are untouched.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

const version = process.argv[2]
if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error('usage: node scripts/set-version.mjs <semver, e.g. 0.2.0>')
  process.exit(2)
}
const root = new URL('../packages/', import.meta.url)
for (const dir of readdirSync(root)) {
  const file = new URL(`${dir}/package.json`, root)
  const pkg = JSON.parse(readFileSync(file, 'utf8'))
  pkg.version = version
  for (const field of ['dependencies', 'peerDependencies', 'devDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (name.startsWith('@tessera/')) pkg[field][name] = version
    }
  }
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`)
  console.log(`${pkg.name}@${version}`)
}
