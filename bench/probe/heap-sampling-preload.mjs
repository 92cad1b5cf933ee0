// Preloaded by probe/allocation-sites.ts into a bench server: the first SIGUSR2 starts V8's
// sampling heap profiler, keeping the samples of objects the collectors free (so a
// request's short-lived objects count), the second stops it and writes the profile to
// the file named by HEAP_SAMPLING_OUT. Each step prints a line the probe waits for.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'

const session = new Session()
session.connect()
let sampling = false

process.on('SIGUSR2', async () => {
  if (!sampling) {
    sampling = true
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMinorGC: true,
      includeObjectsCollectedByMajorGC: true,
    })
    console.log('=== heap sampling started')
    return
  }
  const { profile } = await session.post('HeapProfiler.stopSampling')
  writeFileSync(process.env.HEAP_SAMPLING_OUT ?? 'heap.json', JSON.stringify(profile))
  console.log('=== heap sampling written')
})
