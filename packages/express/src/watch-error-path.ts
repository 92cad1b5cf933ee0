import { type NodeResponse, nodeResponseGate } from '@tessera/core/adapter'

/** The part of the router's internal `Layer` this file wraps. */
interface ErrorLayer {
  handleError(error: unknown, req: unknown, res: NodeResponse, next: unknown): unknown
}

/** `express.Router`: a router whose `use` adds one `Layer` to its `stack`. */
export type RouterFactory = () => { use(handler: unknown): unknown; stack: object[] }

// Layer prototypes whose handleError already tells the gate.
const watched = new WeakSet<object>()

/**
 * Tells the response gate when Express's error path takes a request, so the answer to
 * a handler that threw (or called `next(err)`) saves nothing, whatever its status — a
 * `400` from an http-errors error included — and whichever error middleware writes it.
 * Express offers no hook for this: its router hands an error to each later layer
 * through the internal `Layer.prototype.handleError`, which this wraps once for the
 * process (the prototype is found through a throwaway `express.Router()`). The wrapper
 * records the error on the gate and calls the router's own method, so the error reaches
 * the app's error handlers as before; requests that throw nothing never run it. An
 * Express whose router has no `handleError` is left alone: `storeErrorHandler()`
 * records the error itself. Not covered: an error no later layer sees, which Express's final handler
 * answers — registering `storeErrorHandler()` after the routes is what rules that out.
 */
export function watchErrorPath(Router: RouterFactory | undefined): void {
  if (typeof Router !== 'function') return
  const probe = Router()
  probe.use(function errorProbe(_error: unknown, _req: unknown, _res: unknown, _next: unknown) {})
  const layer = probe.stack[0]
  if (layer === undefined) return
  const prototype = Object.getPrototypeOf(layer) as ErrorLayer | null
  if (prototype === null || watched.has(prototype)) return
  const handleError = prototype.handleError
  if (typeof handleError !== 'function') return
  prototype.handleError = function (error, req, res, next) {
    const gate = nodeResponseGate(res)
    if (gate !== undefined) gate.thrown = error
    return handleError.call(this, error, req, res, next)
  }
  watched.add(prototype)
}
