import { type ApiRoutes, json } from './api-handler.js'
import { readJsonObject } from './read-json.js'

/** What the demo's cart can hold: a fixed catalogue, so the session stores no free text. */
export const CART_CATALOGUE = ['tile', 'grout', 'mosaic'] as const

// A bound on what an anonymous visitor can make the store keep.
const MAX_ITEMS = 20

const itemsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/**
 * A small cart kept in the session, logged in or not (`GET /api/cart/`,
 * `POST /api/cart/ {"item"}`, `DELETE /api/cart/`): the anonymous session data that
 * django-shared-session shares across sites as well as logins. Adding the first item
 * makes an anonymous session worth storing (an empty one never is), so the other sites
 * receive it; a later login keeps it (login rotates the credential, not the data).
 *
 * @example
 * ```ts
 * const routes: ApiRoutes = { ...createCartApi() }
 * ```
 */
export function createCartApi(): ApiRoutes {
  return {
    'GET /api/cart/': async ({ session }) => json({ items: itemsOf(await session.get('cart')) }),

    'POST /api/cart/': async (request) => {
      const body = await readJsonObject(request)
      if (!body.ok) return body.result
      const { item } = body.fields
      if (!(CART_CATALOGUE as readonly unknown[]).includes(item)) {
        return json({ detail: `"item" must be one of ${CART_CATALOGUE.join(', ')}.` }, 400)
      }
      const items = itemsOf(await request.session.get('cart'))
      if (items.length >= MAX_ITEMS) {
        return json({ detail: `The cart holds at most ${MAX_ITEMS} items.` }, 400)
      }
      items.push(item as string)
      await request.session.set('cart', items)
      return json({ items })
    },

    'DELETE /api/cart/': async ({ session }) => {
      await session.delete('cart')
      return json({ items: [] })
    },
  }
}
