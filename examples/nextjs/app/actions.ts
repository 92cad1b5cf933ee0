'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import { sessionAction } from '../lib/session-action'

/** Logs out (the form carries `csrfmiddlewaretoken`): the session row and cookie go. */
export async function logout(form: FormData): Promise<void> {
  await sessionAction(form, ({ session, tessera, client }) =>
    tessera.management.logout(session, client),
  )
  redirect('/login/')
}

/** Ends one of the user's sessions, named by its public id ("your sessions"). */
export async function endSession(form: FormData): Promise<void> {
  const ended = await sessionAction(form, ({ session, tessera }) => {
    const id = form.get('id')
    return typeof id === 'string' ? tessera.management.revoke(session, id) : Promise.resolve(null)
  })
  if (ended?.current) redirect('/login/')
  revalidatePath('/hello/')
}
