// The one aws-sqsd User-Agent test: the guard (isSqsdRequest) and the route constraint both ask isSqsdUserAgent.
import t from 'tap'
import { isSqsdRequest, isSqsdUserAgent } from '../../src/worker/index.js'
import { SQSD_USER_AGENT } from '../../src/sqsd/index.js'

t.test("sqsd's User-Agent with or without a version is sqsd's; anything else is not", async (t) => {
  const cases: Array<[unknown, boolean]> = [
    ['aws-sqsd', true],
    ['aws-sqsd/2.4', true],
    [SQSD_USER_AGENT, true],
    ['not-aws-sqsd/1.0', false],
    ['AWS-SQSD/2.4', false],
    ['curl/8.5.0', false],
    ['', false],
    [undefined, false],
    [['aws-sqsd/2.4'], false],
  ]
  for (const [userAgent, expected] of cases) {
    t.equal(isSqsdUserAgent(userAgent), expected, JSON.stringify(userAgent))
    t.equal(isSqsdRequest({ headers: { 'user-agent': userAgent as string | undefined } }), expected, `isSqsdRequest agrees: ${JSON.stringify(userAgent)}`)
  }
})
