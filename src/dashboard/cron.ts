// cron.yaml tasks as the dashboard shows them: the schedule in words, the next times, the last run seen here.
import { toString as describeSchedule } from 'cronstrue'
import { nextFireTime, type CronEntry } from '../config/index.js'
import type { RecordedRun, RunRecorder } from './recorder.js'

/** One task of cron.yaml. */
export interface CronTaskView {
  name: string
  url: string
  schedule: string
  /** "Every 5 minutes" (UTC). */
  words: string
  /** The next fire times after now, UTC. */
  next: Date[]
  /** The last periodic run of this task in this process, if any. */
  last: RecordedRun | undefined
}

/** Each entry with its schedule in words, its next `count` fire times and its last run. */
export function cronTaskViews(entries: readonly CronEntry[], recorder: RunRecorder, now: Date, count = 3): CronTaskView[] {
  return entries.map((e) => {
    const next: Date[] = []
    let after = now
    for (let i = 0; i < count; i++) next.push((after = nextFireTime(e.schedule, after)))
    return { name: e.name, url: e.url, schedule: e.schedule, words: scheduleInWords(e.schedule), next, last: recorder.lastTaskRun(e.name) }
  })
}

/** A 5-field schedule in English, 24-hour clock, UTC ("At 00:00, on day 1 of the month (UTC)"). */
export function scheduleInWords(schedule: string): string {
  try {
    return `${describeSchedule(schedule, { use24HourTimeFormat: true, throwExceptionOnParseError: true })} (UTC)`
  } catch {
    return schedule
  }
}
