import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { DeadlineQueue } from '../../src/lib/deadline-queue.js'

// The one timer behind every store call's deadline (`withTimeout`). Under load on a store
// over the network the queue is never empty, so what it has finished with must not stay
// reachable from it: each request's promise chain would otherwise outlive the young
// generation and be copied into the old one.
setFlagsFromString('--expose_gc')
const collectGarbage = runInNewContext('gc') as () => void

/** Lets the current job end (a WeakRef's target is kept until then), then collects. */
async function collectAfterThisJob(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  collectGarbage()
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('DeadlineQueue', () => {
  it('expires a call still pending after its duration, once, and never a settled one', async () => {
    const queue = new DeadlineQueue(20)
    const expired: string[] = []
    const settled = queue.add(() => expired.push('settled'))
    queue.add(() => expired.push('pending'))
    queue.settle(settled)
    await wait(80)
    expect(expired).toEqual(['pending'])
    // A call added after the timer fired is watched by a new one.
    queue.add(() => expired.push('later'))
    await wait(80)
    expect(expired).toEqual(['pending', 'later'])
  })

  it('lets go of a settled call’s closure while an older call is still pending', async () => {
    const queue = new DeadlineQueue(60_000)
    const older = queue.add(() => {})
    const watched = (() => {
      const request = { body: new Array(1_000).fill('request') }
      const deadline = queue.add(() => void request.body)
      queue.settle(deadline)
      return new WeakRef(request)
    })()
    await collectAfterThisJob()
    expect(watched.deref()).toBeUndefined()
    queue.settle(older)
  })

  it('clears the slots its front has passed while a later call is still pending', async () => {
    const queue = new DeadlineQueue(60_000)
    const watched = (() => {
      const deadline = queue.add(() => {})
      return { deadline: new WeakRef(deadline), settle: () => queue.settle(deadline) }
    })()
    const later = queue.add(() => {})
    watched.settle()
    watched.settle = () => {}
    await collectAfterThisJob()
    expect(watched.deadline.deref()).toBeUndefined()
    queue.settle(later)
  })
})
