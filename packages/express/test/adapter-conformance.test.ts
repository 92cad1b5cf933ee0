import { describeAdapter } from '@tessera/testing'
import { routes } from './lib/routes.js'
import { serve } from './lib/serve.js'

// Express has no in-process fetch: every case, not only concurrency, goes over a real port.
describeAdapter(
  'express',
  (options) => serve(routes(options.manager, { ...options.options, users: options.users })),
  {
    realPort: true,
  },
)
