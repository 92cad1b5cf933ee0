// Minimal declarations for the part of autocannon 9's programmatic API that lib/measure.ts
// uses (the package ships no types and @types/autocannon is not installed).

declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string
      connections?: number
      pipelining?: number
      /** Seconds. */
      duration?: number
      headers?: Record<string, string>
      /** Every response body is compared with this; differences count as `mismatches`. */
      expectBody?: string
      /** Requests sent in turn on each connection; `setupRequest` may rewrite each one. */
      requests?: Request[]
    }
    interface RequestParams {
      method?: string
      path?: string
      headers?: Record<string, string>
    }
    interface Request extends RequestParams {
      /**
       * Called before each send; the returned request is sent. `context` is the
       * connection's, fresh for each pass over `requests`, and reaches `onResponse`.
       */
      setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams
      /** Called with each response; giving it makes autocannon keep the body. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void
    }
    /** Milliseconds for latency, requests per second for requests. */
    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      p50: number
      p90: number
      p99: number
      total: number
    }
    interface Result {
      duration: number
      errors: number
      timeouts: number
      mismatches: number
      non2xx: number
      '2xx': number
      latency: Histogram
      requests: Histogram
    }
    interface Instance extends PromiseLike<Result> {
      stop(): void
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance
  export = autocannon
}
