// Live mailers by name, for delivery jobs: a job carries a mailer's name, never a client or a setting.
import { MailerNotFoundError } from '../errors.js'
import type { Mailer } from './mailer.js'

const live = new Map<string, Mailer>()

/** Makes `mailer` the one delivery jobs use for its name (the latest wins, as the latest app to start). */
export function publishMailer(mailer: Mailer): void {
  live.set(mailer.name, mailer)
}

/** Forgets `mailer`, unless another mailer has taken its name since. */
export function withdrawMailer(mailer: Mailer): void {
  if (live.get(mailer.name) === mailer) live.delete(mailer.name)
}

/** The live mailer called `name`; throws a {@link MailerNotFoundError} saying how to create it when there is none. */
export function findMailer(name: string): Mailer {
  const mailer = live.get(name)
  if (mailer === undefined || mailer.closed) {
    throw new MailerNotFoundError(
      `No mailer named ${JSON.stringify(name)} runs in this process: register the mail plugin${name === 'default' ? '' : ` with namespace '${name}'`} (or call createMailer) in the worker too.`,
    )
  }
  return mailer
}
