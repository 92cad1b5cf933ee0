import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A throwaway CA and a leaf certificate it signed, as PEM files in one directory. */
export interface TestCertificates {
  /** The CA certificate (trust anchor for Node clients). */
  caFile: string
  ca: string
  /** Leaf then CA: what nginx serves as `ssl_certificate`. */
  chainFile: string
  /** The leaf's private key. */
  keyFile: string
  /**
   * base64 SHA-256 of the leaf's SubjectPublicKeyInfo: what Chromium's
   * `--ignore-certificate-errors-spki-list` takes to trust exactly this certificate.
   */
  spkiHash: string
}

/**
 * Generates, with the `openssl` command, a test CA and a server certificate for `names`
 * (subjectAltName DNS entries) into `dir`. P-256 keys, valid for two days. Nothing is
 * installed anywhere: clients trust it by being told to (Node's `ca`, Chromium's SPKI list).
 *
 * @example
 * ```ts
 * const certs = generateTestCertificates(dir, ['tessera-a.test', 'tessera-b.test'])
 * ```
 */
export function generateTestCertificates(dir: string, names: readonly string[]): TestCertificates {
  const file = (name: string) => join(dir, name)
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=Tessera test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  )
  openssl('req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${names[0]}`)
  writeFileSync(
    file('leaf.ext'),
    [
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n'),
  )
  openssl(
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'leaf.crt',
    '-days',
    '2',
    '-extfile',
    'leaf.ext',
  )
  const leaf = readFileSync(file('leaf.crt'), 'utf8')
  const ca = readFileSync(file('ca.crt'), 'utf8')
  writeFileSync(file('chain.crt'), leaf + ca)
  const spki = new X509Certificate(leaf).publicKey.export({ type: 'spki', format: 'der' })
  return {
    caFile: file('ca.crt'),
    ca,
    chainFile: file('chain.crt'),
    keyFile: file('tls.key'),
    spkiHash: createHash('sha256').update(spki).digest('base64'),
  }
}
