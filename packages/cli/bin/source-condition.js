// Module resolve hook: resolve every import with the "@tessera/source" condition too, so
// @tessera/* workspace packages load their TypeScript sources (see tessera.js).
export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, '@tessera/source'] })
}
