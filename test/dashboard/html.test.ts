// The page helpers every view uses: what is escaped, what is left out, how outside text is shown and cut, and the
// numbers (durations, times) that may be missing or not finite.
import t from 'tap'
import { duration, escapeHtml, html, isoTime, raw, shown, shownJson } from '../../src/dashboard/html.js'

t.test('html escapes every value, joins arrays, and leaves out null, undefined and false', async (t) => {
  const out = html`<p title="${'"x" & <y>'}">${['<a>', html`<b>${"'"}</b>`]}${null}${undefined}${false}${0}${raw('<hr>')}</p>`
  t.equal(out.value, '<p title="&quot;x&quot; &amp; &lt;y&gt;">&lt;a&gt;<b>&#39;</b>0<hr></p>')
  t.equal(escapeHtml('<script>'), '&lt;script&gt;')
})

t.test('outside text: controls and lone surrogates as escapes, cut with a count of what was left out', async (t) => {
  t.equal(shown('a\u0000b\u2028c\ud800d\tok\n'), 'a\\u0000b\\u2028c\\ud800d\tok\n')
  t.equal(shown('x'.repeat(12), 10), `${'x'.repeat(10)}… (2 more characters)`)
  t.equal(shownJson({ a: [1] }), '{"a":[1]}')
  t.equal(shownJson({ a: 1 }, 100, 2), '{\n  "a": 1\n}')
  t.equal(shownJson(undefined), 'undefined', 'what JSON cannot show is shown as text')
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  t.equal(shownJson(cyclic), '[object Object]', 'a value JSON refuses is shown as text')
  t.equal(shownJson(10n), '10')
})

t.test('durations and times, including the ones that are not numbers', async (t) => {
  t.equal(duration(0.421), '0.42 ms')
  t.equal(duration(12.4), '12 ms')
  t.equal(duration(3_400), '3.4 s')
  t.equal(duration(125_000), '2 min 5 s')
  t.equal(duration(Number.NaN), '?')
  t.equal(isoTime(Date.UTC(2026, 11, 5, 9, 0, 1, 999)), '2026-12-05T09:00:01Z')
  t.equal(isoTime(Number.POSITIVE_INFINITY), '?')
})
